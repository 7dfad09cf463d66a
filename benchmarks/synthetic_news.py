"""Synthetic news streams for the clustering scale benchmark, built from ECB+ sentences.

Each synthetic story draws one ECB+ subtopic, a publication day in the span, a size
(1–40 articles) and its own invented names, place and figure (two stories of one subtopic are
two events of one kind, as in ECB+); its articles recombine 4–10 sentences of that subtopic
around those names, are dated within three days of the story, and 15 % are wire copies of an
earlier article of the story with a tagline added or the last sentence dropped. 5 % of the
articles are undated.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from pathlib import Path

from newsprism.cluster.evaluate import _strip_url
from newsprism.models import Article, Provenance

SIZES = (1, 2, 3, 5, 8, 13, 20, 40)
SIZE_WEIGHTS = (20, 15, 12, 10, 8, 6, 4, 2)


def sentence_pools(path: Path) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            sents = list(rec["sentences"])
            if rec.get("url") and sents:
                sents[0] = _strip_url(sents[0], rec["url"])
            pools.setdefault(rec["subtopic"], []).extend(s for s in sents if len(s) > 20)
    return pools


_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "tor",
    "sel",
    "dun",
    "bri",
    "gal",
    "zu",
    "per",
    "an",
    "ost",
    "mar",
    "qui",
    "len",
    "dor",
    "fa",
    "nek",
)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def generate(
    path: Path, n: int, seed: int = 0, span_days: int = 730
) -> tuple[list[Article], dict[str, str]]:
    """``n`` articles over ``span_days`` days and their synthetic gold story."""
    rng = random.Random(seed)
    pools = sentence_pools(path)
    topics = sorted(pools)
    base = dt.date(2022, 1, 1).toordinal()
    articles: list[Article] = []
    gold: dict[str, str] = {}
    story = 0
    while len(articles) < n:
        story += 1
        topic = rng.choice(topics)
        day = base + rng.randrange(max(span_days, 1))
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        person, other, place = f"{_name(rng)} {_name(rng)}", _name(rng), _name(rng)
        figure = rng.randint(3, 999)
        frames = (
            f"{person} said on the day .",
            f"Officials in {place} confirmed {figure} cases .",
            f"{other} , a spokesman , spoke to reporters in {place} .",
            f"The figure of {figure} was given by {person} .",
        )
        texts: list[str] = []
        for _ in range(min(size, n - len(articles))):
            if texts and rng.random() < 0.15:
                copy = rng.choice(texts)
                body = copy + " (Wire copy.)" if rng.random() < 0.5 else copy.rsplit(" . ", 1)[0]
            else:
                picked = rng.sample(pools[topic], min(len(pools[topic]), rng.randint(4, 10)))
                lead = f"{person} in {place} : {picked[0]}"
                extra = rng.sample(frames, 2)
                body = " ".join([lead, *picked[1:3], extra[0], *picked[3:], extra[1]])
            texts.append(body)
            aid = f"syn{len(articles):07d}"
            published = None
            if rng.random() >= 0.05:
                published = dt.date.fromordinal(day + rng.randrange(3)).isoformat()
            articles.append(
                Article(
                    id=aid,
                    body=body,
                    published=published,
                    provenance=Provenance(path="synthetic", reader="bench"),
                    outlet=f"outlet{rng.randrange(200)}",
                )
            )
            gold[aid] = f"story{story}"
    return articles, gold
