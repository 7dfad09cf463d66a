"""Cross-outlet sentence alignment on MSRP, and MiniLM encoding speed.

Usage: ``python benchmarks/bench_alignment.py [--fit | --fit-v2] [--data DIR] [--out FILE]``

Quality: MSRP (4,076 train / 1,725 test news sentence pairs from different outlets). Every
threshold is chosen on train (F1-optimal) and applied unchanged to test. Rows: majority class,
content-word Jaccard, MiniLM cosine, and the two combiners of ``newsprism.features.similarity``
(their shipped constants). ``--fit`` refits the v1 combiner on train with scikit-learn and prints
the constants to paste into ``similarity.py``; ``--fit-v2`` refits the v2 model on train and
writes ``src/newsprism/features/minilm/pairscore_v2.json``. No fit reads the test data.

Speed: one process, 2 intra-op threads, the int8 model; the baseline (same process, same
sentences) is the shipped tokenizer's fixed padding to 128 tokens without length sorting.

Writes a markdown section to ``benchmarks/results/alignment.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.eval.alignment import Pair, f1_acc, load_msrp  # noqa: E402
from newsprism.features import embed, similarity  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "msrp"
OUT = ROOT / "benchmarks" / "results" / "alignment.md"
MODEL_V2 = ROOT / "src" / "newsprism" / "features" / "minilm" / "pairscore_v2.json"
#: Cross-validation for the v2 threshold: 5 folds, repeated with these shuffles.
CV_SEEDS = (0, 1, 2)
SPEED_SENTENCES = 256
SPEED_ROUNDS = 3

_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the and or but of to in on at by for with from as is are was were be been has have "
        "had it its he she they we i his her their that this which who will would said says",
    )
)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    candidates = np.unique(np.round(scores, 3))
    f1s = [f1_acc(labels, scores >= t)[0] for t in candidates]
    return float(candidates[int(np.argmax(f1s))])


def jaccard(a: str, b: str) -> float:
    wa = {w for w in re.findall(r"\w+", a.lower()) if w not in _STOP}
    wb = {w for w in re.findall(r"\w+", b.lower()) if w not in _STOP}
    return len(wa & wb) / len(wa | wb) if wa | wb else 1.0


def cosines(encoder: embed.SentenceEncoder, rows: Sequence[Pair]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    a = encoder.encode([r[1] for r in rows])
    b = encoder.encode([r[2] for r in rows])
    seconds = time.perf_counter() - start
    return np.sum(a * b, axis=1), 2 * len(rows) / seconds


def fit_combiner(features: np.ndarray, labels: np.ndarray) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = LogisticRegression(C=1.0, max_iter=5000)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]
    grid = np.round(np.arange(0.2, 0.8, 0.005), 3)
    cv_f1 = [f1_acc(labels, cv >= t)[0] for t in grid]
    model.fit(features, labels)
    weights = ", ".join(f"{w:.4f}" for w in model.coef_[0])
    print(f"WEIGHTS = ({weights})")
    print(f"BIAS = {model.intercept_[0]:.4f}")
    print(f"THRESHOLD = {grid[int(np.argmax(cv_f1))]}  # cross-validated train F1 {max(cv_f1):.4f}")


def _cv_threshold(
    make: Callable[[], object], features: np.ndarray, labels: np.ndarray
) -> tuple[float, float]:
    """F1-optimal threshold on 5-fold cross-validated train predictions (median over
    ``CV_SEEDS`` shuffles) and the mean cross-validated F1 at each shuffle's optimum."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    grid = np.round(np.arange(0.2, 0.8, 0.005), 3)
    best_t, best_f = [], []
    for seed in CV_SEEDS:
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        cv = cross_val_predict(make(), features, labels, cv=folds, method="predict_proba")[:, 1]
        f1s = [f1_acc(labels, cv >= t)[0] for t in grid]
        best_t.append(float(grid[int(np.argmax(f1s))]))
        best_f.append(max(f1s))
    return float(np.median(best_t)), float(np.mean(best_f))


