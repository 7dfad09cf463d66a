"""Compare the articles of one story: the orchestration of the compare stage (``compare.v1``).

articles (+ analyses) → story date (undated articles take it where their text allows) → units →
sentence vectors → alignment scores → facts → differences → framing → coverage → brief → timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from newsprism.compare.align import Alignment, align, embedding_texts, score_matrix
from newsprism.compare.brief import build_brief
from newsprism.compare.caches import LRUCache
from newsprism.compare.differences import (
    consolidate_values,
    mark_disputed,
    merge_pairwise,
    pair_differences,
    unaligned_contradictions,
)
from newsprism.compare.enumerations import claim_cut_cache
from newsprism.compare.facts import build_facts, coverage
from newsprism.compare.framing import act_differences, article_framing, tone_differences
from newsprism.compare.model import ArticleInfo, Comparison, Difference
from newsprism.compare.timeline import build_timeline, date_claims
from newsprism.compare.units import Unit, build_units
from newsprism.compare.vectors import read_vectors, text_key
from newsprism.config import Settings
from newsprism.errors import NewsprismError
from newsprism.models import Article, ArticleAnalysis, Failure, Quote, Story
from newsprism.registry import Registry

if TYPE_CHECKING:
    from newsprism.store import Store

log = logging.getLogger(__name__)

COMPARE_NAME = "compare.v1"
#: Comparers by versioned name (``compare.v1`` is :func:`compare_articles`).
COMPARERS: Registry[Callable[..., Comparison]] = Registry("comparer")
#: Shared facts needed to say that the articles report one event (below it, see DOC_SIMILARITY).
MIN_SHARED_FACTS = 2
#: With a single shared fact, the articles' mean vectors must be this similar ...
DOC_SIMILARITY = 0.55
#: ... and the fact's alignment this strong (unless the articles are short, see SHORT_UNITS).
SINGLE_FACT_SCORE = 0.70
#: Articles with at most this many claims are short: one shared fact can be all they share.
SHORT_UNITS = 6
#: Mean-vector similarity that, with one shared fact, makes short articles one event.
SHORT_DOC_SIMILARITY = 0.50
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CompareError(NewsprismError):
    """Nothing could be compared (no readable article)."""


# --------------------------------------------------------------------------- dating


def story_date(articles: Sequence[Article]) -> str | None:
    """The most common publication date among the dated articles (earliest on a tie)."""
    dates = [a.published[:10] for a in articles if a.published and _iso(a.published[:10])]
    if not dates:
        return None
    counts = Counter(dates)
    best = max(counts.values())
    return min(d for d, c in counts.items() if c == best)


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _text_allows(article: Article, analysis: ArticleAnalysis, day: dt.date) -> str | None:
    """Why the article's text fits the story date, or None when nothing in it does."""
    weekday = _WEEKDAYS[day.weekday()]
    for t in analysis.times:
        if t.kind != "date":
            continue
        words = t.text.lower()
        if re.search(rf"\b{weekday}\b", words) and not re.search(r"\b(?:last|next)\b", words):
            return f'"{t.text}" matches the story date ({day.isoformat()}, a {weekday.title()})'
        if t.value == day.isoformat() and (t.rule or "") not in ("weekday", "relative"):
            return f'"{t.text}" names the story date'
    return None


def date_from_story(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis]
) -> tuple[list[Article], list[ArticleAnalysis], str | None, list[str]]:
    """Give undated articles the story's date where their text allows it, and re-resolve their
    time expressions against it."""
    day_iso = story_date(articles)
    notes: list[str] = []
    if day_iso is None:
        return list(articles), list(analyses), None, notes
    day = _iso(day_iso)
    assert day is not None
    out_a: list[Article] = []
    out_an: list[ArticleAnalysis] = []
    for article, analysis in zip(articles, analyses, strict=True):
        if article.published:
            out_a.append(article)
            out_an.append(analysis)
            continue
        why = _text_allows(article, analysis, day)
        if why is None:
            notes.append(f"{_label_hint(article)}: undated, and its text gives no date to check")
            out_a.append(article)
            out_an.append(analysis)
            continue
        dated = replace(article, published=day_iso, published_source="story")
        out_a.append(dated)
        out_an.append(_reanchor(analysis, dated, day))
        notes.append(f"{_label_hint(article)}: dated {day_iso} from the story ({why})")
    return out_a, out_an, day_iso, notes


