"""``clean_many``: the same articles and failures, in the same order, in worker processes as in
this one."""

from __future__ import annotations

import pytest

from newsprism.clean.parallel import clean_many, clean_or_failure, shutdown_workers
from newsprism.config import Settings
from newsprism.models import Article, Failure, Provenance, RawDoc
from newsprism.serialize import article_to_dict

SENTENCES = [
    "The council voted on Monday to close the old bridge to traffic after an inspection.",
    "Engineers found corrosion in the main cables, officials said in a statement.",
    "Repairs will cost an estimated 40 million euros and take two years.",
]


def docs() -> list[RawDoc | Failure]:
    items: list[RawDoc | Failure] = []
    for i in range(9):
        text = f"title: Bridge story {i}\ndate: 2024-03-0{i + 1}\n\n" + "\n\n".join(
            SENTENCES[(i + k) % 3] for k in range(3)
        )
        items.append(RawDoc(Provenance(f"doc{i}.txt", "text.v1"), text=text))
    items.insert(3, Failure("broken.txt", "not readable"))
    items.insert(6, RawDoc(Provenance("empty.txt", "text.v1"), text="Share this article"))
    return items


def key(item: Article | Failure) -> object:
    if isinstance(item, Failure):
        return ("failure", item.where, item.reason)
    return article_to_dict(item, include_source_text=True)


def test_in_process_keeps_order_and_turns_errors_into_failures() -> None:
    results = list(clean_many(docs(), Settings(), workers=1))
    assert len(results) == len(docs())
    assert results[3] == Failure("broken.txt", "not readable")
    empty = results[6]
    assert isinstance(empty, Failure) and empty.where == "empty.txt"
    assert "no article text" in empty.reason
    titles = [r.title for r in results if isinstance(r, Article)]
    assert titles == [f"Bridge story {i}" for i in range(9)]
    assert [key(r) for r in results] == [key(clean_or_failure(d, Settings())) for d in docs()]


@pytest.mark.slow
def test_worker_processes_give_the_same_results() -> None:
    expected = [key(r) for r in clean_many(docs(), Settings(), workers=1)]
    try:
        parallel = clean_many(docs(), Settings(), workers=2, chunk_size=2, min_parallel=0)
        assert [key(r) for r in parallel] == expected
        # a second call reuses the pool; stopping early leaves nothing behind
        first = next(iter(clean_many(docs(), Settings(), workers=2, chunk_size=2, min_parallel=0)))
        assert key(first) == expected[0]
    finally:
        shutdown_workers()


def test_short_input_is_cleaned_here() -> None:
    results = list(clean_many(docs()[:4], Settings(), workers=2))  # below min_parallel
    assert [key(r) for r in results] == [key(clean_or_failure(d, Settings())) for d in docs()[:4]]
