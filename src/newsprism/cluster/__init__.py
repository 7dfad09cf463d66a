"""Story clustering: near-duplicate origins, online attach/open/merge, batch re-clustering."""

from newsprism.cluster.batch import BatchResult, cluster_batch, map_ids
from newsprism.cluster.common import story_id_for
from newsprism.cluster.evaluate import BCubed, bcubed, load_ecbplus
from newsprism.cluster.online import StoryClusterer
from newsprism.cluster.params import ClusterParams
from newsprism.features.docvec import (
    DocFeatures,
    compute_features,
    features_from_bytes,
    features_to_bytes,
)

__all__ = [
    "BCubed",
    "BatchResult",
    "ClusterParams",
    "DocFeatures",
    "StoryClusterer",
    "bcubed",
    "cluster_batch",
    "compute_features",
    "features_from_bytes",
    "features_to_bytes",
    "load_ecbplus",
    "map_ids",
    "story_id_for",
]
