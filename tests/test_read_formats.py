"""HTML, JSON lines, JSON arrays, feeds, WARC, folders and standard input."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.config import Settings
from newsprism.models import Failure, RawDoc
from newsprism.read import detect_reader, iter_documents, records

FIXTURES = Path(__file__).parent / "fixtures" / "read"


def read_all(*paths: Path | str, **overrides: Any) -> list[RawDoc | Failure]:
    return list(iter_documents([str(p) for p in paths], Settings(**overrides)))


def docs_of(items: list[RawDoc | Failure]) -> list[RawDoc]:
    return [item for item in items if isinstance(item, RawDoc)]


def failures_of(items: list[RawDoc | Failure]) -> list[Failure]:
    return [item for item in items if isinstance(item, Failure)]


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"<html><body>x</body></html>", "text.v1"),
        ("a.html", b"plain words", "html.v1"),
        ("a.HTM", b"", "html.v1"),
        ("a.jsonl.gz", b'{"text": "x"}\n', "jsonl.v1"),
        ("a.ndjson", b"", "jsonl.v1"),
        ("a.json", b'[{"text": "x"}]', "json.v1"),
        ("a.json", b'{"text": "x"}\n{"text": "y"}\n', "jsonl.v1"),
        ("a.json", b'{\n  "text": "x"\n}\n', "json.v1"),
        ("a.rss", b"", "feed.v1"),
        ("a.xml", b"<?xml version='1.0'?><rss version='2.0'><channel>", "feed.v1"),
        ("a.xml", b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", "feed.v1"),
        ("a.xml", b"<?xml version='1.0'?><html><body>", "html.v1"),
        ("a.xml", b"<?xml version='1.0'?><config><a/></config>", None),
        ("a.warc.gz", b"WARC/1.0\r\n", "warc.v1"),
        ("noext", b"WARC/1.1\r\n", "warc.v1"),
        ("noext", b"  <!DOCTYPE html><html>", "html.v1"),
        ("noext", b'{"text": "x"}\n', "jsonl.v1"),
        ("noext", b"Plain words of a story.\n", "text.v1"),
        ("noext", b"\x89PNG\r\n\x1a\n\x00\x00", None),
        ("Dr. Smith", b"Plain words.", "text.v1"),
        ("picture.png", b"Plain words.", "text.v1"),
    ],
)
def test_detect_reader(name: str, head: bytes, expected: str | None) -> None:
    assert detect_reader(Path(name), head) == expected


# --------------------------------------------------------------------------- HTML


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>Caf\u00e9 \u201cquote\u201d</body></html>'
    (tmp_path / "p.html").write_bytes(page.encode("cp1252"))
    doc = docs_of(read_all(tmp_path / "p.html"))[0]
    assert doc.html == page and doc.text is None
    assert doc.provenance.reader == "html.v1" and doc.provenance.path == str(tmp_path / "p.html")
    assert doc.metadata["encoding"] == "cp1252"


def test_html_wrong_declaration_bom_and_detection(tmp_path: Path) -> None:
    wrong = "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'><p>café</p>"
    (tmp_path / "wrong.htm").write_bytes(wrong.encode("latin-1"))
    (tmp_path / "bom.html").write_bytes(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>")
    (tmp_path / "page").write_bytes(b"<!doctype html><html><body><p>sniffed</p></body></html>")
    items = read_all(tmp_path / "wrong.htm", tmp_path / "bom.html", tmp_path / "page")
    html = [d.html for d in docs_of(items)]
    assert html == [wrong, "<p>café</p>", "<!doctype html><html><body><p>sniffed</p></body></html>"]


def test_gzipped_html(tmp_path: Path) -> None:
    (tmp_path / "p.html.gz").write_bytes(gzip.compress(b"<html><body>zipped</body></html>"))
    doc = docs_of(read_all(tmp_path / "p.html.gz"))[0]
    assert doc.html == "<html><body>zipped</body></html>"


# --------------------------------------------------------------------------- JSON lines


RECORD = {
    "id": 17,
    "text": "The council voted on Tuesday.",
    "title": "Ferry timetable",
    "url": "https://harbour.example/ferry",
    "date": "2024-04-02",
    "source": {"name": "Harbour Daily"},
    "author": ["Mara Quill", "Ines Okafor"],
    "lang": "en",
    "nested": {"ignored": True},
}


def test_jsonl_fields_and_locators(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORD),
        "",
        json.dumps({"html": "<p>Second</p>", "outlet": "Valley Courier", "published": "x"}),
    ]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = docs_of(read_all(tmp_path / "dump.jsonl"))
    assert first.text == RECORD["text"] and first.html is None
    assert (first.title, first.url, first.published) == (
        "Ferry timetable",
        "https://harbour.example/ferry",
        "2024-04-02",
    )
    assert first.outlet == "Harbour Daily" and first.author == "Mara Quill, Ines Okafor"
    assert first.record_id == "17" and first.metadata == {"lang": "en"}
    assert first.provenance.locator == "line 1" and first.provenance.reader == "jsonl.v1"
    assert first.provenance.url == "https://harbour.example/ferry"
    assert second.html == "<p>Second</p>" and second.text is None
    assert second.outlet == "Valley Courier" and second.published == "x"
    assert second.provenance.locator == "line 3"


def test_jsonl_gz_and_text_preferred_over_html(tmp_path: Path) -> None:
    data = json.dumps({"text": "Kept text", "html": "<p>ignored</p>"}) + "\n"
    (tmp_path / "d.ndjson.gz").write_bytes(gzip.compress(data.encode()))
    doc = docs_of(read_all(tmp_path / "d.ndjson.gz"))[0]
    assert doc.text == "Kept text" and doc.html is None


# --------------------------------------------------------------------------- JSON arrays


def test_json_array_records(tmp_path: Path) -> None:
    data = [RECORD, {"text": "two", "date": "2024-04-03"}, {"title": "nothing"}]
    (tmp_path / "a.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    items = read_all(tmp_path / "a.json")
    assert [i.provenance.locator for i in docs_of(items)] == ["record 1", "record 2"]
    assert docs_of(items)[0].outlet == "Harbour Daily"
    assert [str(f) for f in failures_of(items)] == [
        f"{tmp_path / 'a.json'} record 3: record has neither text nor html"
    ]


def test_json_array_streams_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = [
        {"text": f"story {i} " + "é" * (i % 7), "id": 10**i, "score": i / 3, "tags": ["a", None]}
        for i in range(40)
    ]
    (tmp_path / "a.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(records, "_CHUNK", 7)  # every element spans many reads
    docs = docs_of(read_all(tmp_path / "a.json"))
    assert [d.text for d in docs] == [r["text"] for r in data]
    assert [d.record_id for d in docs] == [str(r["id"]) for r in data]
    assert [d.metadata["score"] for d in docs] == [str(r["score"]) for r in data]


def test_json_single_object_and_lines_in_a_json_file(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text('{\n  "text": "only one"\n}\n')
    (tmp_path / "lines.json").write_text('{"text": "a"}\n{"text": "b"}\n')
    one = docs_of(read_all(tmp_path / "one.json"))
    assert [(d.text, d.provenance.locator, d.provenance.reader) for d in one] == [
        ("only one", "record 1", "json.v1")
    ]
    lines = docs_of(read_all(tmp_path / "lines.json"))
    assert [(d.text, d.provenance.locator) for d in lines] == [("a", "line 1"), ("b", "line 2")]


# --------------------------------------------------------------------------- feeds


def test_rss_feed_entries(tmp_path: Path) -> None:
    items = read_all(FIXTURES / "wire.rss")
    first, third = docs_of(items)
    assert first.provenance.locator == "entry 1" and first.provenance.reader == "feed.v1"
    assert first.provenance.url == first.url == "https://harbour.example/news/ferry"
    assert first.html == "<p>The council voted on Tuesday to add two evening sailings.</p>"
    assert first.outlet == "Harbour Daily" and first.title == "Council approves new ferry timetable"
    assert first.published == "Tue, 02 Apr 2024 09:30:00 GMT"
    assert first.metadata["published_parsed"] == "2024-04-02T09:30:00Z"
    # full content wins over the teaser; scripts are removed by feedparser's sanitiser
    assert third.provenance.locator == "entry 3"
    assert third.html is not None and "high winds" in third.html and "track()" not in third.html
    assert [str(f) for f in failures_of(items)] == [
        f"{FIXTURES / 'wire.rss'} entry 2: entry has neither content nor summary"
    ]


def test_atom_feed_plain_text_content(tmp_path: Path) -> None:
    target = tmp_path / "courier.xml"
    target.write_bytes((FIXTURES / "wire.atom").read_bytes())
    (doc,) = read_all(target)
    assert isinstance(doc, RawDoc)
    assert doc.text is not None and doc.text.startswith("Engineers reopened the river bridge")
    assert doc.html is None
    assert (doc.outlet, doc.author, doc.published) == (
        "Valley Courier",
        "Ines Okafor",
        "2024-04-02T12:00:00Z",
    )
    assert doc.record_id == "urn:example:valley-courier:1"


def test_feed_reader_never_touches_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    (tmp_path / "url.rss").write_text("http://127.0.0.1:9/feed.xml")
    (tmp_path / "path.rss").write_text(str(FIXTURES / "wire.rss"))
    items = read_all(tmp_path / "url.rss", tmp_path / "path.rss")
    assert all(isinstance(i, Failure) for i in items), items
    assert all("not a valid RSS/Atom feed" in i.reason for i in failures_of(items))


# --------------------------------------------------------------------------- WARC


def html_response(
    uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html"
) -> tuple[str, str, str, bytes]:
    return uri, status, ctype, body


def build_warc(items: list[tuple[str, str, str, bytes]], gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for uri, status, ctype, body in items:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


WARC_ITEMS = [
    html_response(
        "https://harbour.example/a",
        "<html><body><p>Caf\u00e9 opens</p></body></html>".encode("latin-1"),
        ctype="text/html; charset=ISO-8859-1",
    ),
    html_response("https://harbour.example/missing", b"<html>gone</html>", status="404 Not Found"),
    html_response("https://harbour.example/logo.png", b"\x89PNG\r\n", ctype="image/png"),
    html_response(
        "https://harbour.example/b",
        b"<html><head><meta charset='utf-8'></head><body>Second \xe2\x80\x94 page</body></html>",
        ctype="application/xhtml+xml",
    ),
]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_only(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    data = build_warc(WARC_ITEMS, gz)
    path.write_bytes(data)
    items = read_all(path)
    assert failures_of(items) == []
    first, second = docs_of(items)
    assert first.html == "<html><body><p>Café opens</p></body></html>"
    assert second.html is not None and "Second \u2014 page" in second.html
    assert [d.url for d in (first, second)] == [
        "https://harbour.example/a",
        "https://harbour.example/b",
    ]
    assert first.published is None and first.metadata["warc_date"].startswith("20")
    assert first.record_id is not None and first.record_id.startswith("<urn:uuid:")
    # the locator is the record's real offset: warcio finds the same record there
    for doc in (first, second):
        assert doc.provenance.reader == "warc.v1"
        assert doc.provenance.locator is not None
        offset = int(doc.provenance.locator.removeprefix("offset "))
        record = next(iter(ArchiveIterator(io.BytesIO(data[offset:]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == doc.url


@pytest.mark.parametrize("gz", [False, True])
def test_warc_malformed_record_then_reading_goes_on(tmp_path: Path, gz: bool) -> None:
    good = build_warc(WARC_ITEMS[:1], gz)
    tail = build_warc(WARC_ITEMS[3:], gz)
    junk = b"GARBAGE LINE\r\nnot a record\r\n\r\n"
    path = tmp_path / ("bad.warc.gz" if gz else "bad.warc")
    path.write_bytes(good + (gzip.compress(junk) if gz else junk) + tail)
    items = read_all(path)
    assert [d.url for d in docs_of(items)] == [
        "https://harbour.example/a",
        "https://harbour.example/b",
    ]
    (failure,) = failures_of(items)
    assert failure.where == f"{path} offset {len(good)}"
    assert failure.reason.startswith("malformed WARC record")


@pytest.mark.parametrize("gz", [False, True])
def test_warc_truncated(tmp_path: Path, gz: bool) -> None:
    data = build_warc(WARC_ITEMS[:1] + WARC_ITEMS[3:], gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[:-40])
    items = read_all(path)
    assert [d.url for d in docs_of(items)] == ["https://harbour.example/a"]
    (failure,) = failures_of(items)
    assert "offset" in failure.where and "truncated" in failure.reason


# --------------------------------------------------------------------------- folders


def test_folder_recursive_hidden_and_unknown_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a.txt").write_text("First story.\n")
    (root / "sub" / "b.jsonl").write_text('{"text": "Second story."}\n')
    (root / "sub" / "deeper" / "c.html").write_text("<html><body>Third</body></html>")
    (root / "sub" / "noext").write_text("Fourth story, sniffed as text.\n")
    (root / ".hidden.txt").write_text("hidden\n")
    (root / ".git" / "x.txt").write_text("hidden too\n")
    (root / "notes.csv").write_text("a,b\n1,2\n")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (root / "blob").write_bytes(os.urandom(64) + b"\x00")
    with caplog.at_level(logging.INFO, logger="newsprism.read"):
        items = read_all(root)
    assert failures_of(items) == []
    assert [(Path(d.provenance.path).name, d.provenance.reader) for d in docs_of(items)] == [
        ("a.txt", "text.v1"),
        ("b.jsonl", "jsonl.v1"),
        ("c.html", "html.v1"),  # sub/deeper/ sorts between sub/b.jsonl and sub/noext
        ("noext", "text.v1"),
    ]
    assert docs_of(items)[0].provenance.path == str(root / "a.txt")
    notes = " ".join(r.getMessage() for r in caplog.records)
    assert "notes.csv" in notes and "logo.png" in notes and "blob" in notes
    assert ".hidden.txt" not in notes and ".git" not in notes  # skipped silently


def test_folder_known_extension_but_broken_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    items = read_all(tmp_path)
    assert sorted(str(f) for f in items) == [
        f"{tmp_path / 'empty.txt'}: empty file",
        f"{tmp_path / 'fake.html'}: binary data, not text",
    ]


def test_symlinks_outside_are_followed_only_when_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Outside story.\n")
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "in.txt").write_text("Inside story.\n")
    (root / "link_out.txt").symlink_to(outside / "secret.txt")
    (root / "dir_out").symlink_to(outside, target_is_directory=True)
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")

    items = read_all(root)
    assert [d.text for d in docs_of(items)] == ["Inside story.\n"]  # read once, via alias
    assert [str(f) for f in failures_of(items)] == [
        f"{root / 'dangling.txt'}: broken symbolic link"
    ]

    followed = docs_of(read_all(root, follow_symlinks=True))
    assert sorted(d.text or "" for d in followed) == ["Inside story.\n", "Outside story.\n"]
    # an explicitly named link is always read
    assert [d.text for d in docs_of(read_all(root / "link_out.txt"))] == ["Outside story.\n"]


# --------------------------------------------------------------------------- standard input


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize(
    ("data", "reader", "locator"),
    [
        (b"date 2024-04-02\n\nA story from a pipe.\n", "text.v1", None),
        (b'{"text": "one"}\n{"text": "two"}\n', "jsonl.v1", "line 1"),
        (gzip.compress(b'{"text": "one"}\n'), "jsonl.v1", "line 1"),
        (b"<!DOCTYPE html><html><body>piped</body></html>", "html.v1", None),
        ((FIXTURES / "wire.atom").read_bytes(), "feed.v1", "entry 1"),
    ],
)
def test_stdin_is_sniffed(
    monkeypatch: pytest.MonkeyPatch, data: bytes, reader: str, locator: str | None
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    docs = docs_of(read_all("-"))
    assert docs, "no document read from stdin"
    assert docs[0].provenance.path == "-"
    assert docs[0].provenance.reader == reader
    assert docs[0].provenance.locator == locator


def test_stdin_warc_and_large_input_spooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(build_warc(WARC_ITEMS, gz=True)))
    assert [d.url for d in docs_of(read_all("-"))] == [
        "https://harbour.example/a",
        "https://harbour.example/b",
    ]
    line = json.dumps({"text": "x" * 1000}) + "\n"
    big = (line * 9000).encode()  # ~9 MB: spooled to a temporary file
    monkeypatch.setattr(sys, "stdin", FakeStdin(big))
    assert len(docs_of(read_all("-"))) == 9000
    monkeypatch.setattr(sys, "stdin", FakeStdin(big))
    (failure,) = read_all("-", max_file_bytes=1_000_000)
    assert isinstance(failure, Failure) and failure.where == "-" and "too large" in failure.reason