def _reanchor(analysis: ArticleAnalysis, article: Article, day: dt.date) -> ArticleAnalysis:
    try:
        from newsprism.analyze import reanchor
    except ImportError:  # pragma: no cover - analyze is part of the package
        return analysis
    try:
        return reanchor(analysis, article, day)
    except Exception as exc:  # a boundary: keep the unresolved times
        log.warning("re-resolving the dates of %s failed: %s", article.id, exc)
        return analysis


def _label_hint(article: Article) -> str:
    return article.outlet or article.provenance.path or article.id


# --------------------------------------------------------------------------- helpers


def article_labels(articles: Sequence[Article]) -> dict[str, str]:
    """Short human labels: the outlet, else the URL's host, else "Article n"."""
    labels: dict[str, str] = {}
    used: Counter[str] = Counter()
    for n, a in enumerate(articles, start=1):
        label = a.outlet or (urlparse(a.url).hostname if a.url else None) or f"Article {n}"
        used[label] += 1
        if used[label] > 1:
            label = f"{label} ({used[label]})"
        labels[a.id] = label
    return labels


def near_duplicate_origins(
    articles: Sequence[Article], settings: Settings | None = None
) -> dict[str, str]:
    """Article id → origin id; copies of one report share an origin (the store's MinHash rule,
    see :func:`newsprism.compare.inputs.near_duplicate_origins`)."""
    from newsprism.compare.inputs import near_duplicate_origins as origins_of

    return origins_of(articles, settings)


#: Sentence vectors kept in memory, by text (a story viewed twice is not encoded twice).
VECTOR_CACHE_SIZE = 10_000
#: Analyses kept in memory (an article compared twice in one process is not parsed twice).
ANALYSIS_CACHE_SIZE = 512
vector_cache: LRUCache[str, np.ndarray] = LRUCache(VECTOR_CACHE_SIZE)
analysis_cache: LRUCache[tuple[str, ...], ArticleAnalysis] = LRUCache(ANALYSIS_CACHE_SIZE)


def clear_caches() -> None:
    """Forget every cached analysis, sentence vector and claim cut of this process."""
    vector_cache.clear()
    analysis_cache.clear()
    claim_cut_cache.clear()


def encodable(units: Sequence[Unit]) -> list[int]:
    """Indexes of the units that get sentence vectors (headlines and list frames do not)."""
    return [i for i, u in enumerate(units) if not u.headline and u.kind != "frame"]


def _encode(units: Sequence[Unit], stored: Mapping[bytes, np.ndarray] | None = None) -> np.ndarray:
    """Sentence vectors of the units that are aligned (headlines and list frames get zeros):
    from this process's cache, else from ``stored`` (by text key, see
    :mod:`newsprism.compare.vectors`), else encoded now."""
    out = np.zeros((len(units), 384), dtype=np.float32)
    wanted = encodable(units)
    if not wanted:
        return out
    texts = embedding_texts(units)
    missing: list[int] = []
    for i in wanted:
        hit = vector_cache.get(texts[i])
        if hit is None and stored:
            hit = stored.get(text_key(texts[i]))
        if hit is None:
            missing.append(i)
        else:
            out[i] = hit
    if not missing:
        return out
    try:
        from newsprism.features.embed import get_encoder

        fresh = get_encoder().encode([texts[i] for i in missing])
    except NewsprismError as exc:
        log.warning("sentence vectors unavailable (%s); aligning on words and names only", exc)
        return out
    for i, vec in zip(missing, fresh, strict=True):
        out[i] = vec
        vector_cache.put(texts[i], vec)
    return out


def _preload_encoder() -> None:
    """Start loading the sentence encoder in the background (it loads while files are read and
    spaCy loads and parses: onnxruntime releases the GIL while it builds its session)."""
    try:
        from newsprism.features.embed import get_encoder

        get_encoder().preload()
    except (ImportError, NewsprismError) as exc:  # encode() reports it, once, with its reason
        log.debug("sentence encoder not preloaded: %s", exc)


