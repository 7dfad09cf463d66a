"""Plain text reading: header lines, encodings, provenance, the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.clean import clean_document
from newsprism.cli import main
from newsprism.models import Article, Failure, RawDoc
from newsprism.read import iter_documents, readers, split_header
from newsprism.read.text import normalise_newlines
from tests.conftest import SEED_A, SEED_B


def read_one(path: Path | str) -> RawDoc:
    items = list(iter_documents([str(path)]))
    assert len(items) == 1, items
    doc = items[0]
    assert isinstance(doc, RawDoc), doc
    return doc


def write(tmp_path: Path, text: str, name: str = "article.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- seeds


def test_seed_with_header_gives_its_date_and_keeps_the_header() -> None:
    doc = read_one(SEED_B)
    raw = SEED_B.read_text(encoding="utf-8")
    assert doc.published == "2024-04-02"
    assert doc.provenance.path == str(SEED_B)
    assert doc.provenance.reader == "text.v1"
    assert doc.provenance.locator is None
    assert doc.metadata["header_lines"] == "date 2024-04-02"
    assert doc.metadata["header"] + (doc.text or "") == normalise_newlines(raw)
    assert doc.text is not None and doc.text.startswith("Washington\n")
    assert "date 2024-04-02" not in doc.text
    assert doc.html is None


def test_seed_without_header_is_passed_on_whole() -> None:
    doc = read_one(SEED_A)
    raw = SEED_A.read_text(encoding="utf-8")
    assert doc.text == normalise_newlines(raw)
    assert doc.published is None and doc.title is None
    assert "header" not in doc.metadata
    assert doc.text.rstrip().endswith("Join the Conversation")


def test_seed_folder_reads_both_in_name_order() -> None:
    docs = list(iter_documents([str(SEED_A.parent)]))
    assert [Path(d.provenance.path).name for d in docs if isinstance(d, RawDoc)] == [
        SEED_A.name,
        SEED_B.name,
    ]


# --------------------------------------------------------------------------- header lines


def test_all_header_keys_with_colons_any_case(tmp_path: Path) -> None:
    text = (
        "TITLE: Council approves ferry timetable\n"
        "Date: 2 April 2024\n"
        "url: https://harbour.example/news/ferry\n"
        "Source: Harbour Daily\n"
        "AUTHOR: Mara Quill\n"
        "\n"
        "The council voted on Tuesday.\n"
    )
    doc = read_one(write(tmp_path, text))
    assert doc.title == "Council approves ferry timetable"
    assert doc.published == "2 April 2024"
    assert doc.url == "https://harbour.example/news/ferry"
    assert doc.provenance.url == "https://harbour.example/news/ferry"
    assert doc.outlet == "Harbour Daily"
    assert doc.author == "Mara Quill"
    assert doc.text == "The council voted on Tuesday.\n"
    assert doc.metadata["header_lines"].splitlines()[0] == "TITLE: Council approves ferry timetable"
    assert len(doc.metadata["header_lines"].splitlines()) == 5


def test_space_separated_keys_and_outlet_key(tmp_path: Path) -> None:
    text = "date 2024-04-02T09:30:00Z\n\noutlet Harbour Daily\ntitle Ferry news\n\nBody text.\n"
    doc = read_one(write(tmp_path, text))
    assert doc.published == "2024-04-02T09:30:00Z"
    assert doc.outlet == "Harbour Daily"
    assert doc.title == "Ferry news"
    assert doc.text == "Body text.\n"


@pytest.mark.parametrize(
    "first_line",
    [
        "Date night is back on the calendar for couples in the city.",
        "Date 2024 was a strange year for the club, its owner said.",
        "Title IX rules were changed on Monday.",
        "Source code for the voting app leaked.",
        "Author and journalist Mara Quill died on Sunday at 84.",
        "URL shorteners are blocked by the agency.",
    ],
)
def test_a_sentence_starting_with_a_key_word_is_not_a_header(
    tmp_path: Path, first_line: str
) -> None:
    text = f"{first_line}\nSecond line of the story.\n"
    doc = read_one(write(tmp_path, text))
    assert doc.text == text
    assert doc.published is None and doc.title is None and doc.outlet is None
    assert "header" not in doc.metadata


def test_weak_lines_need_a_date_or_url_line(tmp_path: Path) -> None:
    text = "Source Harbour Daily\nAuthor Mara Quill\n\nBody.\n"
    doc = read_one(write(tmp_path, text))
    assert doc.outlet is None and doc.text == text
    doc = read_one(write(tmp_path, "date 3/4/2024\n" + text, "b.txt"))
    assert doc.published == "3/4/2024"
    assert doc.outlet == "Harbour Daily" and doc.author == "Mara Quill"
    assert doc.text == "Body.\n"


def test_header_only_at_the_very_top(tmp_path: Path) -> None:
    text = "The council met.\ndate 2024-04-02\nMore text.\n"
    doc = read_one(write(tmp_path, text))
    assert doc.published is None and doc.text == text


def test_first_value_wins_and_all_lines_are_kept() -> None:
    header = split_header("date 2024-04-02\nDate: 2024-04-03\n\nBody")
    assert header.fields["published"] == "2024-04-02"
    assert header.lines == ["date 2024-04-02", "Date: 2024-04-03"]
    assert header.prefix == "date 2024-04-02\nDate: 2024-04-03\n\n"


def test_crlf_is_normalised_and_prefix_matches(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"date 2024-04-02\r\n\r\nLine one.\r\nLine two.\r\n")
    doc = read_one(path)
    assert doc.text == "Line one.\nLine two.\n"
    assert doc.metadata["header"] == "date 2024-04-02\n\n"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["date 2024-04-02", " Date: Tue, 2 Apr 2024", "title: T", "Source X", "", "  "]
            ),
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
        ),
        max_size=8,
    )
)
def test_header_prefix_is_always_a_verbatim_prefix(lines: list[str]) -> None:
    text = normalise_newlines("\n".join(lines))
    header = split_header(text)
    assert text.startswith(header.prefix)
    assert all(line.strip() for line in header.lines)
    assert bool(header.prefix) == bool(header.fields)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_legacy_encodings_come_out_right(tmp_path: Path, encoding: str) -> None:
    text = "The café on the quay was très busy, à la française.\n"
    doc = read_one(write(tmp_path, text, encoding=encoding))
    assert doc.text == text
    assert doc.metadata["encoding"] == "cp1252"


def test_cp1252_punctuation(tmp_path: Path) -> None:
    text = "He said \u201cnot yet\u201d \u2014 it\u2019s too early.\n"
    doc = read_one(write(tmp_path, text, encoding="cp1252"))
    assert doc.text == text


def test_mostly_utf8_with_a_stray_byte(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("It\u2019s a café \u2014 ".encode() + b"na\xefve.\n")
    doc = read_one(path)
    assert doc.text == "It\u2019s a café \u2014 naïve.\n"
    assert doc.metadata["encoding"] == "utf-8"
    assert "stray" in doc.metadata["encoding_note"]


def test_cyrillic_legacy_encoding_is_detected(tmp_path: Path) -> None:
    text = "Министр заявил во вторник, что переговоры продолжатся на следующей неделе. " * 3
    doc = read_one(write(tmp_path, text, encoding="cp1251"))
    assert doc.text == text


def test_utf8_bom_and_utf16(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "\ufeffdate 2024-04-02\n\nBody café.\n"))
    assert doc.published == "2024-04-02" and doc.text == "Body café.\n"
    path = tmp_path / "u16.txt"
    path.write_bytes("Body in UTF-16, café.\n".encode("utf-16"))
    assert read_one(path).text == "Body in UTF-16, café.\n"


# --------------------------------------------------------------------------- registry


def test_readers_are_registered_by_versioned_name() -> None:
    assert {"text.v1", "html.v1", "jsonl.v1", "json.v1", "feed.v1", "warc.v1"} <= set(
        readers.names()
    )
    with pytest.raises(KeyError, match=r"unknown reader 'text\.v9'"):
        readers.get("text.v9")


def test_single_path_string_is_not_split_into_characters() -> None:
    docs = list(iter_documents(str(SEED_B)))  # type: ignore[arg-type]
    assert len(docs) == 1 and not isinstance(docs[0], Failure)


# --------------------------------------------------------------------------- header dates, cleaned

BODY = (
    "The council met on Monday to discuss the new budget for the city parks department and "
    "approved it after a long debate among its members.\n"
)


def clean_file(tmp_path: Path, date: str) -> Article:
    return clean_document(read_one(write(tmp_path, f"date: {date}\ntitle: Parks\n\n{BODY}")))


def test_an_ambiguous_numeric_date_is_kept_and_flagged(tmp_path: Path) -> None:
    article = clean_file(tmp_path, "10/03/2025")
    assert (article.published, article.published_source) == ("2025-10-03", "header")
    [flag] = [f for f in article.flags if "date" in f.kind]
    assert (flag.kind, flag.text, flag.field) == ("date_ambiguous", "10/03/2025", "source")
    assert article.source_text[flag.start : flag.end] == "10/03/2025"
    assert flag.detail == "read month first as 2025-10-03; day first it would be 2025-03-10"


@pytest.mark.parametrize("date", ["25/03/2025", "03/03/2025", "2025-03-10", "March 10, 2025"])
def test_a_date_with_one_reading_has_no_date_flag(tmp_path: Path, date: str) -> None:
    article = clean_file(tmp_path, date)
    assert article.published is not None
    assert not [f for f in article.flags if "date" in f.kind]


@pytest.mark.parametrize("date", ["2025-02-30", "next tuesday", "10/03/25"])
def test_an_unparsable_date_leaves_the_article_undated_with_a_flag(
    tmp_path: Path, date: str
) -> None:
    article = clean_file(tmp_path, date)
    assert (article.published, article.published_source) == (None, None)
    [flag] = [f for f in article.flags if "date" in f.kind]
    assert (flag.kind, flag.text) == ("unparsed_date", date)
    assert article.source_text[flag.start : flag.end] == date
    assert flag.detail == "not a date (header); left undated"
    assert any(r.reason == "header" and date in r.text for r in article.removed)


def test_articles_lists_the_date_flags(tmp_path: Path) -> None:
    for n, date in enumerate(["10/03/2025", "next tuesday"]):
        write(tmp_path, f"date: {date}\ntitle: Parks {n}\n\n{BODY}", name=f"{n}.txt")
    db = str(tmp_path / "dates.db")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(tmp_path), "--db", db, "--no-analyze"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["articles", "--db", db])
    assert "    flag date_ambiguous: 10/03/2025 — read month first as 2025-10-03; " in result.stdout
    assert "    flag unparsed_date: next tuesday — not a date (header); left undated" in (
        result.stdout
    )
