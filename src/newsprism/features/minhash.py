"""MinHash signatures over word shingles, and a near-duplicate index built on MinHash LSH.

Signatures are datasketch-compatible (scheme ``affine32``, the datasketch 2.x default): a
shingle's 32-bit hash goes through the MurmurHash3 finaliser and then through datasketch's own
affine permutations for ``seed``, so ``to_lean(signature)`` is a real ``LeanMinHash`` that
datasketch's ``MinHashLSH`` accepts. Shingle hashes are computed here (crc32 of the words,
combined in numpy) instead of by datasketch's per-shingle SHA-1, which is ~20× faster.

:class:`NearDuplicateIndex` groups copies (wire copies, republished articles) into *origins*.
Only one representative per origin enters the LSH index and byte-identical signatures are
looked up in a dict first, so thousands of identical copies cost one dict lookup each instead of
crowding one LSH bucket.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

#: Registry-style name of the signature recipe; a behaviour change gets a new name.
MINHASH_NAME = "minhash.w4.v1"
NUM_PERM = 128
SEED = 1
SHINGLE_WORDS = 4
#: Default Jaccard similarity (of word-4-gram sets) from which two texts are copies.
DUPLICATE_THRESHOLD = 0.5

Signature = npt.NDArray[np.uint32]

_WORD = re.compile(r"\w+", re.UNICODE)
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F], dtype=np.uint64)
_M32 = np.uint64(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_MAX = np.uint32(0xFFFFFFFF)


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, underscore) of ``text``."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1 << 18)
def _crc(token: str) -> int:
    return zlib.crc32(token.encode("utf-8"))


def shingle_hashes(tokens: Sequence[str], width: int = SHINGLE_WORDS) -> npt.NDArray[np.uint32]:
    """32-bit hashes of the word ``width``-grams of ``tokens`` (one shingle if fewer words)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    ids = np.fromiter((_crc(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    if len(ids) < width:
        ids = np.concatenate([ids, np.zeros(width - len(ids), dtype=np.uint64)])
    n = len(ids) - width + 1
    acc = np.zeros(n, dtype=np.uint64)
    for k in range(width):
        acc = (acc * _MIX[k % 4] + ids[k : k + n]) & _M32
    return np.unique(acc.astype(np.uint32))


def _fmix32(hv: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    s1, m1, s2, m2, s3 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


@lru_cache(maxsize=8)
def _permutations(
    num_perm: int, seed: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """datasketch's affine32 permutation parameters for ``seed`` (same generator, same draws),
    without importing datasketch (whose import pulls scipy.integrate, ~0.6 s)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature_of_hashes(
    hashes: npt.NDArray[np.uint32], num_perm: int = NUM_PERM, seed: int = SEED
) -> Signature:
    """The MinHash signature of a set of 32-bit element hashes (datasketch ``affine32``)."""
    a, b = _permutations(num_perm, seed)
    out = np.full(num_perm, _MAX, dtype=np.uint32)
    if len(hashes) == 0:
        return out
    hv = _fmix32(np.asarray(hashes, dtype=np.uint32))
    with np.errstate(over="ignore"):
        for start in range(0, len(hv), 4096):  # bounded memory on very long texts
            chunk = hv[start : start + 4096].reshape(-1, 1)
            out = np.minimum(out, (chunk * a + b).min(axis=0))
    return out


def signature(text: str, num_perm: int = NUM_PERM, seed: int = SEED) -> Signature:
    """MinHash signature of the word 4-gram set of ``text``."""
    return signature_of_hashes(shingle_hashes(word_tokens(text)), num_perm, seed)


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two sets behind the signatures."""
    if len(a) != len(b):
        raise ValueError(f"signatures differ in length: {len(a)} != {len(b)}")
    return float(np.count_nonzero(a == b)) / max(len(a), 1)


def to_lean(sig: Signature, seed: int = SEED) -> Any:
    """A datasketch ``LeanMinHash`` holding ``sig``."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32")


class NearDuplicateIndex:
    """Groups near-identical texts into origins (one independent report each).

    ``assign(key, sig)`` returns the origin key: ``key`` itself when the text is new, else the
    key of the first text it copies (estimated Jaccard ≥ ``threshold``).
    """

    def __init__(self, threshold: float = DUPLICATE_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._exact: dict[bytes, str] = {}
        self._sigs: dict[str, Signature] = {}
        self._rank: dict[str, int] = {}
        self._origin: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._origin)

    def origin_of(self, key: str) -> str:
        return self._origin[key]

    def origins(self) -> dict[str, str]:
        """Every key seen → its origin key."""
        return dict(self._origin)

    def find(self, sig: Signature) -> str | None:
        """The origin a text with this signature would join, without adding it: the most
        similar earlier origin at or above the threshold (the earliest on a tie)."""
        exact = self._exact.get(sig.tobytes())
        if exact is not None:
            return exact
        best: str | None = None
        best_key = (-1.0, 0)
        for cand in self._lsh.query(to_lean(sig)):
            j = jaccard(sig, self._sigs[cand])
            key = (j, -self._rank[cand])
            if j >= self.threshold and key > best_key:
                best, best_key = cand, key
        return best

    def assign(self, key: str, sig: Signature) -> str:
        """Record ``key`` and return its origin key (``key`` itself for a new report)."""
        known = self._origin.get(key)
        if known is not None:
            return known
        if len(sig) != self.num_perm:
            raise ValueError(f"{key}: signature has {len(sig)} values, expected {self.num_perm}")
        origin = self.find(sig)
        if origin is None:
            origin = key
            self._sigs[key] = sig
            self._rank[key] = len(self._rank)
            self._exact[sig.tobytes()] = key
            self._lsh.insert(key, to_lean(sig))
        self._origin[key] = origin
        return origin

    def assign_many(self, items: Iterable[tuple[str, Signature]]) -> list[str]:
        return [self.assign(k, s) for k, s in items]


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives at ``threshold``: the rule of
    datasketch's ``MinHashLSH`` (integrals by the trapezoid rule instead of scipy's quad)."""
    lo = np.linspace(0.0, threshold, 201)
    hi = np.linspace(threshold, 1.0, 201)
    best, opt = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = float(np.trapezoid(1 - (1 - lo**r) ** b, lo))
            fn = float(np.trapezoid((1 - hi**r) ** b, hi))
            if 0.5 * fp + 0.5 * fn < best:
                best, opt = 0.5 * fp + 0.5 * fn, (b, r)
    return opt


_ROW_MIX = np.random.default_rng(20240402).integers(1, 2**63, size=1024, dtype=np.uint64) | 1


def _row_keys(rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """A 64-bit key per row (equal rows, equal keys; distinct rows collide with p ≈ 2^-64)."""
    mix = _ROW_MIX[: rows.shape[1]]
    with np.errstate(over="ignore"):
        keys = np.zeros(rows.shape[0], dtype=np.uint64)
        for j in range(rows.shape[1]):
            keys = (keys ^ (rows[:, j].astype(np.uint64) * mix[j])) * np.uint64(0x9E3779B97F4A7C15)
    return keys


def duplicate_origins(
    sigs: npt.NDArray[np.uint32], threshold: float = DUPLICATE_THRESHOLD
) -> npt.NDArray[np.int64]:
    """Origin row of each row of ``sigs`` (n × num_perm), for a whole collection at once.

    Same result as feeding the rows in order to :class:`NearDuplicateIndex`: a row joins the
    most similar earlier *origin* row whose estimated Jaccard is ≥ ``threshold`` (the earliest
    on a tie). Identical signatures are grouped first, then candidates come from LSH bands with
    datasketch's parameters, vectorised."""
    n, num_perm = sigs.shape
    origin = np.arange(n, dtype=np.int64)
    if n == 0:
        return origin
    # 1. identical signatures: the first row of each group is the representative
    _, first, inverse = np.unique(_row_keys(sigs), return_index=True, return_inverse=True)
    rep = first[inverse.ravel()]
    reps = np.unique(rep)
    # 2. candidate pairs among representatives that share a band
    bands, rows = band_params(threshold, num_perm)
    pairs: set[tuple[int, int]] = set()
    sub = sigs[reps]
    for b in range(bands):
        block = sub[:, b * rows : (b + 1) * rows]
        _, inv, counts = np.unique(_row_keys(block), return_inverse=True, return_counts=True)
        inv = inv.ravel()
        crowded = np.flatnonzero(counts[inv] > 1)
        if len(crowded) == 0:
            continue
        order = crowded[np.argsort(inv[crowded], kind="stable")]
        keys = inv[order]
        cuts = np.flatnonzero(np.diff(keys)) + 1
        for group in np.split(order, cuts):
            members = reps[group].tolist()
            for i, a in enumerate(members):
                for c in members[i + 1 :]:
                    pairs.add((a, c) if a < c else (c, a))
    # 3. in row order, a representative joins the first earlier origin it copies
    later: dict[int, list[int]] = {}
    for a, c in sorted(pairs):
        later.setdefault(c, []).append(a)
    is_origin = np.zeros(n, dtype=bool)
    for r in reps.tolist():
        found, best = -1, -1.0
        for a in later.get(r, ()):
            if is_origin[a]:
                j = jaccard(sigs[a], sigs[r])
                if j >= threshold and j > best:
                    found, best = a, j
        if found < 0:
            is_origin[r] = True
        else:
            origin[r] = found
    return origin[rep]


def lsh_band_keys(
    sigs: npt.NDArray[np.uint32], threshold: float = DUPLICATE_THRESHOLD
) -> npt.NDArray[np.uint64]:
    """The LSH band keys of each row of ``sigs`` (n × bands), with the bands and rows of
    :func:`duplicate_origins` (datasketch's parameters for ``threshold``): two rows are
    candidates exactly when they share a key in some band. For a distributed shuffle on
    ``(band, key)``."""
    n, num_perm = sigs.shape
    bands, rows = band_params(threshold, num_perm)
    out = np.zeros((n, bands), dtype=np.uint64)
    for b in range(bands):
        out[:, b] = _row_keys(sigs[:, b * rows : (b + 1) * rows])
    return out


def origins_from_pairs(
    n: int, pairs: Iterable[tuple[int, int, float]], threshold: float = DUPLICATE_THRESHOLD
) -> npt.NDArray[np.int64]:
    """Origin row of each of ``n`` distinct-signature rows (in canonical order) from their
    candidate pairs ``(a, c, jaccard)`` (``a < c``; pairs below ``threshold`` may be left
    out): the last step of :func:`duplicate_origins`, for candidates found elsewhere (the
    Spark runner's band-key shuffle). A row joins the most similar earlier *origin* row at or
    above ``threshold`` (the earliest on a tie)."""
    later: dict[int, list[tuple[int, float]]] = {}
    for a, c, j in sorted(pairs):
        later.setdefault(c, []).append((a, j))
    origin = np.arange(n, dtype=np.int64)
    is_origin = np.ones(n, dtype=bool)
    for r in sorted(later):
        found, best = -1, -1.0
        for a, j in later[r]:
            if is_origin[a] and j >= threshold and j > best:
                found, best = a, j
        if found >= 0:
            origin[r] = found
            is_origin[r] = False
    return origin
