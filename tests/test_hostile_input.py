"""Hostile and broken input through the real ingest into a real SQLite file.

Every case ends in a stored article or a one-line failure naming the file (and record); no
case stops the batch (a good file read after it is still stored), and nothing stored holds a
NUL or another control character. Memory is measured where a bomb could blow it up.
Complements ``test_read_bad_input.py`` (reader-level cases) and ``test_clean_properties.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.clean import clean_document
from newsprism.clean.guard import MAX_HTML_ELEMENTS, PARSER_MAX_DEPTH, TooComplex, time_limit
from newsprism.config import Settings
from newsprism.errors import CleanError
from newsprism.models import Article, Failure, Provenance, RawDoc
from newsprism.pipeline import IngestReport, ingest, read_articles
from newsprism.read.base import printable
from newsprism.store import open_store

MB = 1 << 20
CANARY = (
    "The harbour council voted on Monday to close the old swing bridge to traffic.\n\n"
    "Engineers found corrosion in the main cables during a routine inspection last month, "
    "and repairs will take most of the year, the council said in a statement.\n"
)
SENTENCE = "The council voted on Monday to close the old bridge to traffic. "
PARA = "<p>" + SENTENCE * 3 + "</p>"

HOSTILE_CHARS = [
    "\x00",  # NUL: PostgreSQL refuses it in text
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",
    "\u0301",  # combining acute accent
    "\u0336",  # combining long stroke overlay
    "\ufeff",
    "\ufffd",
    "\u2028",
    "\u00ad",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a ZWJ sequence
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "e\u0301\u0301\u0301\u0301\u0301",  # stacked combining marks
]
HOSTILE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_CHARS),
        st.sampled_from([SENTENCE, "\n", "\n\n", " ", "date: 2024-01-02\n", "By Jane Doe\n"]),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    ),
    max_size=40,
).map("".join)


# --------------------------------------------------------------------------- helpers


def run_ingest(paths: list[Path | str], db: Path, **overrides: Any) -> IngestReport:
    with open_store(db) as store:
        return ingest(
            [str(p) for p in paths], store, Settings(**overrides), analyze=False, cluster=False
        )


def stored_texts(db: Path) -> list[str]:
    """Every text value stored in every table."""
    values: list[str] = []
    with sqlite3.connect(db) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                values.extend(v for v in row if isinstance(v, str))
    return values


def check_db(db: Path) -> None:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for value in stored_texts(db):
        assert "\x00" not in value


def check_failures(report: IngestReport, names: list[str]) -> None:
    """Each failure is one line, names one of the inputs, and is not a crash at a boundary."""
    for failure in report.failed:
        line = str(failure)
        assert "\n" not in line and "\r" not in line, line
        assert failure.reason, line
        assert any(failure.where.startswith(name) for name in names), line
        assert not failure.reason.startswith(("unexpected error", "cleaning failed")), line


def assert_canary_stored(report: IngestReport, db: Path) -> None:
    with open_store(db, read_only=True) as store:
        bodies = [a.body for a in store.iter_articles()]
    assert any("swing bridge" in body for body in bodies), report


@contextmanager
def peak_memory() -> Iterator[list[int]]:
    """Peak Python-level allocation (bytes) inside the block, in ``result[0]``."""
    result = [0]
    tracemalloc.start()
    try:
        yield result
    finally:
        result[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def one_case(tmp: Path, name: str, data: bytes, **overrides: Any) -> tuple[IngestReport, Path]:
    """Ingest one hostile file followed by a good one, into a fresh SQLite file."""
    inbox = tmp / "inbox"
    inbox.mkdir(exist_ok=True)
    hostile = inbox / name
    hostile.write_bytes(data)
    canary = inbox / "zzz_canary.txt"
    canary.write_text(CANARY, encoding="utf-8")
    db = tmp / "hostile.db"
    report = run_ingest([hostile, canary], db, **overrides)
    check_failures(report, [printable(str(hostile))])
    check_db(db)
    assert_canary_stored(report, db)
    return report, hostile


def only_failure_of(report: IngestReport) -> Failure:
    assert len(report.failed) == 1, report.failed
    return report.failed[0]


# --------------------------------------------------------------------------- properties


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=HOSTILE_TEXT,
    title=HOSTILE_TEXT,
    kind=st.sampled_from(["txt", "jsonl", "json", "html", "rss", "atom", "warc"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]),
)
def test_hostile_unicode_in_every_format_is_stored_clean_or_refused(
    text: str, title: str, kind: str, encoding: str
) -> None:
    body = text + "\n\n" + SENTENCE * 2
    if kind == "txt":
        data = _encode(f"title: {title}\ndate: 2024-01-02\n\n{body}", encoding)
    elif kind in ("jsonl", "json"):
        record = {"text": body, "title": title, "author": title, "url": title, "x": title}
        data = _encode(json.dumps(record, ensure_ascii=False) + "\n", encoding)
    elif kind == "html":
        page = f"<html><head><title>{title}</title></head><body><article>{PARA}<p>{body}</p>"
        data = _encode(page + "</article></body></html>", encoding)
    elif kind in ("rss", "atom"):
        data = _encode(_feed(kind, title, body), encoding)
    else:
        data = _warc([("https://x.example/a", _encode(f"<html><p>{body}</p>{PARA}", encoding))])
    with tempfile.TemporaryDirectory() as tmp:
        report, _ = one_case(Path(tmp), f"input.{kind}", data)
        db = Path(tmp) / "hostile.db"
        assert report.new >= 1  # at least the canary
        for value in stored_texts(db):  # no control character (tab and line breaks aside)
            assert re.search("[\x00-\x08\x0e-\x1b\x1f\x7f]", value) is None, repr(value)


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                [
                    "café".encode(),
                    "café".encode("cp1252"),
                    "Новости".encode("cp1251"),
                    "Новости".encode(),
                    "日本".encode("shift_jis"),
                    b"\xff\xfe",
                    b"\x00",
                    SENTENCE.encode(),
                    b"\n",
                ]
            ),
            max_size=30,
        ).map(b"".join),
    ),
    ext=st.sampled_from(["", ".txt", ".html", ".jsonl", ".json", ".rss", ".xml", ".warc"]),
)
def test_arbitrary_and_mixed_encoding_bytes_through_ingest(
    tmp_path: Path, data: bytes, ext: str
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        report, _ = one_case(Path(tmp), f"input{ext}", data)
        assert report.new + report.duplicate >= 1
        assert report.read + len(report.failed) >= 1


@settings(max_examples=25, deadline=None)
@given(data=st.one_of(st.binary(max_size=1500), HOSTILE_TEXT.map(str.encode)))
def test_stdin_bytes_never_break_ingest(data: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(data)

    saved = sys.stdin
    sys.stdin = Stdin()  # type: ignore[assignment,unused-ignore]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "stdin.db"
            report = run_ingest(["-"], db)
            check_failures(report, ["-"])
            check_db(db)
            assert report.new + len(report.failed) + report.duplicate >= 1 or not data.strip()
    finally:
        sys.stdin = saved


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_TEXT.map(lambda t: SENTENCE + t + "\n\n" + SENTENCE))
def test_analysis_never_drops_text_silently(text: str) -> None:
    """Sentences lie in the body, in order, without overlapping; with the spans the analysis
    flags as not analysed (symbols, not English, oversized) they cover every letter and digit
    of the body."""
    from newsprism.analyze import analyze_article

    try:
        article = clean_document(RawDoc(Provenance("gen.txt", "text.v1"), text=text))
    except CleanError:
        return
    analysis = analyze_article(article)
    body = article.body
    covered = [False] * len(body)
    pos = 0
    for sentence in (s for s in analysis.sentences if s.field == "body"):
        assert 0 <= sentence.start <= sentence.end <= len(body)
        assert body[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= pos, "sentences overlap or are out of order"
        pos = sentence.end
        covered[sentence.start : sentence.end] = [True] * (sentence.end - sentence.start)
    for flag in (f for f in analysis.flags if f.field == "body"):
        assert body[flag.start : flag.end] == flag.text
        covered[flag.start : flag.end] = [True] * (flag.end - flag.start)
    # pieces without a letter or digit (a lone dash, a direction mark) are not sentences
    dropped = "".join(ch for ch, seen in zip(body, covered, strict=True) if not seen)
    assert not any(ch.isalnum() for ch in dropped), dropped
    for sentence in (s for s in analysis.sentences if s.field == "title"):
        assert (article.title or "")[sentence.start : sentence.end] == sentence.text


# --------------------------------------------------------------------------- controls


def test_nul_and_controls_are_replaced_and_recorded(tmp_path: Path) -> None:
    record = {
        "text": "The council\x00 voted on Monday\x01 to close the old bridge to traffic.\x7f "
        + SENTENCE,
        "title": "Bridge\x00 closes\x07",
        "author": "Jane\x00 Doe",
        "url": "https://x.example/a\x00b",
        "extra\x00key": "v\x00al",
        "html": "ignored",
    }
    report, _ = one_case(tmp_path, "nul.jsonl", json.dumps(record).encode())
    assert report.new == 2 and not report.failed
    (article,) = [
        a for a in read_articles([str(tmp_path / "inbox" / "nul.jsonl")]) if isinstance(a, Article)
    ]
    assert (article.title, article.author) == ("Bridge closes", "Jane Doe")
    assert article.metadata["control_chars_replaced"] == "9"
    assert "extra key" in article.metadata
    assert "\x00" not in article.source_text + article.body + (article.url or "")


def test_nul_inside_html_of_a_record(tmp_path: Path) -> None:
    page = (
        f"<html><body><article>{PARA}<p>More\x00 text\x00 here.</p>{PARA}</article></body></html>"
    )
    report, _ = one_case(tmp_path, "page.jsonl", json.dumps({"html": page}).encode())
    assert report.new == 2, report.failed


def test_a_file_name_with_a_newline_gives_a_one_line_failure(tmp_path: Path) -> None:
    report, _ = one_case(tmp_path, "bad\nname\x1b.txt", bytes(range(256)) * 4)
    failure = only_failure_of(report)
    assert failure.where.endswith("bad\\nname\\x1b.txt")
    assert failure.reason == "binary data, not text"


# --------------------------------------------------------------------------- sizes and depth


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("one_line.txt", (SENTENCE * 80_000).encode()),  # 5 MB, one line
        ("no_spaces.txt", b"x" * (2 * MB)),
        ("long_words.txt", (("y" * 100_000 + " ") * 20).encode()),
        ("long_line.jsonl", json.dumps({"text": SENTENCE * 40_000}).encode()),
        ("long_line.html", f"<html><body><p>{SENTENCE * 40_000}</p></body></html>".encode()),
    ],
)
def test_extremely_long_lines(tmp_path: Path, name: str, data: bytes) -> None:
    report, _ = one_case(tmp_path, name, data)
    assert report.new + len(report.failed) == 2  # the file gives an article or a failure


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "deep.html",
            "<html><body>" + "<div>" * 10_000 + PARA + "</div>" * 10_000 + "</body></html>",
            f"record too complex: HTML nested more than {PARSER_MAX_DEPTH} levels deep",
        ),
        (
            "deep_unclosed.html",
            "<html><body>" + "<b><i>" * 20_000 + PARA + "</body></html>",
            f"record too complex: HTML nested more than {PARSER_MAX_DEPTH} levels deep",
        ),
        (
            "wide.html",
            "<html><body>" + "<div>x</div>" * 100_000 + PARA + "</body></html>",
            f"record too complex: more than {MAX_HTML_ELEMENTS:,} HTML elements",
        ),
        (
            "wide_in_record.jsonl",
            json.dumps({"html": "<p>" + "<span>a</span>" * 100_000 + "</p>" + PARA}),
            f"record too complex: more than {MAX_HTML_ELEMENTS:,} HTML elements",
        ),
    ],
)
def test_deep_and_wide_html_is_refused_with_a_reason(
    tmp_path: Path, name: str, data: str, reason: str
) -> None:
    report, hostile = one_case(tmp_path, name, data.encode())
    failure = only_failure_of(report)
    assert failure.where.startswith(str(hostile)) and failure.reason == reason
    assert report.new == 1


def test_html_just_inside_the_depth_limit_is_read(tmp_path: Path) -> None:
    depth = PARSER_MAX_DEPTH - 10
    page = "<html><body>" + "<div>" * depth + PARA + "</div>" * depth + "</body></html>"
    report, _ = one_case(tmp_path, "deep_ok.html", page.encode())
    assert report.new == 2 and not report.failed


# hypothesis's garbage-collector callback may be running when the alarm fires: Python ignores
# an exception raised there (this warning), and the next tick raises it again
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_cleaning_time_cap_fails_one_record_and_the_batch_goes_on(tmp_path: Path) -> None:
    # under the element cap, but far too slow for a 0.2 s budget on any machine
    page = "<html><body>" + "<div><span>x</span></div>" * 20_000 + PARA + "</body></html>"
    clean_document(RawDoc(Provenance("warm.txt", "text.v1"), text=CANARY))  # load word lists
    report, hostile = one_case(tmp_path, "slow.html", page.encode(), max_clean_seconds=0.2)
    failure = only_failure_of(report)
    assert str(failure) == f"{hostile}: record too complex: cleaning took more than 0.2 s"
    assert report.new == 1


def test_time_limit_interrupts_python_and_restores_the_previous_handler() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    message = r"^record too complex: spinning took more than 0.05 s$"
    with pytest.raises(TooComplex, match=message), time_limit(0.05, "spinning") as enforced:
        assert enforced
        while True:
            pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    with time_limit(5) as enforced:  # finishing in time leaves no alarm behind
        assert enforced
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0.0


def test_a_deadline_inside_a_destructor_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An alarm that fires inside ``__del__`` cannot raise there (Python hands the exception
    to ``sys.unraisablehook``, which prints it); the hook drops the alarm's own silently and
    the next tick raises it in ordinary code. (Found in a CI run: pytest's hook, formatting
    such an exception, was itself interrupted by the next tick.)"""
    import time

    class SlowToDie:
        def __del__(self) -> None:
            end = time.monotonic() + 0.15
            while time.monotonic() < end:
                pass

    unraisable: list[Any] = []  # what would have been printed
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(TooComplex), time_limit(0.05, "dying") as enforced:
        assert enforced
        for _ in range(3):
            SlowToDie()  # dropped at once: its __del__ runs past the deadline
        while True:
            pass
    assert unraisable == []
    assert sys.unraisablehook == unraisable.append  # given back


