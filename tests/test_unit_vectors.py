"""Stored sentence vectors (``newsprism.compare.vectors``): made at ingest for the articles of
stories with two articles or more, on both store engines, and used by stored-story comparisons,
which then encode only what is not stored and give the same comparison."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsprism.compare import comparison_to_dict
from newsprism.compare import story as story_mod
from newsprism.compare import vectors as uv
from newsprism.compare.story import compare_articles, compare_stored_story, load_stored_story
from newsprism.config import Settings
from newsprism.features import embed
from newsprism.pipeline import IngestReport, ingest
from newsprism.store import Store, open_store
from tests.conftest import SEED_A, SEED_B

pytest_plugins = ["tests.pg_cluster"]  # the throw-away cluster fixtures

OTHER = Path(__file__).parent / "fixtures" / "ships"


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "vectors.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text the sentence encoder is asked for, with the in-process caches cleared before
    and after (so that only stored vectors can save an encoding)."""
    texts: list[str] = []
    encoder = embed.get_encoder()
    original = encoder.encode

    def counting(batch: Sequence[str], *args: Any, **kwargs: Any) -> np.ndarray:
        texts.extend(batch)
        return original(batch, *args, **kwargs)

    monkeypatch.setattr(encoder, "encode", counting)
    story_mod.clear_caches()
    yield texts
    story_mod.clear_caches()


def _pair_story(store: Store) -> str:
    (found,) = [s for s in store.stories() if len(s.article_ids) > 1]
    return found.id


def _ingest_seeds(store: Store, settings: Settings) -> tuple[IngestReport, str]:
    """Ingest the two seed articles; the report and the id of their (one) story."""
    report = ingest([str(SEED_A), str(SEED_B)], store, settings)
    return report, _pair_story(store)


def _json(comparison: Any) -> str:
    return json.dumps(comparison_to_dict(comparison), sort_keys=True)


# --------------------------------------------------------------------------- the format


def test_pack_round_trips_and_keys_by_exact_text() -> None:
    vectors = np.random.default_rng(1).standard_normal((3, uv.DIMENSIONS)).astype(np.float32)
    texts = ["One fact.", "Another fact.", "one fact."]
    found = uv.unpack(uv.pack(texts, vectors))
    assert len(found) == 3
    for text, vec in zip(texts, vectors, strict=True):
        np.testing.assert_array_equal(found[uv.text_key(text)], vec)
    assert uv.text_key("One fact.") != uv.text_key("One fact. ")
    assert uv.unpack(uv.pack([], np.zeros((0, uv.DIMENSIONS), np.float32))) == {}


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (b"NPU", "truncated header"),
        (b"XXXXX\x00\x00\x00\x00", "not a unit-vector record"),
        (b"NPUV1\x01\x00\x00\x00" + b"k" * 16 + b"\x00" * 100, "bytes for 1 vectors"),
    ],
)
def test_unpack_refuses_malformed_records(blob: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        uv.unpack(blob)


def test_pack_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match="expected 2 x 384"):
        uv.pack(["a", "b"], np.zeros((3, uv.DIMENSIONS), np.float32))


def test_read_vectors_skips_other_encoders_and_broken_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = uv.pack(["kept"], np.ones((1, uv.DIMENSIONS), np.float32))
    records = {
        "a": (uv.vectors_name(), good),
        "b": ("embed.other.v9", uv.pack(["other"], np.ones((1, uv.DIMENSIONS), np.float32))),
        "c": (uv.vectors_name(), good[:-4]),
    }
    with caplog.at_level(logging.INFO, logger="newsprism.compare.vectors"):
        found = uv.read_vectors(records)
    assert list(found) == [uv.text_key("kept")]
    assert "b: stored vectors of embed.other.v9" in caplog.text
    assert "c: stored unit vectors unreadable" in caplog.text


# --------------------------------------------------------------------------- ingest and compare


@pytest.mark.slow
def test_ingest_stores_vectors_that_stored_comparisons_use(target: str, encoded: list[str]) -> None:
    settings = Settings(db=target)
    with open_store(target) as store:
        report, story_id = _ingest_seeds(store, settings)
        assert report.unit_vectors == 2
        loaded = load_stored_story(store, story_mod.find_story(store, story_id))
        ids = [a.id for a in loaded.articles]
        records = store.unit_vectors_of(ids)
        assert set(records) == set(ids)
        assert {name for name, _ in records.values()} == {uv.vectors_name()}
        assert store.unit_vector_encoders(ids) == dict.fromkeys(ids, uv.vectors_name())
        at_ingest = len(encoded)
        assert at_ingest > 40  # both articles' units

        story_mod.clear_caches()
        del encoded[:]
        with_stored, _ = compare_stored_story(store, story_id)
        # the story's own compound splitting may change a few texts; nothing else is encoded
        assert len(encoded) <= 3, encoded

        story_mod.clear_caches()
        del encoded[:]
        plain = compare_articles(loaded.articles, loaded.analyses, origins=loaded.origins)
        assert len(encoded) > 40
    assert _json(with_stored) == _json(plain)


