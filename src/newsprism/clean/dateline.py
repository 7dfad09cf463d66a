"""Datelines at the start of a story: place, optional date, agency, dash.

Two shapes are recognised:

* inline, at the start of the first paragraphs: ``NAIROBI (Reuters) -``,
  ``LONDON, March 3 (AP) —``, ``Paris (AFP) –``, ``(Reuters) -``, ``NEW YORK —`` (a place
  without an agency only in capitals);
* scraped, where the parts ended up on lines of their own: ``Tokyo`` / ``BBC`` / ``–``.

The agency is checked against a list of news agencies and broadcasters (general knowledge, not
a list of outlets seen in any data); a parenthesised short capitalised name is accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprism.clean.text import Line, has_letters
from newsprism.models import Dateline

# Agencies and large newsrooms that put their name in datelines, by lower-case spelling.
KNOWN_AGENCIES: dict[str, str] = {
    name.lower(): name
    for name in (
        "AP",
        "Associated Press",
        "The Associated Press",
        "Reuters",
        "Thomson Reuters",
        "AFP",
        "Agence France-Presse",
        "AFP-JIJI",
        "BBC",
        "BBC News",
        "Bloomberg",
        "Bloomberg News",
        "UPI",
        "dpa",
        "Xinhua",
        "Kyodo",
        "Kyodo News",
        "Yonhap",
        "Jiji Press",
        "ANSA",
        "EFE",
        "PTI",
        "IANS",
        "ANI",
        "TASS",
        "RIA Novosti",
        "Interfax",
        "Anadolu",
        "Anadolu Agency",
        "AA",
        "AAP",
        "Canadian Press",
        "The Canadian Press",
        "CP",
        "PA",
        "PA Media",
        "Press Association",
        "Bernama",
        "Antara",
        "KNA",
        "KCNA",
        "WAFA",
        "MENA",
        "SPA",
        "IRNA",
        "Notimex",
        "Lusa",
        "ATS",
        "APA",
        "CTK",
        "PAP",
        "NTB",
        "TT",
        "Ritzau",
        "STT",
        "Belga",
        "ANP",
        "CNA",
        "Central News Agency",
        "CNBC",
        "NBC",
        "NBC News",
        "ABC",
        "ABC News",
        "CBS",
        "CBS News",
        "Fox News",
        "NPR",
        "Al Jazeera",
        "Sky News",
        "Euronews",
        "Deutsche Welle",
        "DW",
        "RFI",
        "France 24",
        "VOA",
        "Voice of America",
        "RFE/RL",
        "Axios",
        "Politico",
        "The Hill",
        "WSJ",
        "Dow Jones",
        "MarketWatch",
        "Forbes",
        "Business Insider",
        "Insider",
        "Nikkei",
        "Nikkei Asia",
        "SCMP",
        "Sputnik",
        "Global Times",
        "Arab News",
        "The Guardian",
        "Guardian",
        "The Independent",
        "NYT",
        "New York Times",
        "The New York Times",
        "Washington Post",
        "The Washington Post",
        "WION",
        "NDTV",
        "KTLA",
        "KABC",
        "WABC",
        "WNBC",
    )
}

_DASH = r"[-–—]{1,2}"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PLACE_WORD = r"[A-Z][\w.'’-]*"
# PLACE[, Region][, Month Day] (AGENCY) — ; PLACE may be in any case when an agency follows.
_INLINE_AGENCY = re.compile(
    rf"^(?P<place>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}}(?:,\s*{_PLACE_WORD}(?:\s+{_PLACE_WORD})?)?)?"
    rf"(?:,\s*(?P<date>(?i:{_MONTH})\s+\d{{1,2}}))?"
    rf"\s*\((?P<agency>[^()]{{1,40}})\)\s*{_DASH}\s*"
)
# PLACE (capitals)[, Region][, Month Day] — with no agency.
_CAPS_WORD = r"[A-Z][A-Z.'’-]+"
_INLINE_CAPS = re.compile(
    rf"^(?P<place>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}(?:,\s*{_PLACE_WORD}(?:\s+{_PLACE_WORD})?)?)"
    rf"(?:,\s*(?P<date>(?i:{_MONTH})\s+\d{{1,2}}))?"
    rf"\s+{_DASH}\s+(?=\S)"
)
_PLACE_LINE = re.compile(
    rf"^{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}}(?:,\s*{_PLACE_WORD}(?:\s+{_PLACE_WORD})?)?$"
)
_SEARCH_LINES = 6


@dataclass(slots=True, frozen=True)
class DatelineMatch:
    """A dateline and the source spans it covers (whole lines or a line's prefix)."""

    dateline: Dateline
    spans: tuple[tuple[int, int], ...]


def agency_name(text: str) -> str | None:
    """The canonical spelling of a known agency (``(Reuters)`` → ``Reuters``), else None."""
    key = text.strip().strip("()").strip().lower()
    return KNOWN_AGENCIES.get(key)


def _plausible_agency(text: str) -> str | None:
    known = agency_name(text)
    if known:
        return known
    words = text.split()
    if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and has_letters(text):
        return text.strip()
    return None


def _place_word(word: str) -> str:
    letters = word.strip(".,'’-")
    if not word.isupper() or "." in letters or len(letters) < 2:
        return word  # "U.S.", "D.C." and mixed-case words as written
    if len(letters) < 3 and not word.endswith("."):
        return word  # "UK"
    return "-".join(part.capitalize() for part in word.split("-"))


def _place(text: str | None) -> str | None:
    """``NAIROBI`` → ``Nairobi``, ``SAO PAULO, Brazil`` → ``Sao Paulo, Brazil``."""
    if not text:
        return None
    text = text.strip().rstrip(",")
    return " ".join(_place_word(w) for w in text.split())


def match_inline(line: Line) -> DatelineMatch | None:
    """A dateline at the start of one paragraph."""
    m = _INLINE_AGENCY.match(line.text)
    if m is not None:
        agency = _plausible_agency(m["agency"]) if m["place"] else agency_name(m["agency"])
        rest = line.text[m.end() :]
        if agency and rest[:1] and not rest[:1].islower():
            raw = m.group(0).rstrip()
            return DatelineMatch(
                Dateline(raw, place=_place(m["place"]), agency=agency),
                ((line.start, line.start + len(raw)),),
            )
    m = _INLINE_CAPS.match(line.text)
    if m is not None and len(m["place"]) >= 3:
        raw = m.group(0).rstrip()
        return DatelineMatch(
            Dateline(raw, place=_place(m["place"]), agency=None),
            ((line.start, line.start + len(raw)),),
        )
    return None


def _is_dash_line(line: Line) -> bool:
    return bool(line.text) and not has_letters(line.text) and len(line.text) <= 3


def match_split(lines: list[Line]) -> DatelineMatch | None:
    """``Place`` / ``Agency`` / ``–`` on separate lines (blank lines between them ignored),
    starting on one of the first three lines."""
    content = [ln for ln in lines if not ln.blank][:6]
    for offset in range(min(3, len(content))):
        found = _split_at(content[offset:])
        if found is not None:
            return found
    return None


def _split_at(content: list[Line]) -> DatelineMatch | None:
    if len(content) < 3:
        return None
    first, second, third = content[0], content[1], content[2]
    place_ok = bool(_PLACE_LINE.match(first.text)) and agency_name(first.text) is None
    agency = agency_name(second.text)
    if agency is None and _is_dash_line(third):
        agency = _plausible_agency(second.text)  # the dash line confirms the dateline's shape
    if place_ok and agency and len(first.text) <= 40:
        used = [first, second]
        if _is_dash_line(third):
            used.append(third)
        text = " ".join(ln.text for ln in used)
        return DatelineMatch(
            Dateline(text, place=_place(first.text), agency=agency),
            tuple((ln.start, ln.end) for ln in used),
        )
    agency = agency_name(first.text)
    if agency and _is_dash_line(second):
        return DatelineMatch(
            Dateline(f"{first.text} {second.text}", place=None, agency=agency),
            ((first.start, first.end), (second.start, second.end)),
        )
    if first.text.isupper() and place_ok and _is_dash_line(second):
        return DatelineMatch(
            Dateline(f"{first.text} {second.text}", place=_place(first.text), agency=None),
            ((first.start, first.end), (second.start, second.end)),
        )
    return None


def find_dateline(lines: list[Line]) -> DatelineMatch | None:
    """The dateline among the first lines of article text (``lines``: kept lines in order)."""
    content = [ln for ln in lines if not ln.blank]
    if not content:
        return None
    split = match_split(content)
    if split is not None:
        return split
    for line in content[:_SEARCH_LINES]:
        found = match_inline(line)
        if found is not None:
            return found
        if len(line.text) > 200:
            break
    return None
