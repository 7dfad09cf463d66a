"""Time expressions on TempEval-3 (TimeML) news, scored as the official entity scorer.

Data: ``temporal/temporal_news_gold.tar.xz`` (unpacked into a temporary directory). Sets:
TempEval-3 platinum (20 documents, the held-out test), TimeBank + AQUAINT (``dev``, 256) and
MEANTIME English. The anchor of each document is its creation time (DCT).

Scoring follows ``evaluate_entities.py``: strict match = same span, relaxed = overlap (one
system expression per gold expression); value accuracy = relaxed matches with the gold
``value`` / relaxed matches; **value F1 = value accuracy x relaxed F1** (the official
"attribute F1"); type likewise.
"""

from __future__ import annotations

import datetime as dt
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.eval._result import EvalResult, require

if TYPE_CHECKING:
    from newsprism.models import TimeExpr

ARCHIVE = "temporal/temporal_news_gold.tar.xz"
PLATINUM = "data/TempEval3/Evaluation/te3-platinum"
TBAQ = "data/TempEval3/Training/TBAQ-cleaned"
MEANTIME = "data/meantime_newsreader_english_oct15/intra-doc_annotation"
REFERENCE: dict[str, float | str] = {
    "platinum_value_f1": "HeidelTime 0.776 (TempEval-3 task paper)",
}

TYPES = {"date": "DATE", "time": "TIME", "duration": "DURATION", "set": "SET", "interval": "DATE"}


@dataclass(slots=True)
class Gold:
    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class Doc:
    name: str
    dct: dt.date
    text: str
    gold: list[Gold] = field(default_factory=list)


def load_timeml(path: Path) -> Doc:
    """Text of the ``<TEXT>`` element with the offsets of its TIMEX3 tags, and the DCT."""
    root = ET.parse(path).getroot()
    dct: dt.date | None = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            dct = dt.date.fromisoformat((t.get("value") or "")[:10])
            break
    text_el = root.find("TEXT")
    if dct is None or text_el is None:
        raise ValueError(f"{path}: no DCT or no TEXT element")
    parts: list[str] = []
    gold: list[Gold] = []
    size = 0

    def walk(el: ET.Element) -> None:
        nonlocal size
        if el.text:
            parts.append(el.text)
            size += len(el.text)
        for child in el:
            start = size
            walk(child)
            if child.tag == "TIMEX3":
                gold.append(Gold(start, size, child.get("type", ""), child.get("value", "")))
            if child.tail:
                parts.append(child.tail)
                size += len(child.tail)

    walk(text_el)
    return Doc(path.stem, dct, "".join(parts), gold)


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "'s", "n't", "'", "'re", "'ve"}
_NO_SPACE_BEFORE |= {"'ll", "'d", "'m", "''"}
_NO_SPACE_AFTER = {"$", "(", "[", "``", "#"}


def load_meantime(path: Path) -> Doc:
    """A MEANTIME (NewsReader CAT XML) document: tokens joined back into text, one sentence
    per line; only the annotated part (title, dateline and the first sentences: up to the
    last sentence with any markable); TIMEX3 markables without tokens are left out."""
    root = ET.parse(path).getroot()
    sentence_of = {t.get("t_id"): int(t.get("sentence", "0")) for t in root.iter("token")}
    annotated = max(
        (sentence_of.get(a.get("t_id"), 0) for a in root.iter("token_anchor")), default=0
    )
    starts: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    size = 0
    prev_sentence, prev_token = None, ""
    for tok in root.iter("token"):
        word = tok.text or ""
        sentence = tok.get("sentence")
        if int(sentence or 0) > annotated:
            break
        if parts:
            if sentence != prev_sentence:
                sep = "\n"
            elif word in _NO_SPACE_BEFORE or prev_token in _NO_SPACE_AFTER:
                sep = ""
            else:
                sep = " "
            parts.append(sep)
            size += len(sep)
        starts[tok.get("t_id", "")] = (size, size + len(word))
        parts.append(word)
        size += len(word)
        prev_sentence, prev_token = sentence, word
    dct: dt.date | None = None
    gold: list[Gold] = []
    for timex in root.iter("TIMEX3"):
        anchors = [starts[a.get("t_id", "")] for a in timex.iter("token_anchor")]
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = dt.date.fromisoformat((timex.get("value") or "")[:10])
        if anchors:
            start, end = min(a[0] for a in anchors), max(a[1] for a in anchors)
            gold.append(Gold(start, end, timex.get("type", ""), timex.get("value", "")))
    if dct is None:
        raise ValueError(f"{path}: no document creation time")
    gold.sort(key=lambda g: g.start)
    return Doc(path.stem, dct, "".join(parts), gold)