@pytest.mark.slow
def test_html_memory_stays_bounded_in_a_subprocess(tmp_path: Path) -> None:
    """Peak resident memory (ru_maxrss) of cleaning deep and wide pages, in a fresh process."""
    script = textwrap.dedent(
        f"""
        import resource
        from newsprism.clean import clean_document
        from newsprism.errors import CleanError
        from newsprism.models import Provenance, RawDoc
        para = {PARA!r}
        def rss():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        clean_document(RawDoc(Provenance("w.html", "html.v1"), html="<p>" + para + "</p>"))
        base = rss()
        for html in (
            "<div>" * 100_000 + para,
            "<p>" + "<span>a</span>" * 49_000 + "</p>" + para,
            "<p>" + "<b>" * 200_000,
            "<table>" * 30_000,
        ):
            try:
                clean_document(RawDoc(Provenance("x.html", "html.v1"), html=html))
            except CleanError:
                pass
        print(base, rss())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    base, peak = map(int, out.stdout.split())
    assert peak - base < 400, (base, peak)  # MiB


@pytest.mark.parametrize("levels", [10_000, 100_000])
def test_json_nested_10k_levels_in_a_batch(tmp_path: Path, levels: int) -> None:
    deep = "[" * levels + "]" * levels
    lines = [
        json.dumps({"text": CANARY.replace("swing", "first")}),
        '{"text": "' + SENTENCE + '", "meta": ' + deep + "}",
        '{"a":' * levels + "1" + "}" * levels,
        json.dumps({"text": SENTENCE * 2}),
    ]
    report, hostile = one_case(tmp_path, "deep.jsonl", "\n".join(lines).encode())
    assert [str(f) for f in report.failed] == [
        f"{hostile} line 2: malformed JSON: nested too deeply",
        f"{hostile} line 3: malformed JSON: nested too deeply",
    ]
    assert report.new == 3
    report, hostile = one_case(tmp_path, "deep.json", ("[" + deep + "]").encode())
    assert only_failure_of(report).reason.startswith("malformed JSON: nested too deeply")


# --------------------------------------------------------------------------- feeds


def _feed(kind: str, title: str, body: str, prolog: str = "") -> str:
    esc = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    title = "".join(esc.get(c, c) for c in title)
    body = "".join(esc.get(c, c) for c in body)
    if kind == "atom":
        return (
            f'<?xml version="1.0" encoding="utf-8"?>{prolog}'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
            f"<entry><title>{title}</title><id>urn:x:1</id>"
            f'<content type="html">{body}</content></entry></feed>'
        )
    return (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{title}</title><description>{body}</description></item>"
        "</channel></rss>"
    )


LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' if i else '<!ENTITY lol0 "lol">' for i in range(10)
)


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("ext", [".rss", ".xml", ".rss.gz"])
def test_billion_laughs_feed_is_not_expanded(tmp_path: Path, kind: str, ext: str) -> None:
    root = "rss" if kind == "rss" else "feed"
    feed = _feed(kind, "Laughs", "", prolog=f"<!DOCTYPE {root} [{LAUGHS}]>")
    feed = feed.replace(
        "<description></description>", f"<description>&lol9; {SENTENCE}</description>"
    )
    feed = feed.replace(
        '<content type="html"></content>', f'<content type="html">&lol9; {SENTENCE}</content>'
    )
    data = feed.encode()
    with peak_memory() as peak:
        report, _ = one_case(
            tmp_path, "laughs" + ext, gzip.compress(data) if ext.endswith(".gz") else data
        )
    assert peak[0] < 50 * MB
    for value in stored_texts(tmp_path / "hostile.db"):
        assert "lollollol" not in value
    assert report.new == 2, report.failed


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        '<!DOCTYPE {root} [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
        '<!DOCTYPE {root} SYSTEM "file://{secret}">',
        '<!DOCTYPE {root} [<!ENTITY a "]>"><!ENTITY xxe SYSTEM "file://{secret}">]>',
    ],
)
def test_external_entities_are_never_read(tmp_path: Path, kind: str, doctype: str) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:TOPSECRET-7731:/root:/bin/sh\n")
    root = "rss" if kind == "rss" else "feed"
    prolog = doctype.format(root=root, secret=secret)
    feed = _feed(kind, "Entities", "", prolog=prolog)
    feed = feed.replace(
        "<description></description>", f"<description>&xxe; {SENTENCE}</description>"
    )
    feed = feed.replace(
        '<content type="html"></content>', f'<content type="html">&xxe; {SENTENCE}</content>'
    )
    report, _ = one_case(tmp_path, "xxe.rss", feed.encode())
    assert report.new + len(report.failed) == 2
    for value in stored_texts(tmp_path / "hostile.db"):
        assert "TOPSECRET" not in value


def test_deeply_nested_feed(tmp_path: Path) -> None:
    inner = "<div>" * 10_000 + SENTENCE + "</div>" * 10_000
    feed = _feed("rss", "Deep", "x").replace(
        "<description>x</description>", f"<description><![CDATA[{inner}]]></description>"
    )
    feed = feed.replace("</item>", "</item>" + "<x>" * 10_000 + "</x>" * 10_000)
    report, _ = one_case(tmp_path, "deep.rss", feed.encode())
    assert report.new + len(report.failed) == 2


# --------------------------------------------------------------------------- WARC


def _warc_record(uri: str, body: bytes, declared: int | None = None) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    length = len(http) if declared is None else declared
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def _warc(items: list[tuple[str, bytes]], gz: bool = False) -> bytes:
    records = [_warc_record(uri, body) for uri, body in items]
    return b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)


def _bomb_member(uri: str, size: int, declared: int | None) -> bytes:
    """One gzip member: a response record whose body is ``size`` bytes of one letter."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    length = len(http) + size if declared is None else declared
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head + http)]
    chunk = b"a" * MB
    parts.extend(packer.compress(chunk) for _ in range(size // MB))
    parts.append(packer.compress(b"\r\n\r\n") + packer.flush())
    return b"".join(parts)


GOOD_PAGE = f"<html><body><article>{PARA}{PARA}</article></body></html>".encode()


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (None, "too large: decompressed data exceeds max_file_bytes"),
        (100, "malformed WARC record: its Content-Length does not match its data"),
    ],
)
def test_warc_gzip_bomb(tmp_path: Path, declared: int | None, expected: str) -> None:
    data = _bomb_member("https://x.example/bomb", 100 * MB, declared)
    data += gzip.compress(_warc_record("https://x.example/after", GOOD_PAGE))
    assert len(data) < MB
    with peak_memory() as peak:
        report, _ = one_case(
            tmp_path, "bomb.warc.gz", data, max_record_bytes=MB, max_file_bytes=32 * MB
        )
    assert peak[0] < 100 * MB  # 860 MB before warcio's lines were bounded
    assert [f.reason for f in report.failed] == [f"{expected} ({32 * MB} bytes)"] or [
        f.reason for f in report.failed
    ] == [expected]
    if declared is not None:  # the record after the liar is still read
        assert report.new == 2