@pytest.mark.slow
def test_vectors_only_for_stories_of_two_and_made_later_for_the_first(
    tmp_path: Path, encoded: list[str]
) -> None:
    settings = Settings(db=str(tmp_path / "later.db"))
    with open_store(settings.db) as store:
        first = ingest([str(SEED_A), str(OTHER / "brennick_daily.txt")], store, settings)
        assert first.unit_vectors == 0  # each article is alone in its story
        assert store.unit_vectors_of(first.new_ids) == {}
        second = ingest([str(SEED_B)], store, settings)
        assert second.unit_vectors == 2  # the new article, and the first one of its story
        story_id = _pair_story(store)
        members = next(s for s in store.stories() if s.id == story_id).article_ids
        assert set(store.unit_vectors_of(members)) == set(members)
        lone = [a for a in first.new_ids if a not in members]
        assert lone and store.unit_vectors_of(lone) == {}


@pytest.mark.slow
def test_setting_off_stores_none(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "off.db"), unit_vectors=False)
    with open_store(settings.db) as store:
        report = ingest([str(SEED_A), str(SEED_B)], store, settings)
        assert report.unit_vectors == 0
        assert store.unit_vectors_of(report.new_ids) == {}


@pytest.mark.slow
def test_a_broken_stored_record_is_ignored_and_the_story_still_compares(
    tmp_path: Path, encoded: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(db=str(tmp_path / "broken.db"))
    with open_store(settings.db) as store:
        report, story_id = _ingest_seeds(store, settings)
        first = report.new_ids[0]
        name, blob = store.unit_vectors_of([first])[first]
        store.write_batch([], None, [(first, name, blob[:100]), ("no-such-article", name, blob)])
        assert store.unit_vector_encoders([first, "no-such-article"]) == {first: name}
        story_mod.clear_caches()
        del encoded[:]
        with caplog.at_level(logging.WARNING, logger="newsprism.compare.vectors"):
            comparison, _ = compare_stored_story(store, story_id)
        assert f"{first}: stored unit vectors unreadable" in caplog.text
        assert len(encoded) > 10  # the broken article's units were encoded again
        assert any(f.status == "shared" for f in comparison.facts)


@pytest.mark.slow
def test_the_web_service_compares_a_stored_story_from_its_stored_vectors(
    tmp_path: Path, encoded: list[str]
) -> None:
    from newsprism.web.service import StoreService

    settings = Settings(db=str(tmp_path / "web.db"))
    with open_store(settings.db) as store:
        _, story_id = _ingest_seeds(store, settings)
        with_stored, _ = compare_stored_story(store, story_id)
    story_mod.clear_caches()
    del encoded[:]
    compared = StoreService(settings.db, settings).compare_story(story_id)
    assert len(encoded) <= 3, encoded
    assert _json(compared.comparison) == _json(with_stored)


@pytest.mark.slow
def test_a_store_made_before_the_vectors_compares_read_only(target: str) -> None:
    """Opened read-only (``show``, the web UI), a store is not migrated: a store made before
    the ``unit_vectors`` table compares its stories as before, encoding every unit."""
    settings = Settings(db=target)
    with open_store(target) as store:
        _, story_id = _ingest_seeds(store, settings)
        expected, _ = compare_stored_story(store, story_id)
        conn: Any = store.conn  # type: ignore[attr-defined]
        conn.execute("DROP TABLE unit_vectors")
        conn.execute("DELETE FROM _migrations WHERE name = '0005_unit_vectors'")
        if hasattr(conn, "commit"):
            conn.commit()
    story_mod.clear_caches()
    with open_store(target, read_only=True) as old:
        assert "0005_unit_vectors" not in old.applied_migrations()
        assert old.unit_vectors_of([]) == {} and old.unit_vector_encoders(["x"]) == {}
        comparison, loaded = compare_stored_story(old, story_id)
    assert loaded.vectors == {}
    assert _json(comparison) == _json(expected)


@pytest.mark.slow
def test_an_encoder_failure_stores_the_articles_without_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[uv.ArticleVectors]:
        raise RuntimeError("onnxruntime: session failed")

    monkeypatch.setattr(uv, "article_vectors", broken)
    settings = Settings(db=str(tmp_path / "no-encoder.db"))
    with open_store(settings.db) as store, caplog.at_level(logging.WARNING):
        report = ingest([str(SEED_A), str(SEED_B)], store, settings)
        assert report.ok and report.new == 2 and report.unit_vectors == 0
        assert "sentence vectors not stored (onnxruntime: session failed)" in caplog.text
        assert store.unit_vectors_of(report.new_ids) == {}
        assert len(store.stories()) == 1


def test_lookups_of_many_ids_are_chunked_and_complete(target: str) -> None:
    from newsprism.store import StoredItem
    from tests.conftest import make_article

    articles = [make_article(f"Report number {i} on the harbour works.") for i in range(3)]
    blob = uv.pack(["a fact"], np.ones((1, uv.DIMENSIONS), np.float32))
    with open_store(target) as store:
        store.write_batch(
            [StoredItem(a) for a in articles], None, [(a.id, "enc.v1", blob) for a in articles]
        )
        many = [f"missing-{i}" for i in range(1200)]
        many[10:10] = [articles[0].id]
        many[700:700] = [articles[1].id]
        many.append(articles[2].id)
        assert store.unit_vector_encoders(many) == {a.id: "enc.v1" for a in articles}
        assert set(store.unit_vectors_of(many)) == {a.id for a in articles}
        assert store.features_of(many) == {}
