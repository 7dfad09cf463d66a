"""MiniLM sentence vectors (features.embed) and the pair scorer (features.similarity)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from newsprism.errors import NewsprismError
from newsprism.features import similarity
from newsprism.features.embed import (
    DIM,
    ENCODER_NAME,
    ENCODERS,
    EncoderError,
    SentenceEncoder,
    cosine_matrix,
    get_encoder,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# (sentence, paraphrase, same topic but another fact, unrelated)
TRIPLES = [
    (
        "The central bank raised interest rates by half a percentage point on Wednesday.",
        "On Wednesday the central bank lifted its key rate by 0.5 percentage points.",
        "The central bank's governor will testify before parliament next month.",
        "The museum reopened its east wing after a two-year renovation.",
    ),
    (
        "Heavy rain flooded hundreds of homes in the northern province overnight.",
        "Hundreds of houses in the north of the province were flooded by overnight downpours.",
        "The province's governor asked the national government for emergency funds.",
        "The striker signed a three-year contract with the club on Monday.",
    ),
    (
        "The company said it would cut 2,000 jobs as sales of its phones slumped.",
        "Citing slumping phone sales, the firm announced it will eliminate 2,000 positions.",
        "The company's shares have doubled since the new chief executive took over.",
        "Astronomers have spotted a comet that will be visible to the naked eye in May.",
    ),
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return get_encoder()


def _line(name: str, start: str) -> str:
    for line in (EXAMPLES / name).read_text(encoding="utf-8").splitlines():
        if line.strip().startswith(start):
            return line.strip()
    raise AssertionError(f"{name}: no line starting with {start!r}")


def test_shape_dtype_and_unit_norm(encoder: SentenceEncoder) -> None:
    texts = ["One short sentence.", "Another, somewhat longer sentence about a storm at sea.", ""]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_empty_matrix(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode([])
    assert vectors.shape == (0, DIM)
    assert vectors.dtype == np.float32


def test_order_is_preserved_and_batching_does_not_change_vectors(
    encoder: SentenceEncoder,
) -> None:
    texts = [t for triple in TRIPLES for t in triple] + ["", "Yes.", "word " * 80]
    together = encoder.encode(texts, batch_size=64)
    singles = np.vstack([encoder.encode([t]) for t in texts])
    in_pairs = encoder.encode(texts, batch_size=2)
    reversed_ = encoder.encode(texts[::-1], batch_size=5)[::-1]
    np.testing.assert_allclose(together, singles, atol=1e-5)
    np.testing.assert_allclose(together, in_pairs, atol=1e-5)
    np.testing.assert_allclose(together, reversed_, atol=1e-5)
    # different texts really get different vectors (so the comparisons above mean something)
    assert float(together[0] @ together[1]) < 0.99


def test_paraphrases_score_higher_than_other_pairs(encoder: SentenceEncoder) -> None:
    for sentence, paraphrase, same_topic, unrelated in TRIPLES:
        v = encoder.encode([sentence, paraphrase, same_topic, unrelated])
        para, topic, other = (float(v[0] @ v[i]) for i in (1, 2, 3))
        assert para > topic > other, (sentence, para, topic, other)
        assert para > 0.6
        assert other < 0.3


def test_seed_articles_paraphrased_fact_and_unrelated_lines(encoder: SentenceEncoder) -> None:
    a = _line("000_eb5e3446e89f63d7.txt", '"The two leaders welcomed ongoing efforts')
    b = _line("004_4826a167a596511a.txt", "The two leaders welcomed continued efforts")
    teaser = _line("000_eb5e3446e89f63d7.txt", "Join the Conversation")
    unrelated = _line("004_4826a167a596511a.txt", "Biden also expressed concerns about")
    v = encoder.encode([a, b, teaser, unrelated])
    assert 0.65 <= float(v[0] @ v[1]) <= 0.85
    assert float(v[2] @ v[3]) <= 0.17


def test_long_texts_are_truncated_not_rejected(encoder: SentenceEncoder) -> None:
    head = "the committee met again " * 120  # far beyond 256 word pieces
    vectors = encoder.encode([head + "and agreed.", head + "but nothing changed at all."])
    assert vectors.shape == (2, DIM)
    # only the first 256 word pieces count, so the different endings are cut off
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-5)


def test_bad_input_is_refused_with_a_clear_error(encoder: SentenceEncoder) -> None:
    with pytest.raises(TypeError, match="sequence of texts"):
        encoder.encode("not a list")
    with pytest.raises(TypeError, match="text 1 is int"):
        encoder.encode(["fine", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="batch_size"):
        encoder.encode(["fine"], batch_size=0)


def test_missing_model_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.onnx"
    with pytest.raises(EncoderError, match=r"nope\.onnx") as info:
        SentenceEncoder(model_path=missing).encode(["x"])
    assert isinstance(info.value, NewsprismError)


def test_registry_and_shared_instance() -> None:
    assert ENCODERS.get(ENCODER_NAME)() is get_encoder()
    assert get_encoder() is get_encoder()
    assert ENCODER_NAME in ENCODERS.names()


def test_lazy_load_from_two_threads_gives_identical_vectors() -> None:
    fresh = SentenceEncoder()
    texts = [TRIPLES[0][0], TRIPLES[1][1]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(fresh.encode, [texts, texts])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_import_does_not_load_onnxruntime() -> None:
    code = (
        "import sys, newsprism.features.embed, newsprism.features.similarity; "
        "print('onnxruntime' in sys.modules, 'tokenizers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_cosine_matrix() -> None:
    a = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    b = np.array([[6.0, 8.0], [0.0, -2.0]], dtype=np.float32)
    m = cosine_matrix(a, b)
    assert m.shape == (3, 2)
    np.testing.assert_allclose(m, [[1.0, -0.8], [0.0, 0.0], [0.6, 0.0]], atol=1e-6)
    with pytest.raises(ValueError, match="widths differ"):
        cosine_matrix(a, np.ones((2, 3), dtype=np.float32))


def test_cosine_matrix_matches_dot_products_of_encoded_vectors(
    encoder: SentenceEncoder,
) -> None:
    v = encoder.encode([t for t in TRIPLES[0]])
    np.testing.assert_allclose(cosine_matrix(v, v), v @ v.T, atol=1e-5)


# --- similarity.pair_score -------------------------------------------------------------------


def test_pair_features_are_symmetric() -> None:
    a, b = TRIPLES[2][0], TRIPLES[2][1]
    assert similarity.pair_features(a, b, 0.7) == pytest.approx(similarity.pair_features(b, a, 0.7))
    assert len(similarity.pair_features(a, b, 0.7)) == len(similarity.FEATURES)


def test_pair_score_orders_identical_paraphrase_and_unrelated() -> None:
    s = "Officials said 40 people were injured when the bridge collapsed on Sunday."
    same = similarity.pair_score(s, s, 1.0)
    unrelated = similarity.pair_score(s, "The orchestra will tour Japan next spring.", 0.05)
    assert same > similarity.THRESHOLD > unrelated
    assert 0.0 < unrelated < same < 1.0


def test_number_and_negation_mismatches_lower_the_score() -> None:
    a = "Officials said 40 people were injured when the bridge collapsed on Sunday."
    other_number = a.replace("40", "75")
    negated = "Officials said 40 people were not injured when the bridge collapsed on Sunday."
    base = similarity.pair_score(a, a, 0.95)
    assert similarity.pair_score(a, other_number, 0.95) < base
    assert similarity.pair_score(a, negated, 0.95) < base
    assert similarity.pair_score(a, other_number, 0.95, ignore_numbers=True) > (
        similarity.pair_score(a, other_number, 0.95)
    )


def test_score_features_rejects_wrong_length() -> None:
    with pytest.raises(ValueError, match="feature values"):
        similarity.score_features([0.5, 0.5])


def test_pair_score_with_real_cosines_separates_paraphrases(encoder: SentenceEncoder) -> None:
    for sentence, paraphrase, same_topic, unrelated in TRIPLES:
        v = encoder.encode([sentence, paraphrase, same_topic, unrelated])
        scores = [
            similarity.pair_score(sentence, other, float(v[0] @ v[i]))
            for i, other in ((1, paraphrase), (2, same_topic), (3, unrelated))
        ]
        assert scores[0] > scores[1] > scores[2], (sentence, scores)
        assert scores[2] < similarity.THRESHOLD


# --- batching, token states, preloading ------------------------------------------------------


def test_token_budget_and_duplicates_do_not_change_vectors(encoder: SentenceEncoder) -> None:
    texts = [t for triple in TRIPLES for t in triple]
    texts = [*texts, texts[0], texts[3], texts[0]]  # repeated texts are encoded once
    reference = np.vstack([encoder.encode([t]) for t in texts])
    for tokens in (1, 40, 384, 1 << 20):
        np.testing.assert_allclose(encoder.encode(texts, batch_tokens=tokens), reference, atol=1e-5)
    with pytest.raises(ValueError, match="batch_tokens"):
        encoder.encode(["fine"], batch_tokens=0)


def test_encode_tokens_gives_the_same_vectors_and_per_piece_states(
    encoder: SentenceEncoder,
) -> None:
    texts = ["The central bank raised rates.", "", TRIPLES[1][0], "The central bank raised rates."]
    vectors, states = encoder.encode_tokens(texts)
    np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-5)
    assert len(states) == len(texts)
    assert states[0].pieces == ["the", "central", "bank", "raised", "rates", "."]
    assert states[1].pieces == [] and states[1].states.shape == (0, DIM)
    for s in states:
        assert s.states.shape == (len(s.pieces), DIM)
        assert s.states.dtype == np.float32
    np.testing.assert_allclose(states[0].states, states[3].states, atol=1e-6)
    # contextual states: "bank" differs between a river bank and a central bank
    _, other = encoder.encode_tokens(["They walked along the river bank."])
    bank_here = states[0].states[2]
    bank_there = other[0].states[other[0].pieces.index("bank")]
    assert float(np.linalg.norm(bank_here - bank_there)) > 1.0


def test_preload_loads_in_the_background_and_encode_waits_for_it() -> None:
    fresh = SentenceEncoder()
    assert not fresh.loaded
    fresh.preload()
    fresh.preload()  # a second call starts nothing new
    vectors = fresh.encode([TRIPLES[0][0]])
    assert fresh.loaded
    np.testing.assert_allclose(vectors, get_encoder().encode([TRIPLES[0][0]]), atol=1e-5)


def test_preload_of_a_missing_model_fails_only_at_encode(tmp_path: Path) -> None:
    broken = SentenceEncoder(model_path=tmp_path / "absent.onnx")
    broken.preload()  # no exception here
    with pytest.raises(EncoderError, match=r"absent\.onnx"):
        broken.encode(["x"])


# --- similarity v2 ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def views() -> dict[str, similarity.SentenceView]:
    texts = [t for triple in TRIPLES for t in triple]
    extra = [
        "Officials said 40 people were injured when the bridge collapsed on Sunday.",
        "Officials said 75 people were injured when the bridge collapsed on Sunday.",
    ]
    return dict(zip(texts + extra, similarity.describe(texts + extra), strict=True))


def test_v2_model_loads_and_matches_its_feature_list() -> None:
    model = similarity.model_v2()
    assert model.features == similarity.FEATURES_V2
    assert len(model.weights) == len(similarity.FEATURES_V2) == 23
    assert 0.0 < model.threshold < 1.0
    assert similarity.model_from_dict(model.to_dict()) == model
    bad = model.to_dict()
    bad["features"] = bad["features"][:-1]
    with pytest.raises(ValueError, match="features"):
        similarity.model_from_dict(bad)
    with pytest.raises(ValueError, match="feature values"):
        model.probability([0.0])


def test_v2_features_are_symmetric_and_see_the_parse(
    views: dict[str, similarity.SentenceView],
) -> None:
    a, b = views[TRIPLES[2][0]], views[TRIPLES[2][1]]
    fab, fba = similarity.pair_features_v2(a, b), similarity.pair_features_v2(b, a)
    assert fab == pytest.approx(fba)
    assert len(fab) == len(similarity.FEATURES_V2)
    same = dict(zip(similarity.FEATURES_V2, similarity.pair_features_v2(a, a), strict=True))
    assert same["lemma_min"] == same["dep_min"] == 1.0
    assert same["edit_max"] == same["pieces_unmatched_max"] == 0.0
    assert any(w.pos == "VERB" and w.lemma == "cut" for w in a.words)


def test_v2_scores_order_paraphrase_topic_and_unrelated(
    views: dict[str, similarity.SentenceView],
) -> None:
    threshold = similarity.model_v2().threshold
    for sentence, paraphrase, same_topic, unrelated in TRIPLES:
        s = [
            similarity.sentence_score(views[sentence], views[other])
            for other in (paraphrase, same_topic, unrelated)
        ]
        assert s[0] > s[1] > s[2], (sentence, s)
        assert s[2] < threshold


def test_v2_number_mismatch_and_score_pairs(views: dict[str, similarity.SentenceView]) -> None:
    a = views["Officials said 40 people were injured when the bridge collapsed on Sunday."]
    b = views["Officials said 75 people were injured when the bridge collapsed on Sunday."]
    plain = similarity.sentence_score(a, b)
    assert similarity.sentence_score(a, b, ignore_numbers=True) > plain
    assert similarity.sentence_score(a, a) > plain
    pairs = [(a.text, b.text), (TRIPLES[0][0], TRIPLES[0][3])]
    scores = similarity.score_pairs(pairs)
    assert scores.shape == (2,)
    assert scores[0] == pytest.approx(plain, abs=1e-5)
    assert scores[1] < similarity.model_v2().threshold
