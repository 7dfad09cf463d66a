"""Bad input: every problem is a one-line Failure naming the file (and record); nothing raises."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.config import Settings
from newsprism.models import Failure, RawDoc
from newsprism.read import iter_documents

FIXTURES = Path(__file__).parent / "fixtures" / "read"
MB = 1 << 20


def read_all(*paths: Path | str, **overrides: Any) -> list[RawDoc | Failure]:
    return list(iter_documents([str(p) for p in paths], Settings(**overrides)))


def only_failure(path: Path | str, **overrides: Any) -> Failure:
    items = read_all(path, **overrides)
    assert len(items) == 1, items
    failure = items[0]
    assert isinstance(failure, Failure), failure
    assert "\n" not in str(failure)
    return failure


def docs_of(items: list[RawDoc | Failure]) -> list[RawDoc]:
    return [item for item in items if isinstance(item, RawDoc)]


def failures_of(items: list[RawDoc | Failure]) -> list[Failure]:
    return [item for item in items if isinstance(item, Failure)]


# --------------------------------------------------------------------------- whole files


def test_missing_file(tmp_path: Path) -> None:
    failure = only_failure(tmp_path / "nope.txt")
    assert failure.where == str(tmp_path / "nope.txt")
    assert failure.reason == "no such file or directory"


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.html", "empty.rss", "empty"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    failure = only_failure(tmp_path / name)
    assert str(failure) == f"{tmp_path / name}: empty file"


def test_empty_gzip(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(b""))
    assert only_failure(tmp_path / "e.jsonl.gz").reason == "empty file"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        ("random.bin", bytes(range(256)) * 4),
        ("random.txt", os.urandom(4096) + b"\x00"),
        ("random.html", os.urandom(512) + b"\x00"),
        ("random.jsonl", b"\x00\x01\x02\x03" * 8),
        ("random.rss", b"\x00\x01\x02\x03" * 8),
    ],
)
def test_binary_data(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    items = read_all(tmp_path / name)
    assert items and all(isinstance(i, Failure) for i in items)
    assert all("binary data, not text" in i.reason for i in failures_of(items)), items


def test_latin1_text_is_decoded_not_refused(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_bytes("Le café était fermé.\n".encode("latin-1"))
    (doc,) = read_all(tmp_path / "l.txt")
    assert isinstance(doc, RawDoc) and doc.text == "Le café était fermé.\n"


def test_latin1_json_line_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "l.jsonl").write_bytes('{"text": "café crème"}\n'.encode("latin-1"))
    (doc,) = read_all(tmp_path / "l.jsonl")
    assert isinstance(doc, RawDoc) and doc.text == "café crème"


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"story {i} " + os.urandom(20).hex()}) for i in range(200)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    items = read_all(tmp_path / "cut.jsonl.gz")
    docs = docs_of(items)
    assert 0 < len(docs) < 200
    assert [d.text for d in docs] == [json.loads(line)["text"] for line in lines[: len(docs)]]
    assert items[-1] == Failure(
        str(tmp_path / "cut.jsonl.gz"), "truncated gzip: data ends before the end-of-stream marker"
    )
    assert len(failures_of(items)) == 1


def test_truncated_gzip_text_file(tmp_path: Path) -> None:
    data = gzip.compress(os.urandom(3000).hex().encode())
    (tmp_path / "cut.txt.gz").write_bytes(data[:-20])
    failure = only_failure(tmp_path / "cut.txt.gz")
    assert failure.where == str(tmp_path / "cut.txt.gz") and "truncated gzip" in failure.reason


def test_corrupt_gzip(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    failure = only_failure(tmp_path / "bad.jsonl.gz")
    assert "gzip" in failure.reason


# --------------------------------------------------------------------------- records


def test_malformed_json_lines_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"text": "good one"}',
                '{"text": "a", "b" 1}',
                '{"title": "no body here"}',
                '{"text": ["not", "a", "string"]}',
                '"just a string"',
                '{"text": "   "}',
                '{"text": "good two"',
                '{"text": "good three"}',
            ]
        )
        + "\n"
    )
    items = read_all(path)
    assert [d.text for d in docs_of(items)] == ["good one", "good three"]
    assert [str(f) for f in failures_of(items)] == [
        f"{path} line 2: malformed JSON: Expecting ':' delimiter at column 19",
        f"{path} line 3: record has neither text nor html",
        f"{path} line 4: field 'text' is a JSON list, not a string",
        f"{path} line 5: record is a JSON str, not an object",
        f"{path} line 6: record has neither text nor html",
        f"{path} line 7: malformed JSON: Expecting ',' delimiter at column 20",
    ]


def test_deep_nesting(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    deep_object = '{"a":' * 10_000 + "1" + "}" * 10_000
    (tmp_path / "deep.jsonl").write_text('{"text": "before"}\n' + deep + '\n{"text": "after"}\n')
    items = read_all(tmp_path / "deep.jsonl")
    assert [d.text for d in docs_of(items)] == ["before", "after"]
    assert [str(f) for f in failures_of(items)] == [
        f"{tmp_path / 'deep.jsonl'} line 2: malformed JSON: nested too deeply"
    ]
    (tmp_path / "deep.json").write_text(deep)
    assert "nested too deeply" in only_failure(tmp_path / "deep.json").reason
    (tmp_path / "deep_object.json").write_text(deep_object)
    assert "nested too deeply" in only_failure(tmp_path / "deep_object.json").reason
    (tmp_path / "deep_in_array.json").write_text('[{"text": "ok"}, ' + deep + "]")
    items = read_all(tmp_path / "deep_in_array.json")
    assert [d.text for d in docs_of(items)] == ["ok"]
    assert failures_of(items)[0].where.endswith("record 2")


def test_malformed_json_array_stops_with_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"text": "one"}, {"text": "two" "x"}, {"text": "three"}]')
    items = read_all(path)
    assert [d.text for d in docs_of(items)] == ["one"]
    (failure,) = failures_of(items)
    assert failure.where == f"{path} record 2" and failure.reason.startswith("malformed JSON")
    path.write_text('[{"text": "one"}, {"text": "two"}')
    items = read_all(path)
    assert [d.text for d in docs_of(items)] == ["one", "two"]
    assert "unexpected end of data" in failures_of(items)[0].reason


def test_feed_with_broken_entries(tmp_path: Path) -> None:
    items = read_all(FIXTURES / "wire.rss")
    assert len(docs_of(items)) == 2
    assert [f.where for f in failures_of(items)] == [f"{FIXTURES / 'wire.rss'} entry 2"]
    (tmp_path / "junk.rss").write_text("this is not a feed at all")
    assert "not a valid RSS/Atom feed" in only_failure(tmp_path / "junk.rss").reason
    (tmp_path / "none.rss").write_text(
        '<rss version="2.0"><channel><title>x</title></channel></rss>'
    )
    assert only_failure(tmp_path / "none.rss").reason == "feed has no entries"


# --------------------------------------------------------------------------- size limits


def sparse(path: Path, head: bytes, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_100_mb_text_file_is_too_large_without_being_read(tmp_path: Path) -> None:
    path = sparse(tmp_path / "huge.txt", b"A story that never ends.\n", 100 * MB)
    tracemalloc.start()
    failure = only_failure(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert failure.where == str(path) and failure.reason.startswith("too large")
    assert peak < 5 * MB


def test_100_mb_jsonl_streams_line_by_line(tmp_path: Path) -> None:
    # line 2 starts like a record and runs on for 100 MB (sparse: NULs after the first 16 KB)
    head = json.dumps({"text": "first record"}).encode() + b'\n{"text": "' + b"x" * 16_000
    path = sparse(tmp_path / "huge.jsonl", head, 100 * MB)
    with path.open("ab") as handle:
        handle.write(b'"}\n' + json.dumps({"text": "after the giant line"}).encode() + b"\n")
    tracemalloc.start()
    items = read_all(path, max_record_bytes=MB)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.text for d in docs_of(items)] == ["first record", "after the giant line"]
    assert [str(f) for f in failures_of(items)] == [
        f"{path} line 2: too large: more than max_record_bytes ({MB} bytes)"
    ]
    assert peak < 8 * MB


def test_gzip_bomb_ends_in_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write(b'{"text": "before the bomb"}\n')
        zeros = b"0" * MB
        for _ in range(24):
            handle.write(zeros)
    assert path.stat().st_size < MB
    tracemalloc.start()
    items = read_all(path, max_record_bytes=MB, max_file_bytes=8 * MB)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.text for d in docs_of(items)] == ["before the bomb"]
    assert [str(f) for f in failures_of(items)] == [
        f"{path} line 2: too large: more than max_record_bytes ({MB} bytes)",
        f"{path}: too large: decompressed data exceeds max_file_bytes ({8 * MB} bytes)",
    ]
    assert peak < 8 * MB


def test_gzip_bomb_as_text_and_html(tmp_path: Path) -> None:
    for name in ("bomb.txt.gz", "bomb.html.gz", "bomb.rss.gz"):
        path = tmp_path / name
        with gzip.open(path, "wb", compresslevel=1) as handle:
            for _ in range(4):
                handle.write(b"a" * MB)
        failure = only_failure(path, max_record_bytes=MB)
        assert failure.reason.startswith("too large"), failure


def test_oversized_single_json_object(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_text(json.dumps({"text": "x" * 2000}))
    assert only_failure(tmp_path / "big.json", max_record_bytes=1000).reason.startswith("too large")
    (tmp_path / "big_array.json").write_text(json.dumps([{"text": "y" * 5000}]))
    failure = only_failure(tmp_path / "big_array.json", max_record_bytes=1000)
    assert failure.where.endswith("record 1") and "too large" in failure.reason


# --------------------------------------------------------------------------- never raises


def test_odd_paths(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert only_failure(fifo).reason == "not a regular file or folder"
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    assert only_failure(tmp_path / "dangling").reason == "broken symbolic link"
    (tmp_path / "empty_dir").mkdir()
    assert read_all(tmp_path / "empty_dir") == []


_EXTENSIONS = ["", ".txt", ".html", ".jsonl", ".json", ".rss", ".xml", ".warc", ".jsonl.gz", ".gz"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200",
                b"[{",
                b'{"text": ',
                b"<rss><channel><item>",
                b"\x1f\x8b\x08\x00",
                b"<feed xmlns='http://www.w3.org/2005/Atom'><entry></entry>",
            ]
        ),
    ),
    ext=st.sampled_from(_EXTENSIONS),
)
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, ext: str) -> None:
    path = tmp_path / f"input{ext}"
    path.write_bytes(data)
    for item in iter_documents([str(path)]):
        assert isinstance(item, RawDoc | Failure)
        if isinstance(item, Failure):
            assert item.where.startswith(str(path))
            assert "\n" not in str(item) and item.reason
            assert not item.reason.startswith("unexpected error"), item
        else:
            assert (item.text is None) != (item.html is None)


def test_malformed_json_reasons_read_as_one_sentence(tmp_path: Path) -> None:
    lines = tmp_path / "cut.jsonl"
    lines.write_text('{"text": "good one"}\n{"title": "x", "text": "cut off\n', encoding="utf-8")
    (failure,) = failures_of(read_all(lines))
    assert (
        str(failure) == f"{lines} line 2: malformed JSON: Unterminated string starting at column 24"
    )
    array = tmp_path / "cut.json"
    array.write_text('[{"text": "one"}, {"text": "cut off', encoding="utf-8")
    (failure,) = failures_of(read_all(array))
    assert failure.reason.startswith("malformed JSON: Unterminated string;")
