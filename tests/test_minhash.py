from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from datasketch import MinHash

from newsprism.features import minhash as mh
from newsprism.features.docvec import features_from_bytes, features_of, features_to_bytes

TEXT = (
    "The regional council approved a new budget on Monday after a long debate about school "
    "funding, road repairs and the cost of public transport in the northern districts. Council "
    "members said the plan would raise spending on libraries by four percent while cutting "
    "administrative costs, and the mayor promised a review of the bus network before winter."
)


def test_signature_matches_datasketch() -> None:
    hashes = mh.shingle_hashes(mh.word_tokens(TEXT))
    ours = mh.signature_of_hashes(hashes)
    ref = MinHash(num_perm=mh.NUM_PERM, seed=mh.SEED, hashfunc=lambda x: x, scheme="affine32")
    ref.update_batch([int(h) for h in hashes])
    assert np.array_equal(ours, ref.hashvalues)
    lean = mh.to_lean(ours)
    assert lean.jaccard(mh.to_lean(ours)) == 1.0


def test_jaccard_estimate_tracks_true_overlap() -> None:
    rng = np.random.default_rng(3)
    base = rng.choice(2**32 - 1, size=2000, replace=False).astype(np.uint32)
    for keep in (0.9, 0.5, 0.1):
        n = int(len(base) * keep)
        other = np.concatenate([base[:n], rng.integers(0, 2**32 - 1, 2000 - n, dtype=np.uint32)])
        true = len(set(base.tolist()) & set(other.tolist())) / len(
            set(base.tolist()) | set(other.tolist())
        )
        est = mh.jaccard(mh.signature_of_hashes(base), mh.signature_of_hashes(other))
        assert abs(est - true) < 0.12, (keep, est, true)


def test_copies_and_edits() -> None:
    same = mh.signature(TEXT)
    assert mh.jaccard(same, mh.signature(TEXT.upper())) == 1.0  # case does not matter
    edited = TEXT.replace("four percent", "five percent") + " (Reporting by a local agency.)"
    assert mh.jaccard(same, mh.signature(edited)) > 0.7
    other = "A storm closed the harbour and delayed three ferries to the islands overnight."
    assert mh.jaccard(same, mh.signature(other)) < 0.1
    with pytest.raises(ValueError):
        mh.jaccard(same, same[:10])


def test_short_and_empty_texts() -> None:
    assert len(mh.shingle_hashes(["only", "two"])) == 1
    assert len(mh.shingle_hashes([])) == 0
    empty = mh.signature("")
    assert np.all(empty == np.uint32(0xFFFFFFFF))


def test_near_duplicate_index_groups_copies() -> None:
    idx = mh.NearDuplicateIndex(threshold=0.5)
    assert idx.assign("a", mh.signature(TEXT)) == "a"
    republished = "Updated: " + TEXT + " Copyright the wire service."
    assert idx.assign("b", mh.signature(republished)) == "a"
    other = TEXT.replace("budget", "zoning law").split(". ")[0] + ". Nothing else happened today."
    assert idx.assign("c", mh.signature(other)) == "c"
    assert idx.assign("a", mh.signature(other)) == "a"  # a known key keeps its origin
    assert idx.origins() == {"a": "a", "b": "a", "c": "c"}
    with pytest.raises(ValueError):
        mh.NearDuplicateIndex(threshold=0.0)


def test_thousands_of_identical_copies_make_one_origin() -> None:
    idx = mh.NearDuplicateIndex()
    sig = mh.signature(TEXT)
    origins = idx.assign_many((f"copy{i}", sig.copy()) for i in range(2000))
    assert set(origins) == {"copy0"}
    assert len(idx) == 2000
    assert len(idx._sigs) == 1  # only the representative entered the LSH index


def test_features_round_trip_and_damage() -> None:
    f = features_of(
        "abc123",
        "Heavy rain hit Lisbon on Tuesday. " + TEXT,
        dt.date(2024, 4, 2),
        outlet="Daily Example",
    )
    g = features_from_bytes(features_to_bytes(f))
    assert g.article_id == f.article_id and g.published == f.published and g.outlet == f.outlet
    assert g.entities == f.entities and "lisbon" in g.entities
    assert g.n_tokens == f.n_tokens
    for name in ("words", "word_tf", "ents", "ent_tf", "minhash"):
        assert np.array_equal(getattr(g, name), getattr(f, name))
    blob = features_to_bytes(f)
    with pytest.raises(ValueError):
        features_from_bytes(blob[:-3])
    with pytest.raises(ValueError):
        features_from_bytes(b"XXXX" + blob[4:])
    undated = features_from_bytes(features_to_bytes(features_of("x", "Short note.")))
    assert undated.published is None and undated.outlet is None


def test_vectorised_duplicate_origins_match_the_index() -> None:
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(400)]
    texts: list[str] = []
    for _ in range(60):
        if texts and rng.random() < 0.5:
            base = texts[int(rng.integers(len(texts)))].split()
            cut = int(rng.integers(0, 8))  # drop a few words: a near copy, sometimes a chain
            texts.append(" ".join([*base[cut:], "tagline"]))
        else:
            texts.append(" ".join(rng.choice(words, size=60)))
    texts += [texts[3]] * 50  # many identical copies
    sigs = np.stack([mh.signature(t) for t in texts])
    idx = mh.NearDuplicateIndex()
    expected = [int(o) for o in idx.assign_many((str(i), s) for i, s in enumerate(sigs))]
    got = mh.duplicate_origins(sigs).tolist()
    assert got == expected
    assert len(set(got)) < len(texts) - 50  # copies were found
    assert mh.band_params(0.5, 128) == (25, 5)  # datasketch's choice for these settings
