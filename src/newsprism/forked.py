"""A function run in a forked child process, its return value handed back.

For one-shot commands, which spend their first second loading models on one core:
``newsprism compare`` reads and cleans its files in a child (:class:`ForkedCall`) while its own
process loads the parser, and the sentence encoder loads in another child
(:mod:`newsprism.features.embed_helper`).

The child is a fork, so it starts at once with everything this process has imported, and it
needs nothing from it but the function and its arguments. Only the return value (or the
exception) comes back: pickled over a pipe by a child running this same code, so no bytes from
elsewhere are unpickled. Where this process cannot fork (not POSIX, or several threads running),
or the child ends without an answer (killed, out of memory, an unpicklable result), the function
runs in this process when its result is asked for: the same result, or the same error with its
usual message.
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
        """The function's return value, or its exception raised here; once only."""
        pid, answers = self._pid, self._answers
        self._pid = self._answers = None
        if pid is None or answers is None:
            return self._fn(*self._args)
        with os.fdopen(answers, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
        try:
            ok, value = pickle.loads(data)
        except Exception as exc:  # no answer: the child died, or its result did not pickle
            log.debug(
                "%s: no answer from its child (%s, exit status %s); running it here",
                _name(self._fn),
                exc,
                status,
            )
            return self._fn(*self._args)
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

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
    """``fn(*args)`` pickled as ``(True, value)`` or ``(False, exception)``; empty when it does
    not pickle (the caller then runs ``fn`` itself, as it does when unpickling fails)."""
    try:
        outcome: tuple[bool, Any] = (True, fn(*args))
    except Exception as exc:
        outcome = (False, exc)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return b""


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", repr(fn))
