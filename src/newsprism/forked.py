"""A function run in a forked child process, its return value handed back.

For one-shot commands, which spend their first second loading models on one core:
``newsprism compare`` reads and cleans its files in a child (:class:`ForkedCall`) while its own
process loads the parser, and the sentence encoder loads in another child
(:mod:`newsprism.features.embed_helper`).

The child is a fork, so it starts at once with everything this process has imported, and it
needs nothing from it but the function and its arguments. Only the return value comes back:
pickled over a pipe by a child running this same code, so no bytes from elsewhere are
unpickled. The child ignores Ctrl-C (SIGINT reaches the whole process group): this process
stops it. Where this process cannot fork (not POSIX, or several threads running), the function
runs in this process when its result is asked for. So it does when the child raises, ends
without an answer (killed, out of memory) or returns something that does not pickle: the same
result, or the error raised here with its own type, message and traceback. The function must
therefore be safe to run twice (reading, parsing: no side effects).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class ForkedCall(Generic[T]):
    """``fn(*args)`` started in a forked child by the constructor; :meth:`result` waits for
    it. Use it as a context manager, or call :meth:`close`, to stop a child whose result is
    not wanted."""

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self._fn = fn
        self._args = args
        self._pid: int | None = None
        self._answers: int | None = None
        if not can_fork():
            log.debug("cannot fork here: %s will run in this process", _name(fn))
            return
        answers_in, answers_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller stops it
                os.close(answers_in)
                os.dup2(2, 1)  # nothing it prints may reach the caller's standard output
                with os.fdopen(answers_out, "wb") as out:
                    out.write(_outcome(fn, args))
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the caller's buffers
        os.close(answers_out)
        self._pid, self._answers = pid, answers_in

    @property
    def forked(self) -> bool:
        """Whether a child runs (or ran) the function; False: it runs here, in :meth:`result`."""
        return self._pid is not None

    def result(self) -> T:
        """The function's return value (see the module docs); call it once."""
        pid, answers = self._pid, self._answers
        if pid is None or answers is None:
            return self._fn(*self._args)
        try:
            data = _read_all(answers)
            _, status = os.waitpid(pid, 0)
        except BaseException:  # interrupted: the child is stopped, not left running
            self.close()
            raise
        self._pid, self._answers = None, None
        os.close(answers)
        try:
            value = pickle.loads(data)
        except Exception as exc:  # no answer: it raised, died, or its result did not pickle
            log.debug(
                "%s: no answer from its child (%s, exit status %s); running it here",
                _name(self._fn),
                exc,
                status,
            )
            return self._fn(*self._args)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the child if it still runs (its result is lost)."""
        pid, answers = self._pid, self._answers
        self._pid = self._answers = None
        if answers is not None:
            os.close(answers)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def __enter__(self) -> ForkedCall[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def can_fork() -> bool:
    """Whether this process may fork a child: a POSIX system, and this thread the only one."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _outcome(fn: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """``fn(*args)`` pickled; empty when it raises or its value does not pickle (the caller
    then runs ``fn`` itself, and an error is raised there as it would be)."""
    try:
        return pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return b""


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", repr(fn))