def nlp_or_none() -> Any:
    """The spaCy pipeline, or None (logged) when it cannot load."""
    try:
        from newsprism.analyze.nlp import get_nlp

        return get_nlp()
    except NewsprismError as exc:
        log.warning("no tagger for cutting claims (%s)", exc)
        return None


def _analysis_key(article: Article) -> tuple[str, ...]:
    """Everything the analyzer reads besides the title and body (which the id hashes)."""
    headings = ";".join(f"{h.level}:{h.start}:{h.end}" for h in article.headings)
    return (article.id, article.published or "", article.language or "", headings)


def analyze_cached(articles: Sequence[Article]) -> list[ArticleAnalysis]:
    """The articles' analyses, reusing those this process already made for identical input."""
    from newsprism.analyze import ANALYZER_NAME, analyze_articles

    keys = [(ANALYZER_NAME, *_analysis_key(a)) for a in articles]
    found = [analysis_cache.get(k) for k in keys]
    todo = [a for a, hit in zip(articles, found, strict=True) if hit is None]
    fresh = iter(list(analyze_articles(todo)))
    out: list[ArticleAnalysis] = []
    for key, hit in zip(keys, found, strict=True):
        if hit is None:
            hit = next(fresh)
            if not any(f.kind == "analysis_error" for f in hit.flags):
                analysis_cache.put(key, hit)
        out.append(hit)
    return out


def _doc_similarity(units: Sequence[Unit], vectors: np.ndarray, n_articles: int) -> float:
    if n_articles < 2 or not len(vectors):
        return 0.0
    means = []
    for ai in range(n_articles):
        rows = [u.index for u in units if u.article == ai and float(np.abs(vectors[u.index]).sum())]
        if not rows:
            return 0.0
        v = vectors[rows].mean(axis=0)
        means.append(v / max(float(np.linalg.norm(v)), 1e-9))
    m = np.array(means)
    sims = m @ m.T
    iu = np.triu_indices(n_articles, k=1)
    return float(sims[iu].mean())


def _share_an_event(
    units: Sequence[Unit], vectors: np.ndarray, alignment: Alignment, n_articles: int
) -> bool:
    """Whether the aligned facts show that the articles report one event."""
    n_shared = len(alignment.groups)
    if n_shared >= MIN_SHARED_FACTS:
        return True
    if n_shared == 0:
        return False
    similarity = _doc_similarity(units, vectors, n_articles)
    shortest = min(
        sum(1 for u in units if u.article == ai and not u.headline) for ai in range(n_articles)
    )
    if shortest <= SHORT_UNITS:
        return similarity >= SHORT_DOC_SIMILARITY
    return max(alignment.group_score) >= SINGLE_FACT_SCORE and similarity >= DOC_SIMILARITY


def _info(article: Article, origin: str) -> ArticleInfo:
    dateline = None
    if article.dateline:
        dateline = article.dateline.place or article.dateline.text
    return ArticleInfo(
        id=article.id,
        outlet=article.outlet,
        title=article.title,
        published=article.published,
        published_source=article.published_source,
        dateline=dateline,
        origin=origin,
        path=article.provenance.path,
        url=article.url,
        quality_flags=sorted({f.kind for f in article.flags}),
    )


# --------------------------------------------------------------------------- compare