def fit_v2(features: np.ndarray, labels: np.ndarray) -> dict[str, object]:
    """Fit the v2 model on train (standardised features, logistic regression, C=1)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def make() -> object:
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))

    threshold, cv_f1 = _cv_threshold(make, features, labels)
    scaler = StandardScaler().fit(features)
    model = LogisticRegression(C=1.0, max_iter=5000).fit(scaler.transform(features), labels)
    return {
        "name": similarity.SCORER_NAME_V2,
        "features": list(similarity.FEATURES_V2),
        "mean": [round(float(x), 6) for x in scaler.mean_],
        "scale": [round(float(x), 6) for x in scaler.scale_],
        "weights": [round(float(x), 6) for x in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "fitted_on": f"MSRP train ({len(labels)} pairs), bench_alignment.py --fit-v2",
        "cv_f1": round(cv_f1, 4),
        "cv": f"5-fold, shuffles {list(CV_SEEDS)}; threshold = median of the F1-optimal ones",
    }


def v2_features(
    rows: Sequence[Pair], encoder: embed.SentenceEncoder
) -> tuple[np.ndarray, np.ndarray, float]:
    """v2 feature matrix, MiniLM cosines and the describe() rate (sentences/s, parse included)."""
    texts = list(dict.fromkeys(t for r in rows for t in (r[1], r[2])))
    start = time.perf_counter()
    views = dict(zip(texts, similarity.describe(texts, encoder=encoder), strict=True))
    rate = len(texts) / (time.perf_counter() - start)
    feats = np.array([similarity.pair_features_v2(views[r[1]], views[r[2]]) for r in rows])
    return feats, feats[:, 0].copy(), rate


def _pooled(session: object, tokenizer: object, texts: Sequence[str], batch: int) -> np.ndarray:
    """The naive path: the shipped tokenizer (fixed padding to 128), no sorting."""
    out = []
    for start in range(0, len(texts), batch):
        encs = tokenizer.encode_batch(list(texts[start : start + batch]))  # type: ignore[attr-defined]
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, feeds)[0]  # type: ignore[attr-defined]
        pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    return np.vstack(out)


def speed(encoder: embed.SentenceEncoder, sentences: Sequence[str]) -> list[str]:
    """Throughput of each path: best of ``SPEED_ROUNDS`` interleaved rounds (the machine is shared,
    so the best round is the one least disturbed by other processes)."""
    from tokenizers import Tokenizer

    session, _ = encoder._load()
    shipped = Tokenizer.from_str(embed._tokenizer_text())  # fixed padding to 128 as shipped
    paths: dict[str, Callable[[], np.ndarray]] = {
        "baseline: shipped tokenizer, pad to 128, unsorted, batch 64": lambda: _pooled(
            session, shipped, sentences, 64
        ),
        "`encode` (default): length-sorted, batches of <= 384 padded pieces": lambda: (
            encoder.encode(sentences)
        ),
        "`encode`, length-sorted, batch 64 (the former default)": lambda: encoder.encode(
            sentences, batch_tokens=1 << 30
        ),
        "`encode`, batch 16": lambda: encoder.encode(
            sentences, batch_size=16, batch_tokens=1 << 30
        ),
        "`encode`, batch 1": lambda: encoder.encode(sentences, batch_size=1),
    }
    best = dict.fromkeys(paths, 0.0)
    vectors: dict[str, np.ndarray] = {}
    load_before = os.getloadavg()[0]
    for _ in range(SPEED_ROUNDS):
        for name, run in paths.items():
            start = time.perf_counter()
            vectors[name] = run()
            best[name] = max(best[name], len(sentences) / (time.perf_counter() - start))
    base_name = next(iter(paths))
    ours = vectors[next(n for n in paths if n.startswith("`encode` (default)"))]
    worst = float(np.max(np.abs(vectors[base_name] - ours)))
    lines = ["| path | sentences/s (best round) | ratio |", "|---|---:|---:|"]
    lines += [f"| {n} | {v:.0f} | {v / best[base_name]:.2f} |" for n, v in best.items()]
    return [
        *lines,
        "",
        f"{len(sentences)} MSRP test sentences (mean {np.mean([len(x) for x in sentences]):.0f} "
        f"chars), {SPEED_ROUNDS} interleaved rounds; 1-minute load average {load_before:.1f} / "
        f"{os.getloadavg()[0]:.1f} before / after on this shared 2-core machine, so absolute "
        f"rates are noisy (±50% between runs here); ratios are within one round. "
        f"Largest difference between the baseline's and `encode`'s vectors: {worst:.1e}.",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--fit", action="store_true", help="refit the combiner, print constants")
    parser.add_argument("--fit-v2", action="store_true", help="refit the v2 model, write JSON")
    args = parser.parse_args(argv)
    if not (args.data / "msr_paraphrase_train.txt.gz").is_file():
        print(f"{args.data}: MSRP files not found", file=sys.stderr)
        return 2
    train, test = load_msrp(args.data, "train"), load_msrp(args.data, "test")
    y_train = np.array([r[0] for r in train])
    y_test = np.array([r[0] for r in test])
    encoder = embed.get_encoder()
    encoder.encode(["warm-up"])
    v2_train, cos_train, _ = v2_features(train, encoder)
    if args.fit_v2:
        model = fit_v2(v2_train, y_train)
        MODEL_V2.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_V2}: threshold {model['threshold']}, CV F1 {model['cv_f1']}")
        return 0
    v2_test, cos_test, describe_rate = v2_features(test, encoder)
    _, rate = cosines(encoder, test)

    def feats(rows: Sequence[Pair], cos: np.ndarray, numbers: bool = True) -> np.ndarray:
        values = [
            list(similarity.pair_features(r[1], r[2], float(c)))
            for r, c in zip(rows, cos, strict=True)
        ]
        out = np.array(values)
        if not numbers:
            out[:, similarity.FEATURES.index("number_diff")] = 0.0
        return out

    f_train, f_test = feats(train, cos_train), feats(test, cos_test)
    if args.fit:
        fit_combiner(f_train, y_train)
        return 0

    def combined(f: np.ndarray) -> np.ndarray:
        return np.array([similarity.score_features(row) for row in f])

    model_v2 = similarity.model_v2()

    def combined_v2(f: np.ndarray, numbers: bool = True) -> np.ndarray:
        f = f.copy()
        if not numbers:
            f[:, similarity.FEATURES_V2.index("number_diff")] = 0.0
        return np.array([model_v2.probability(row) for row in f])

    v2_meta = json.loads(MODEL_V2.read_text(encoding="utf-8"))

    jac_train = np.array([jaccard(r[1], r[2]) for r in train])
    jac_test = np.array([jaccard(r[1], r[2]) for r in test])
    systems: list[tuple[str, np.ndarray, np.ndarray, float | None]] = [
        ("content-word Jaccard", jac_train, jac_test, None),
        ("MiniLM cosine", cos_train, cos_test, None),
        ("combiner `pair_score`", combined(f_train), combined(f_test), similarity.THRESHOLD),
        (
            "combiner, `ignore_numbers=True`",
            combined(feats(train, cos_train, numbers=False)),
            combined(feats(test, cos_test, numbers=False)),
            similarity.THRESHOLD,
        ),
        (
            "v2 `score_pairs` (+ word pieces, parse)",
            combined_v2(v2_train),
            combined_v2(v2_test),
            model_v2.threshold,
        ),
        (
            "v2, `ignore_numbers=True`",
            combined_v2(v2_train, numbers=False),
            combined_v2(v2_test, numbers=False),
            model_v2.threshold,
        ),
    ]
    majority = f1_acc(y_test, np.ones_like(y_test, dtype=bool))
    lines = [
        "## Sentence alignment (MSRP) and MiniLM speed",
        "",
        f"Machine: 2 cores, {platform.machine()}, Python {platform.python_version()}, "
        f"onnxruntime int8 all-MiniLM-L6-v2 (`{embed.ENCODER_NAME}`), 2 intra-op threads.",
        f"MSRP: {len(train)} train / {len(test)} test pairs ({y_test.mean():.1%} positive in "
        "test). Thresholds chosen on train (F1-optimal), applied unchanged to test.",
        "",
        "| system | threshold | train F1 | test F1 | test acc | test P | test R |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| all positive (baseline) | - | - | {majority[0]:.3f} | {majority[1]:.3f} | "
        f"{majority[2]:.3f} | {majority[3]:.3f} |",
    ]
    for name, s_train, s_test, fixed in systems:
        threshold = fixed if fixed is not None else best_threshold(s_train, y_train)
        tr = f1_acc(y_train, s_train >= threshold)
        te = f1_acc(y_test, s_test >= threshold)
        lines.append(
            f"| {name} | {threshold:.3f} | {tr[0]:.3f} | {te[0]:.3f} | {te[1]:.3f} | "
            f"{te[2]:.3f} | {te[3]:.3f} |"
        )
    lines += [
        "",
        "The combiner is a logistic regression over "
        + ", ".join(f"`{n}`" for n in similarity.FEATURES)
        + " fitted on MSRP train (`--fit`); its threshold is F1-optimal on 5-fold "
        "cross-validated train predictions, so its train F1 is in-sample.",
        "",
        f"v2 (`{similarity.SCORER_NAME_V2}`) is a logistic regression over standardised "
        + ", ".join(f"`{n}`" for n in similarity.FEATURES_V2[len(similarity.FEATURES) :])
        + " on top of the v1 features, fitted on MSRP train (`--fit-v2`, constants in "
        "`features/minilm/pairscore_v2.json`); threshold "
        f"{model_v2.threshold:.3f} = median of the F1-optimal thresholds of 5-fold "
        f"cross-validated train predictions over {len(CV_SEEDS)} shuffles; cross-validated "
        f"train F1 {float(str(v2_meta.get('cv_f1', 'nan'))):.3f} (the train F1 in the table is "
        "in-sample). Feature groups were compared by cross-validated train F1 only (v1 "
        "features 0.842; + BERTScore-style piece precision/recall, BLEU-style n-gram "
        "precisions, length ratio or capitalised-word mismatch: no gain; + unmatched pieces "
        "0.845; + parse features 0.852). Two finalists were scored on test once each: this "
        "group (0.844) and a set chosen feature by feature on the CV folds that also used "
        "idf-weighted piece precision with idf from MSRP train (CV 0.854, test F1 0.845); this "
        "group ships because it needs no corpus statistics and was not tuned to the folds. "
        "Gradient boosting and a small MLP cross-validated below the logistic regression "
        "(0.845-0.848). "
        f"`describe` (encode + spaCy parse) ran at {describe_rate:.0f} sentences/s on test.",
        "",
        f"Encoding the whole test set (both sides): {rate:.0f} sentences/s.",
        "",
        *speed(encoder, [r[1] for r in test[:SPEED_SENTENCES]]),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
