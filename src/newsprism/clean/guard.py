"""Limits that keep one hostile record from stalling or exhausting a whole ingest.

* ``time_limit``: a wall-clock cap on cleaning one record, enforced with ``SIGALRM`` (POSIX,
  main thread only: elsewhere, e.g. in a web server's worker thread, it is a no-op and only the
  structural limits below apply). When the alarm of some other code is already armed, it is
  left alone and this cap is not enforced.
* ``check_markup``: before an HTML page reaches lxml/trafilatura, too many elements are
  refused (trafilatura's time grows faster than linearly in them: measured on the 2-core
  development machine, 3 x 10^4 elements take about 4 s and 10^5 between 13 and 30 s).
* ``check_depth``: after parsing, a tree as deep as the parser's own limit is refused: libxml2
  stops building the tree at that depth and silently drops everything after it.

Each limit raises ``TooComplex``, a ``CleanError`` whose message starts with
``record too complex:``.
"""

from __future__ import annotations

import functools
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from types import FrameType
from typing import Any

from newsprism.errors import CleanError

MAX_HTML_ELEMENTS = 50_000
"""Start tags an HTML page may have (news pages have a few thousand)."""
PARSER_MAX_DEPTH = 255
"""libxml2's HTML parser gives no element more than this many ancestors (without
``huge_tree``): a tree that reaches it may have lost its deeper part."""

_RETRY = 0.05
_START_TAG = re.compile(r"<[A-Za-z]")


class TooComplex(CleanError):
    """A record over a complexity limit; the message is one line."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"record too complex: {detail}")


class _Deadline(BaseException):
    """Raised by the alarm; a ``BaseException`` so that libraries' ``except Exception``
    blocks do not swallow it."""


def _alarm_free() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0.0


class _Alarm:
    """``SIGALRM`` every ``_RETRY`` seconds after the first ``seconds``, until stopped: an
    exception raised where Python ignores it (a garbage-collector callback, ``__del__``) is
    simply raised again at the next tick. Python hands such an ignored exception to
    ``sys.unraisablehook``, which would print it; while armed, the alarm's own are dropped
    there silently, and no tick interrupts the hook of someone else's."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.in_hook = False
        self.previous: Any = signal.SIG_DFL
        self.previous_hook: Any = sys.unraisablehook

    def start(self) -> None:
        previous = signal.signal(signal.SIGALRM, self._fire)
        self.previous = signal.SIG_DFL if previous is None else previous
        self.previous_hook = sys.unraisablehook
        sys.unraisablehook = self._unraisable
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds, _RETRY)

    def _fire(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            if self.in_hook:
                return  # the next tick raises it, out of the hook
            raise _Deadline
        if callable(self.previous):  # a tick after stop() began: not ours to handle
            self.previous(signum, frame)

    def _unraisable(self, info: Any) -> None:
        if isinstance(info.exc_value, _Deadline):
            return  # ignored where it was raised; the next tick raises it again
        self.in_hook = True
        try:
            self.previous_hook(info)
        finally:
            self.in_hook = False

    def stop(self) -> None:
        self.armed = False  # first: from here on a tick does nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        if sys.unraisablehook == self._unraisable:
            sys.unraisablehook = self.previous_hook


@contextmanager
def time_limit(seconds: float, what: str = "cleaning") -> Iterator[bool]:
    """Raise ``TooComplex`` when the body runs longer than ``seconds``. Yields whether the cap
    is enforced (see the module docstring for when it is not)."""
    if seconds <= 0 or not _alarm_free():
        yield False
        return
    alarm = _Alarm(seconds)
    try:
        try:
            alarm.start()
            yield True
        finally:
            alarm.stop()
    except _Deadline:  # also one raised by a tick while the finally above ran
        alarm.stop()
        raise TooComplex(f"{what} took more than {seconds:g} s") from None


def check_markup(html: str, max_elements: int = MAX_HTML_ELEMENTS) -> None:
    """Refuse a page with more than ``max_elements`` start tags, without parsing it."""
    tags = _START_TAG.finditer(html)
    if next(islice(tags, max_elements, None), None) is not None:
        raise TooComplex(f"more than {max_elements:,} HTML elements")


def check_depth(tree: Any, limit: int = PARSER_MAX_DEPTH) -> None:
    """Refuse a parsed tree that reaches the parser's depth limit (the rest was dropped).

    One compiled XPath (``/*/*/…``, ``limit + 1`` steps) asks whether any element lies deeper
    than ``limit``: evaluated in libxml2, about 4× cheaper than walking the tree in Python."""
    if _deeper_than(limit)(tree):
        raise TooComplex(f"HTML nested more than {limit} levels deep")


@functools.lru_cache(maxsize=4)
def _deeper_than(limit: int) -> Any:
    from lxml import etree

    return etree.XPath("boolean(" + "/*" * (limit + 1) + ")")
