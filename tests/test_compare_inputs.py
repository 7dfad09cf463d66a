"""What ``compare FILE…`` compares: one story's articles, copies as one origin, English only.

Invented articles (no real names): a water main burst reported by three outlets (one a
near-verbatim copy of another), a chess tournament reported by two, and a German report of the
water main burst.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import Settings
from newsprism.models import Article, ArticleAnalysis, Provenance, Sentence
from tests.conftest import make_article

WIRE = """title: Burst water main floods streets in Halbrook
date: 2025-10-07
source: Halbrook Gazette

A burst water main flooded several streets in the centre of Halbrook on Tuesday morning, cutting
off supplies to about 6,000 homes, the regional water company said.

Engineers found a split in a 60-year-old cast iron pipe under Mercer Road and expect repairs to
take at least two days. The company has set up three stations handing out bottled water.

Police closed Mercer Road and two side streets, and the town's primary school sent pupils home
at noon. Shopkeepers said water reached the doorsteps of a dozen businesses before it drained.

The water company apologised for the disruption and said it would replace the whole section of
old pipe next spring.
"""

# The same wire report with two words changed: one origin, not two.
COPY = (
    WIRE.replace("source: Halbrook Gazette", "source: Fenmoor Herald")
    .replace("several streets", "many streets")
    .replace("at noon", "at midday")
)

OTHER = """title: Thousands of Halbrook homes without water after pipe bursts
date: 2025-10-07
source: Valley Evening Post

About 6,000 households in Halbrook had no running water on Tuesday after an old main burst under
Mercer Road, flooding the town centre.

The water company said the cast iron pipe was more than half a century old. Repairs will take
two days or longer, an engineer at the scene said, and bottled water is being handed out at three
points in the town.

Pupils of the primary school were sent home early and police closed the flooded streets.
"""

CHESS_A = """title: Teenager wins Lindale open chess tournament
date: 2025-10-05
source: Lindale Courier

A 16-year-old from Brackwater won the Lindale open chess tournament on Sunday, finishing with
seven points from nine rounds and ahead of two grandmasters.

Mira Ostrander clinched the title with a win in the last round after a five-hour game. The
tournament drew 240 players from eleven countries, the organisers said.
"""

CHESS_B = """title: Brackwater schoolgirl takes Lindale chess title
date: 2025-10-05
source: Northern Chess Weekly

Mira Ostrander, 16, won the Lindale open on Sunday with seven points out of nine, ahead of two
grandmasters in a field of 240 players.

Her last-round game lasted five hours. The organisers said players came from eleven countries
this year.
"""

GERMAN = """title: Wasserrohrbruch überflutet Straßen in Halbrook
date: 2025-10-07
source: Rheintaler Rundschau

Ein Wasserrohrbruch hat am Dienstagmorgen mehrere Straßen im Zentrum von Halbrook überflutet.
Rund 6.000 Haushalte waren ohne Wasser, teilte der regionale Wasserversorger mit.

