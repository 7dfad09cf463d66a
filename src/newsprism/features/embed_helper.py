"""The sentence encoder in a helper process, for one-shot commands.

A one-shot ``newsprism compare`` spends its first ~1.7 s in Python (imports, reading, spaCy) on
one core. Loading the encoder in a thread beside it still costs that thread ~0.15 s: importing
onnxruntime and tokenizers and building the tokenizer hold the interpreter lock. A helper process
(:class:`EncoderHelper`, forked) loads it on the other core instead, and encodes on request; the
vectors are those of :meth:`SentenceEncoder.encode` in this process, bit for bit (same code, same
batches).

Protocol, over two pipes: once loaded, the helper writes a frame ``R`` (ready) or ``E`` (its load
error); then for each request frame ``Q`` (JSON: the texts and the batch bounds) it answers ``V``
(float32 vectors, row-major) or ``E`` (the error). A frame is one kind byte, a 4-byte big-endian
length and that many bytes. The helper exits when its request pipe closes. Any failure of the
helper (it cannot start, dies, answers ``E``) makes the caller encode in its own process instead,
where the same error, if any, is raised with its usual message.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import struct
import threading
import time
from pathlib import Path
from typing import IO, Any

import numpy as np

from newsprism.forked import can_fork

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">cI")
#: How long :meth:`EncoderHelper.close` waits for the helper to exit before killing it.
_EXIT_WAIT_S = 2.0


def _write_frame(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    stream.write(_HEADER.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the encoder helper closed its output")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream: IO[bytes]) -> tuple[bytes, bytes]:
    kind, size = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return kind, _read_exact(stream, size)


class EncoderHelper:
    """A helper process running a :class:`~newsprism.features.embed.SentenceEncoder` built
    with the given settings; forked by the constructor, which does not wait for the load.

    Forked, not started afresh: it needs none of the parent's imports but numpy, which the
    parent has, so it starts at once without importing anything twice. Only a process running
    one thread may fork safely, and only POSIX systems fork: :func:`can_fork` says whether
    this one can, and the constructor raises :class:`OSError` when not."""

    def __init__(self, model_path: Path | None, threads: int, max_tokens: int) -> None:
        if not can_fork():
            raise OSError("this process cannot fork a helper (not POSIX, or several threads)")
        config = {
            "model_path": str(model_path) if model_path is not None else None,
            "threads": threads,
            "max_tokens": max_tokens,
        }
        self._lock = threading.Lock()
        self._ready = False
        requests_in, requests_out = os.pipe()
        answers_in, answers_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: never returns into the caller's code
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the caller stops it
                os.close(requests_out)
                os.close(answers_in)
                os.dup2(2, 1)  # nothing it prints may reach the caller's standard output
                serve(config, os.fdopen(requests_in, "rb"), os.fdopen(answers_out, "wb"))
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the caller's buffers
        os.close(requests_in)
        os.close(answers_out)
        self._pid: int | None = pid
        self._owner = os.getpid()
        """The process that started the helper: a process forked from it later must not use
        the helper's pipes (their answers would interleave) nor stop it."""
        self._requests: IO[bytes] = os.fdopen(requests_out, "wb")
        self._answers: IO[bytes] = os.fdopen(answers_in, "rb")

    @property
    def alive(self) -> bool:
        """Whether the helper is running (not stopped, not failed)."""
        return self._pid is not None

    def encode(self, texts: list[str], batch_size: int, batch_tokens: int) -> np.ndarray | None:
        """The vectors of ``texts`` from the helper, or None when it failed (then it is
        stopped, and every later call returns None at once)."""
        from newsprism.features.embed import DIM

        if os.getpid() != self._owner:
            return None  # checked first: a lock held at the fork stays held in the child
        with self._lock:
            if self._pid is None:
                return None
            try:
                if not self._ready:
                    kind, payload = _read_frame(self._answers)
                    if kind != b"R":
                        raise RuntimeError(payload.decode("utf-8", "replace"))
                    self._ready = True
                request = {"texts": texts, "batch_size": batch_size, "batch_tokens": batch_tokens}
                _write_frame(self._requests, b"Q", json.dumps(request).encode("utf-8"))
                kind, payload = _read_frame(self._answers)
                if kind != b"V":
                    raise RuntimeError(payload.decode("utf-8", "replace"))
                vectors = np.frombuffer(payload, dtype=np.float32).reshape(len(texts), DIM)
                return vectors.copy()
            except (OSError, EOFError, RuntimeError, ValueError) as exc:
                log.debug("encoder helper failed (%s); encoding in this process", exc)
                self._stop()
                return None

    def close(self) -> None:
        """Stop the helper: closing its input ends it (one still loading is killed); waits for
        it to exit, so its resource use is counted as this process's child's."""
        if os.getpid() != self._owner:
            return
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        pid, self._pid = self._pid, None
        if pid is None:
            return
        for stream in (self._requests, self._answers):
            with contextlib.suppress(OSError):
                stream.close()
        if not self._ready:
            _kill(pid)  # still loading, or broken: nothing of value is lost
        deadline = time.monotonic() + _EXIT_WAIT_S
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        if not done:
            _kill(pid)
            os.waitpid(pid, 0)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def serve(config: dict[str, Any], requests: IO[bytes], answers: IO[bytes]) -> None:
    """The helper's loop (see the module docs): load, say so, answer until ``requests``
    closes."""
    from newsprism.features.embed import SentenceEncoder

    try:
        encoder = SentenceEncoder(
            model_path=config["model_path"],
            threads=int(config["threads"]),
            max_tokens=int(config["max_tokens"]),
        )
        encoder.load()
    except Exception as exc:  # reported to the caller, which loads in its own process
        _write_frame(answers, b"E", str(exc).encode("utf-8"))
        return
    _write_frame(answers, b"R", b"")
    while True:
        try:
            kind, payload = _read_frame(requests)
        except EOFError:
            return
        try:
            if kind != b"Q":
                raise ValueError(f"unknown request {kind!r}")
            request = json.loads(payload)
            vectors = encoder.encode(
                list(request["texts"]), int(request["batch_size"]), int(request["batch_tokens"])
            )
        except Exception as exc:  # one bad request: report it, keep serving
            _write_frame(answers, b"E", str(exc).encode("utf-8"))
            continue
        _write_frame(answers, b"V", np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
