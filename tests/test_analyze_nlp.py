"""The spaCy pipeline: the compiled attribute ruler gives exactly the model's annotations."""

from __future__ import annotations

import spacy

from newsprism.analyze.fastruler import compile_ruler
from newsprism.analyze.nlp import MODEL_NAME, get_nlp
from tests.conftest import SEED_A, SEED_B

ODD = [
    "I ain't gonna do it, y'all. Let's go. C'mon, I got ta go. It's nothin' but 'em.",
    "There is a cat and there were dogs; do you have it? I did. You did it for me.",
    "  spaced   out \n\n text\twith  tabs ",
]


def test_fast_ruler_matches_the_model() -> None:
    reference = spacy.load(MODEL_NAME)
    assert compile_ruler(reference.get_pipe("attribute_ruler")) is not None
    ours = get_nlp()
    assert "attribute_ruler" not in ours.pipe_names
    # the tokenizer is built empty, then loaded from the model: the same one comes out
    assert ours.tokenizer.to_bytes(exclude=["vocab"]) == reference.tokenizer.to_bytes(
        exclude=["vocab"]
    )
    texts = [
        *SEED_A.read_text(encoding="utf-8").split("\n"),
        *SEED_B.read_text(encoding="utf-8").split("\n\n"),
        *ODD,
    ]
    compared = 0
    for want, got in zip(reference.pipe(texts), ours.pipe(texts), strict=True):
        for a, b in zip(want, got, strict=True):
            assert (a.pos_, str(a.morph), a.lemma_, a.tag_, a.dep_, a.ent_type_) == (
                b.pos_,
                str(b.morph),
                b.lemma_,
                b.tag_,
                b.dep_,
                b.ent_type_,
            ), a.text
            compared += 1
    assert compared > 1_500


def test_model_loads_once() -> None:
    assert get_nlp() is get_nlp()