def compare_articles(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis] | None = None,
    *,
    origins: Mapping[str, str] | None = None,
    stored_vectors: Mapping[bytes, np.ndarray] | None = None,
) -> Comparison:
    """Compare the articles of one story (see the module docs). ``stored_vectors``: sentence vectors
    already made, by text key (stored ones, see :mod:`newsprism.compare.vectors`); units not
    among them are encoded."""
    articles = list(articles)
    if articles:
        _preload_encoder()
    if analyses is None:
        analyses = analyze_cached(articles)
    analyses = list(analyses)
    if len(analyses) != len(articles):
        raise ValueError(f"{len(articles)} articles but {len(analyses)} analyses")
    for a, an in zip(articles, analyses, strict=True):
        if an.article_id != a.id:
            raise ValueError(f"analysis of {an.article_id} given for article {a.id}")
    origin_of = {a.id: a.id for a in articles}
    if origins:
        origin_of.update({k: v for k, v in origins.items() if k in origin_of})
    articles, analyses, day, notes = date_from_story(articles, analyses)
    order = {a.id: i for i, a in enumerate(articles)}
    labels = article_labels(articles)

    nlp = nlp_or_none() if articles else None
    units = build_units(articles, analyses, nlp)
    # the encoder runs in another thread (or the helper process) while this one parses the
    # claims for the timeline's dates
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compare-encode")
    try:
        encoding = pool.submit(_encode, units, stored_vectors)
        dates_ahead = date_claims(units, nlp=nlp)
        vectors = encoding.result()
    finally:
        pool.shutdown(wait=False)  # done, or interrupted: not waited for
    scores = score_matrix(units, vectors, day)
    alignment = align(units, scores) if len(articles) > 1 else Alignment([], {}, [])

    shared_event = True
    if len(articles) > 1:
        shared_event = _share_an_event(units, vectors, alignment, len(articles))
        if not shared_event:
            notes.append("the articles do not share an event: no fact is aligned across them")
    texts: dict[str, str] = {}
    for a in articles:
        texts[a.id + "body"] = a.body
        texts[a.id + "title"] = a.title or ""
        texts[a.id + "source"] = a.source_text
    facts, fact_of_unit, members_of = build_facts(
        units,
        alignment,
        origin_of,
        order,
        shared_event=shared_event,
        sentences={an.article_id: an.sentences for an in analyses},
        texts=texts,
    )
    if shared_event and len(articles) > 2:
        for a in articles:
            if not any(
                f.status == "shared" and any(c.article == a.id for c in f.support) for f in facts
            ):
                notes.append(f"{labels[a.id]} shares no fact with the other articles")

    quotes: dict[str, Sequence[Quote]] = {an.article_id: an.quotes for an in analyses}
    quantities = {an.article_id: an.quantities for an in analyses}

    differences: list[Difference] = []
    for fact in facts:
        members = members_of[fact.id]
        if len({u.article_id for u in members}) < 2:
            continue  # (copies of one report are compared too: a copy may change a figure)
        for i, a_unit in enumerate(members):
            for b_unit in members[i + 1 :]:
                differences.extend(
                    pair_differences(
                        a_unit,
                        b_unit,
                        float(scores[a_unit.index, b_unit.index]),
                        texts,
                        quotes,
                        fact.id,
                        quantities,
                    )
                )
    differences = consolidate_values(merge_pairwise(differences, order), units, texts, order)
    if shared_event and len(articles) > 1:
        differences.extend(unaligned_contradictions(units, scores, facts, fact_of_unit, members_of))
    framings = [
        article_framing(a, an, units, facts, fact_of_unit)
        for a, an in zip(articles, analyses, strict=True)
    ]
    if shared_event and len(articles) > 1:
        leads = Counter(f.leads_with for f in framings if f.leads_with)
        main_fact = leads.most_common(1)[0][0] if leads else None
        differences.extend(tone_differences(framings, labels, main_fact))
        differences.extend(act_differences(units, scores, texts, fact_of_unit, labels))

    mark_disputed(facts, differences, units, order)
    brief = build_brief(facts, differences, labels, [a.id for a in articles])
    timeline = build_timeline(facts, members_of, day, nlp=nlp, ahead=dates_ahead)
    return Comparison(
        articles=[_info(a, origin_of[a.id]) for a in articles],
        facts=facts,
        differences=differences,
        framing=framings,
        coverage=coverage(articles, analyses, facts),
        brief=brief,
        timeline=timeline,
        story_date=day,
        shared_event=shared_event,
        notes=notes,
        version=COMPARE_NAME,
    )


COMPARERS.register(COMPARE_NAME)(compare_articles)


@dataclass(slots=True)
class FileInputs:
    """What :func:`read_inputs` read: the articles (each once, in input order), the files or
    records that could not be read, and notes on repeated articles."""

    given: int
    """How many paths were given."""
    articles: list[Article]
    failures: list[Failure]
    notes: list[str]


