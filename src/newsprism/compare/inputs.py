"""Which of the articles given to a one-shot comparison are compared, and their origins.

``newsprism compare FILE…`` takes whatever it is given. Before comparing, the inputs are sorted
the way the store sorts ingested articles, so that ``compare`` and ``ingest`` + ``stories`` agree:

1. articles whose text is not English are left out, with a note, unless nothing else is left;
2. the rest are grouped into stories with the batch clusterer (:func:`cluster_batch` over
   :func:`compute_features`, as ``rebuild_stories`` does). When several inputs share a story
   and others are about other stories, the largest story is compared (on a tie, the one with
   the earliest input) and one note names every input left out: its file, its record in the
   file (``entry 2``, ``line 3``) when the file holds several, and its title. When no two inputs
   share a story, all are compared: the comparison then says that they share no event;
3. near-duplicate copies (MinHash over word 4-grams, the clusterer's own rule and threshold)
   share one origin, named by the copy given first (as ingesting the files in that order
   names it);
4. only the chosen story's articles are analysed; those in which no sentence could be analysed
   are left out too, with a note, unless nothing else is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from newsprism.cluster import ClusterParams, cluster_batch, compute_features
from newsprism.cluster.batch import near_duplicate_origins as batch_origins
from newsprism.config import Settings
from newsprism.models import Article, ArticleAnalysis


@dataclass(slots=True)
class Selection:
    """The articles to compare (in input order), their analyses and origins, and notes on the
    inputs that were left out."""

    articles: list[Article]
    analyses: list[ArticleAnalysis]
    origins: dict[str, str]
    notes: list[str] = field(default_factory=list)


#: The longest title a note quotes (longer ones are cut with an ellipsis).
_TITLE_CHARS = 80


def input_label(article: Article) -> str:
    """How a note names an input: its path as given (with its record in the file: ``entry 2``,
    ``line 3``), else its outlet, else its id."""
    where = article.provenance
    if not where.path:
        return article.outlet or article.id
    return f"{where.path} {where.locator}" if where.locator else where.path


def record_label(article: Article) -> str:
    """An input named for a reader: :func:`input_label` and its title, quoted, when it has one
    (``feeds/daily.rss entry 2 ("Harbour reopens")``)."""
    title = " ".join((article.title or "").split())
    if not title:
        return input_label(article)
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS - 1].rstrip() + "…"
    return f'{input_label(article)} ("{title}")'


def origins_in_input_order(article_ids: Sequence[str], origin: Mapping[str, str]) -> dict[str, str]:
    """Relabel each origin group by its member that comes first in ``article_ids``."""
    first: dict[str, str] = {}
    return {a: first.setdefault(origin.get(a, a), a) for a in article_ids}


def near_duplicate_origins(
    articles: Sequence[Article], settings: Settings | None = None
) -> dict[str, str]:
    """Article id → origin id: copies of one report (the store's MinHash rule) share an origin,
    the id of the copy that comes first in ``articles``."""
    if not articles:
        return {}
    _, origin = batch_origins(compute_features(articles), ClusterParams.from_settings(settings))
    return origins_in_input_order([a.id for a in articles], origin)


def not_english(article: Article) -> str | None:
    """Why the article is not compared when its text is not English, else None."""
    foreign = next((f for f in article.flags if f.kind == "non_english"), None)
    if foreign is None:
        return None
    language = article.language or (foreign.detail or "").split(" ")[0] or "unknown"
    return f"the text is not English ({language})"


def story_groups(
    articles: Sequence[Article], settings: Settings | None = None
) -> tuple[list[list[int]], dict[str, str]]:
    """The articles grouped into stories (lists of positions in ``articles``, groups ordered by
    their first member) and the origin of each article id (see :func:`near_duplicate_origins`)."""
    ids = [a.id for a in articles]
    if len(articles) < 2:
        return [list(range(len(articles)))], {a: a for a in ids}
    if len(articles) == 2:
        # one story or two, the two are compared (two stories: "the articles do not share an
        # event"), so only the origins are needed, not the clustering
        return [[0, 1]], near_duplicate_origins(articles, settings)
    result = cluster_batch(compute_features(articles), settings=settings)
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(ids):
        groups.setdefault(result.assignments.get(a, a), []).append(i)
    return list(groups.values()), origins_in_input_order(ids, result.origins)


def select_story(
    articles: Sequence[Article],
    analyze: Callable[[Sequence[Article]], Sequence[ArticleAnalysis]],
    settings: Settings | None = None,
) -> Selection:
    """The articles of one story among ``articles`` (see the module docs). Only the articles of
    the chosen story are analysed (``analyze``)."""
    notes: list[str] = []
    foreign = [not_english(a) for a in articles]
    kept = [a for a, why in zip(articles, foreign, strict=True) if why is None]
    if not kept:
        kept = list(articles)
        notes.extend(
            f"{input_label(a)}: {why}; nothing in it can be compared"
            for a, why in zip(articles, foreign, strict=True)
        )
    else:
        notes.extend(
            f"{input_label(a)}: not compared: {why}"
            for a, why in zip(articles, foreign, strict=True)
            if why is not None
        )
    groups, origins = story_groups(kept, settings)
    chosen = list(range(len(kept)))
    if max(len(g) for g in groups) > 1:
        chosen = max(groups, key=lambda g: (len(g), -g[0]))
        left = sorted(i for g in groups if g is not chosen for i in g)
        if left:
            records = "; ".join(record_label(kept[i]) for i in left)
            notes.append(
                f"{len(left)} of {len(articles)} inputs are about other stories "
                f"and were left out: {records}"
            )
    picked = [kept[i] for i in chosen]
    analyses = list(analyze(picked))
    empty = [not an.sentences for an in analyses]
    if any(empty) and not all(empty):
        for article, none in zip(picked, empty, strict=True):
            if none:
                notes.append(
                    f"{input_label(article)}: not compared: no sentence in it could be analysed"
                )
        analyses = [an for an, none in zip(analyses, empty, strict=True) if not none]
        picked = [a for a, none in zip(picked, empty, strict=True) if not none]
    return Selection(
        articles=picked,
        analyses=analyses,
        origins={a.id: origins[a.id] for a in picked},
        notes=notes,
    )