Die Techniker fanden einen Riss in einem sechzig Jahre alten Gussrohr unter der Mercer Road. Die
Reparatur wird nach Angaben des Unternehmens mindestens zwei Tage dauern, und an drei Stellen
wird Trinkwasser in Flaschen verteilt.
"""


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _origin_groups(origins: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article, origin in origins.items():
        groups.setdefault(origin, set()).add(article)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.slow
def test_a_copy_with_two_words_changed_is_one_origin_as_in_the_store(tmp_path: Path) -> None:
    from newsprism.compare import compare_files
    from newsprism.pipeline import ingest
    from newsprism.store import open_store

    paths = [
        _write(tmp_path, "wire.txt", WIRE),
        _write(tmp_path, "copy.txt", COPY),
        _write(tmp_path, "other.txt", OTHER),
    ]
    comparison, failures = compare_files(paths)
    assert failures == []
    assert len(comparison.articles) == 3
    compared = {a.id: a.origin for a in comparison.articles}
    assert len(set(compared.values())) == 2
    by_path = {Path(a.path or "").name: a for a in comparison.articles}
    assert by_path["copy.txt"].origin == by_path["wire.txt"].id

    with open_store(tmp_path / "store.db") as store:
        ingest(paths, store, Settings(), analyze=False)
        (story,) = store.stories()
    stored = {a: members[0] for members in story.origins for a in members}
    assert len(story.origins) == 2
    assert _origin_groups(compared) == _origin_groups(stored)


@pytest.mark.slow
def test_only_the_largest_story_is_compared_and_the_others_named(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    paths = [
        _write(tmp_path, "chess_a.txt", CHESS_A),
        _write(tmp_path, "water_a.txt", WIRE),
        _write(tmp_path, "chess_b.txt", CHESS_B),
        _write(tmp_path, "water_b.txt", OTHER),
    ]
    comparison, failures = compare_files(paths)
    assert failures == []
    # two stories of two articles each: the tie goes to the first file's story
    assert sorted(Path(a.path or "").name for a in comparison.articles) == [
        "chess_a.txt",
        "chess_b.txt",
    ]
    assert comparison.shared_event is True
    left_out = [n for n in comparison.notes if "about other stories" in n]
    assert left_out == [
        "2 of 4 inputs are about other stories and were left out: "
        f'{paths[1]} ("Burst water main floods streets in Halbrook"); '
        f'{paths[3]} ("Thousands of Halbrook homes without water after pipe bursts")'
    ]
    assert not any("do not share an event" in n for n in comparison.notes)


@pytest.mark.slow
def test_a_larger_story_wins_over_the_first_file(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    paths = [
        _write(tmp_path, "chess_a.txt", CHESS_A),
        _write(tmp_path, "water_a.txt", WIRE),
        _write(tmp_path, "water_b.txt", OTHER),
        _write(tmp_path, "chess_b.txt", CHESS_B),
        _write(tmp_path, "water_c.txt", COPY),
    ]
    comparison, _ = compare_files(paths)
    assert sorted(Path(a.path or "").name for a in comparison.articles) == [
        "water_a.txt",
        "water_b.txt",
        "water_c.txt",
    ]
    assert [n for n in comparison.notes if "about other stories" in n] == [
        "2 of 5 inputs are about other stories and were left out: "
        f'{paths[0]} ("Teenager wins Lindale open chess tournament"); '
        f'{paths[3]} ("Brackwater schoolgirl takes Lindale chess title")'
    ]


@pytest.mark.slow
def test_a_non_english_article_is_left_out_with_a_note(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    german = _write(tmp_path, "german.txt", GERMAN)
    paths = [_write(tmp_path, "wire.txt", WIRE), german, _write(tmp_path, "other.txt", OTHER)]
    comparison, failures = compare_files(paths)
    assert failures == []
    assert sorted(Path(a.path or "").name for a in comparison.articles) == ["other.txt", "wire.txt"]
    assert f"{german}: not compared: the text is not English (de)" in comparison.notes
    assert comparison.shared_event is True
    assert [f for f in comparison.facts if f.status == "shared"]


@pytest.mark.slow
def test_a_non_english_article_alone_is_still_compared(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    german = _write(tmp_path, "german.txt", GERMAN)
    comparison, failures = compare_files([german])
    assert failures == []
    assert len(comparison.articles) == 1
    assert any(n.startswith(f"{german}: the text is not English (de)") for n in comparison.notes)


def _analysis(article: Article, analysable: bool) -> ArticleAnalysis:
    sentences = [Sentence(0, 0, len(article.body), article.body)] if analysable else []
    return ArticleAnalysis(article.id, "test", sentences=sentences)


def test_an_article_without_an_analysable_sentence_is_left_out() -> None:
    from newsprism.compare.inputs import select_story

    def article(name: str, text: str) -> Article:
        body = text.split("\n\n", 1)[1]
        return make_article(body, provenance=Provenance(path=name, reader="text.v1"))

    wire, other, copy = (
        article("wire.txt", WIRE),
        article("other.txt", OTHER),
        article("copy.txt", COPY),
    )
    blank = {copy.id}
    analysed: list[str] = []

    def analyze(articles: object) -> list[ArticleAnalysis]:
        assert isinstance(articles, list)
        analysed.extend(a.id for a in articles)
        return [_analysis(a, a.id not in blank) for a in articles]

    chosen = select_story([wire, copy, other], analyze)
    assert [a.id for a in chosen.articles] == [wire.id, other.id]
    assert [an.article_id for an in chosen.analyses] == [wire.id, other.id]
    assert chosen.notes == ["copy.txt: not compared: no sentence in it could be analysed"]
    assert analysed == [wire.id, copy.id, other.id]

    # nothing analysable at all: everything is compared (the comparison has nothing to say)
    blank = {wire.id, copy.id, other.id}
    chosen = select_story([wire, copy, other], analyze)
    assert [a.id for a in chosen.articles] == [wire.id, copy.id, other.id]
    assert chosen.origins[copy.id] == wire.id


def test_other_stories_are_not_analysed() -> None:
    from newsprism.compare.inputs import select_story

    def article(name: str, text: str) -> Article:
        body = text.split("\n\n", 1)[1]
        return make_article(body, provenance=Provenance(path=name, reader="text.v1"))

    arts = [article("a.txt", CHESS_A), article("w.txt", WIRE), article("b.txt", CHESS_B)]
    analysed: list[str] = []

    def analyze(articles: object) -> list[ArticleAnalysis]:
        assert isinstance(articles, list)
        analysed.extend(a.id for a in articles)
        return [_analysis(a, True) for a in articles]

    chosen = select_story(arts, analyze)
    assert analysed == [arts[0].id, arts[2].id]
    assert chosen.notes == ["1 of 3 inputs are about other stories and were left out: w.txt"]


def test_a_left_out_record_is_named_by_file_record_and_title() -> None:
    """One item of a feed is compared and another is not: the note names the item left out
    (file, entry, title), never the whole file; several other stories share one note."""
    from newsprism.compare.inputs import select_story

    def article(name: str, text: str, locator: str | None = None) -> Article:
        head, body = text.split("\n\n", 1)
        title = head.splitlines()[0].removeprefix("title: ")
        where = Provenance(path=name, reader="feed.v1" if locator else "text.v1", locator=locator)
        return make_article(body, provenance=where, title=title)

    arts = [
        article("wire.txt", WIRE),
        article("feed.rss", CHESS_A, "entry 1"),
        article("feed.rss", OTHER, "entry 2"),
        article("dump.jsonl", CHESS_B, "line 4"),
        article("copy.txt", COPY),
    ]
    chosen = select_story(arts, lambda picked: [_analysis(a, True) for a in picked])
    assert [a.id for a in chosen.articles] == [arts[0].id, arts[2].id, arts[4].id]
    assert chosen.notes == [
        "2 of 5 inputs are about other stories and were left out: "
        'feed.rss entry 1 ("Teenager wins Lindale open chess tournament"); '
        'dump.jsonl line 4 ("Brackwater schoolgirl takes Lindale chess title")'
    ]