def test_jsonl_gzip_bomb_through_ingest(tmp_path: Path) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(json.dumps({"text": CANARY.replace("swing", "gz")}).encode() + b"\n")]
    parts.extend(packer.compress(b" " * MB) for _ in range(64))
    data = b"".join(parts) + packer.flush()
    with peak_memory() as peak:
        report, _ = one_case(
            tmp_path, "bomb.jsonl.gz", data, max_record_bytes=MB, max_file_bytes=16 * MB
        )
    assert peak[0] < 40 * MB
    assert report.new == 2
    assert report.failed[-1].reason.startswith("too large")


VALID_WARC = _warc([("https://x.example/1", GOOD_PAGE), ("https://x.example/2", GOOD_PAGE)])


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gz=st.booleans(),
    cut=st.integers(0, len(VALID_WARC)),
    junk=st.binary(max_size=64),
    at=st.integers(0, len(VALID_WARC)),
    length=st.sampled_from([None, "0", "-5", "99999999999", "abc", "12"]),
)
def test_malformed_warc_records(
    tmp_path: Path, gz: bool, cut: int, junk: bytes, at: int, length: str | None
) -> None:
    records = [_warc_record(f"https://x.example/{i}", GOOD_PAGE) for i in range(3)]
    middle = records[1][: at % len(records[1])] + junk + records[1][at % len(records[1]) :]
    if length is not None:
        middle = re.sub(
            rb"Content-Length: \d+", f"Content-Length: {length}".encode(), middle, count=1
        )
    parts = [records[0], middle[: cut % (len(middle) + 1)], records[2]]
    data = b"".join(gzip.compress(p) if gz else p for p in parts)
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        report, hostile = one_case(Path(tmp), "bad.warc" + (".gz" if gz else ""), data)
        for failure in report.failed:
            assert re.fullmatch(rf"{re.escape(str(hostile))}( offset \d+)?", failure.where)
        assert report.new >= 1  # the canary, whatever happened to the WARC