def read_inputs(paths: Sequence[str], settings: Settings | None = None) -> FileInputs:
    """Read and clean the files with the normal readers (the first half of
    :func:`compare_files`)."""
    from newsprism.pipeline import read_articles

    inputs = FileInputs(given=len(paths), articles=[], failures=[], notes=[])
    seen: set[str] = set()
    for item in read_articles(list(paths), settings or Settings()):
        if isinstance(item, Failure):
            inputs.failures.append(item)
            continue
        if item.id in seen:
            inputs.notes.append(
                f"{item.provenance.path}: the same article as another input; compared once"
            )
            continue
        seen.add(item.id)
        inputs.articles.append(item)
    return inputs


def compare_inputs(
    inputs: FileInputs,
    settings: Settings | None = None,
    *,
    analyze: Callable[[Sequence[Article]], Sequence[ArticleAnalysis]] | None = None,
) -> tuple[Comparison, list[Failure]]:
    """Compare the articles of one story among those read (the second half of
    :func:`compare_files`). ``analyze``: how the chosen articles are analysed (default:
    :func:`analyze_cached`)."""
    from newsprism.compare.inputs import select_story

    if not inputs.articles:
        failures = inputs.failures
        detail = f": {failures[0]}" if failures else ""
        raise CompareError(f"no readable article among {inputs.given} input(s){detail}")
    chosen = select_story(inputs.articles, analyze or analyze_cached, settings or Settings())
    comparison = compare_articles(chosen.articles, chosen.analyses, origins=chosen.origins)
    comparison.failures = inputs.failures
    comparison.notes = inputs.notes + chosen.notes + comparison.notes
    return comparison, inputs.failures


def compare_files(
    paths: Sequence[str], settings: Settings | None = None
) -> tuple[Comparison, list[Failure]]:
    """Read the files with the normal readers and compare the articles of one story.

    Unreadable or empty files are returned as failures (and listed in the comparison); raises
    :class:`CompareError` when no article at all could be read. Articles whose text cannot be
    analysed (not English) and, when the inputs cover several stories, those of the smaller
    stories are left out with a note (see :mod:`newsprism.compare.inputs`)."""
    if paths:
        _preload_encoder()
    return compare_inputs(read_inputs(paths, settings), settings)


# --------------------------------------------------------------------------- stored stories


@dataclass(slots=True)
class StoredStory:
    """One stored story's articles, their analyses (stored, or made now where missing) and the
    origin of each article (near-duplicate copies share one)."""

    story: Story
    articles: list[Article]
    analyses: list[ArticleAnalysis]
    origins: dict[str, str]
    vectors: dict[bytes, np.ndarray] = field(default_factory=dict)
    """Stored sentence vectors of the articles' units, by text key."""


def find_story(store: Store, story_id: str) -> Story:
    """The stored story whose id is ``story_id`` or starts with it; :class:`CompareError` when
    none or several match."""
    stories = [s for s in store.stories() if s.id == story_id]
    if not stories:
        stories = [s for s in store.stories() if s.id.startswith(story_id)]
    if len(stories) != 1:
        why = "no such story" if not stories else f"{len(stories)} stories match"
        raise CompareError(f"{story_id}: {why}")
    return stories[0]


def load_stored_story(store: Store, story: Story) -> StoredStory:
    """Read a story's articles and stored analyses (within the caller's read transaction, if
    any); analyses missing from the store are made now, not stored."""
    articles = list(store.iter_articles(ids=story.article_ids))
    stored = [store.get_analysis(a.id) for a in articles]
    missing = [a for a, an in zip(articles, stored, strict=True) if an is None]
    made = iter(analyze_cached(missing)) if missing else iter(())
    analyses = [an if an is not None else next(made) for an in stored]
    origins = {a: members[0] for members in story.origins for a in members}
    vectors = read_vectors(store.unit_vectors_of([a.id for a in articles]))
    return StoredStory(story, articles, analyses, origins, vectors)


def compare_stored_story(store: Store, story_id: str) -> tuple[Comparison, StoredStory]:
    """The comparison of a stored story (an id prefix is enough), as ``newsprism show`` makes it."""
    loaded = load_stored_story(store, find_story(store, story_id))
    comparison = compare_articles(
        loaded.articles, loaded.analyses, origins=loaded.origins, stored_vectors=loaded.vectors
    )
    return comparison, loaded