def unpack(target: Path, archive: Path, prefix: str = "data/") -> Path:
    """Extract the archive members under ``prefix`` into ``target``; returns ``target``."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        tar.extractall(target, members=members, filter="data")
    return target


def load_set(base: Path, which: str) -> list[Doc]:
    """``dev`` (TimeBank + AQUAINT), ``platinum`` (TempEval-3 test) or ``meantime``."""
    if which == "meantime":  # two documents have no creation time and are left out
        docs = []
        for p in sorted((base / MEANTIME).rglob("*.xml")):
            try:
                docs.append(load_meantime(p))
            except ValueError:
                continue
        return docs
    folder = base / (PLATINUM if which == "platinum" else TBAQ)
    return [load_timeml(p) for p in sorted(folder.rglob("*.tml"))]


@dataclass(slots=True)
class Scores:
    gold: int = 0
    system: int = 0
    strict_gold: int = 0
    strict_sys: int = 0
    relaxed_gold: int = 0
    relaxed_sys: int = 0
    value_ok: int = 0
    type_ok: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, float]:
        sp = self.strict_sys / self.system if self.system else 0.0
        sr = self.strict_gold / self.gold if self.gold else 0.0
        rp = self.relaxed_sys / self.system if self.system else 0.0
        rr = self.relaxed_gold / self.gold if self.gold else 0.0
        rf = self.f1(rp, rr)
        acc = self.value_ok / self.relaxed_gold if self.relaxed_gold else 0.0
        tacc = self.type_ok / self.relaxed_gold if self.relaxed_gold else 0.0
        vp = self.value_ok / self.system if self.system else 0.0
        vr = self.value_ok / self.gold if self.gold else 0.0
        return {
            "strict_p": sp,
            "strict_r": sr,
            "strict_f1": self.f1(sp, sr),
            "relaxed_p": rp,
            "relaxed_r": rr,
            "relaxed_f1": rf,
            "value_acc": acc,
            "value_f1": acc * rf,
            "value_f1_direct": self.f1(vp, vr),
            "type_acc": tacc,
            "type_f1": tacc * rf,
        }


def score(docs: Iterable[Doc], predict: Callable[[Doc], list[TimeExpr]]) -> Scores:
    s = Scores()
    for doc in docs:
        pred = predict(doc)
        s.gold += len(doc.gold)
        s.system += len(pred)
        used: set[int] = set()
        for g in doc.gold:
            overlapping = [
                (min(g.end, p.end) - max(g.start, p.start), i)
                for i, p in enumerate(pred)
                if i not in used and p.start < g.end and g.start < p.end
            ]
            gtext = doc.text[g.start : g.end]
            ctx = doc.text[max(0, g.start - 50) : g.start].replace("\n", " ")
            if not overlapping:
                s.errors.append(f"MISS  {doc.name} {doc.dct} {gtext!r} {g.type} {g.value} | {ctx}")
                continue
            i = max(overlapping)[1]
            used.add(i)
            p = pred[i]
            s.relaxed_gold += 1
            s.relaxed_sys += 1
            if (p.start, p.end) == (g.start, g.end):
                s.strict_gold += 1
                s.strict_sys += 1
            else:
                s.errors.append(f"SPAN  {doc.name} {gtext!r} vs {p.text!r}")
            if p.value == g.value:
                s.value_ok += 1
            else:
                s.errors.append(
                    f"VALUE {doc.name} {doc.dct} {gtext!r}/{p.text!r} gold={g.value} sys={p.value}"
                    f" rule={p.rule} | {ctx}"
                )
            if TYPES[p.kind] == g.type:
                s.type_ok += 1
        for i, p in enumerate(pred):
            if i not in used:
                ctx = doc.text[max(0, p.start - 50) : p.start].replace("\n", " ")
                s.errors.append(f"EXTRA {doc.name} {p.text!r} {p.value} rule={p.rule} | {ctx}")
    return s


def predict(doc: Doc) -> list[TimeExpr]:
    from newsprism.analyze.temporal import find_time_expressions

    return find_time_expressions(doc.text, doc.dct)


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """Platinum (test) scores; the full run adds the TBAQ development set."""
    archive = require(data_dir / ARCHIVE)
    with tempfile.TemporaryDirectory() as tmp:
        base = unpack(Path(tmp), archive, PLATINUM if quick else "data/TempEval3/")
        sets = [("platinum", load_set(base, "platinum"))]
        if not quick:
            sets.append(("dev", load_set(base, "dev")))
    metrics: dict[str, float] = {}
    details: dict[str, Any] = {}
    for name, docs in sets:
        result = score(docs, predict)
        summary = result.summary()
        for key in ("value_f1", "relaxed_f1", "strict_f1", "type_f1"):
            metrics[f"{name}_{key}"] = summary[key]
        details[f"{name}_docs"] = len(docs)
        details[f"{name}_gold"] = result.gold
    return EvalResult("temporal", metrics, dict(REFERENCE), details=details)
