"""Quantities: durations, money, percentages, counts, and their comparison."""

from __future__ import annotations

import pytest

from newsprism.analyze.quantities import find_quantities, quantities_compatible
from newsprism.models import Quantity

from .conftest import SEED_A, SEED_B


def only(text: str, needle: str | None = None) -> Quantity:
    found = find_quantities(text)
    if needle is not None:
        start = text.index(needle)
        found = [q for q in found if q.start < start + len(needle) and start < q.end]
    assert len(found) == 1, found
    return found[0]


def summary(q: Quantity) -> tuple[str, float, str, bool, str]:
    return (q.kind, q.value, q.unit, q.approx, q.bound)


def test_seed_call_lengths_agree() -> None:
    a = only(SEED_A.read_text(encoding="utf-8"), "nearly two-hour")
    b = only(SEED_B.read_text(encoding="utf-8"), "one-hour, 45-minute")
    assert summary(a) == ("duration", 120, "min", True, "le")
    assert summary(b) == ("duration", 105, "min", False, "eq")
    assert b.text == "one-hour, 45-minute"
    assert quantities_compatible(a, b) is True


def test_seed_money_in_teaser() -> None:
    q = only(SEED_A.read_text(encoding="utf-8"), "$1.5 Billion")
    assert summary(q) == ("money", 1.5e9, "USD", False, "eq")


def test_seeds_have_no_year_counts() -> None:
    for path in (SEED_A, SEED_B):
        text = path.read_text(encoding="utf-8")
        for q in find_quantities(text):
            assert q.text == text[q.start : q.end]
            assert not (q.kind == "count" and 1900 <= q.value <= 2100), q


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They talked for about 90 minutes.", ("duration", 90, "min", True, "about")),
        ("It lasted more than three hours.", ("duration", 180, "min", False, "gt")),
        ("A 45-minute speech.", ("duration", 45, "min", False, "eq")),
        ("It took almost two days.", ("duration", 2880, "min", True, "le")),
        ("The plan costs €20 million.", ("money", 2e7, "EUR", False, "eq")),
        ("The bill is £3bn.", ("money", 3e9, "GBP", False, "eq")),
        ("He paid 20 million euros.", ("money", 2e7, "EUR", False, "eq")),
        ("Nearly $400,000 was stolen.", ("money", 4e5, "USD", True, "le")),
        ("Prices rose 5%.", ("percent", 5, "%", False, "eq")),
        ("Prices rose 5 percent.", ("percent", 5, "%", False, "eq")),
        ("Turnout fell by two percentage points.", ("percent", 2, "pp", False, "eq")),
        ("The storm killed 12 people.", ("count", 12, "people", False, "eq")),
        ("Officials saw three Chinese ships.", ("count", 3, "ships", False, "eq")),
        ("Dozens of protesters gathered.", ("count", 24, "protesters", True, "ge")),
        ("At least 217 lives were lost.", ("count", 217, "lives", False, "ge")),
        ("About a dozen police officers came.", ("count", 12, "officers", True, "about")),
        ("The border is 40 km away.", ("measure", 40, "km", False, "eq")),
        ("Some 1.5 million people voted.", ("count", 1.5e6, "people", True, "about")),
    ],
)
def test_quantities(text: str, expected: tuple[str, float, str, bool, str]) -> None:
    assert summary(only(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the company moved.",
        "The meeting on March 3, 2024 was short.",
        "One of the men left.",
        "The score was 3-1 at half time.",
        "The law of 1945 still applies.",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_years_next_to_counts() -> None:
    found = find_quantities("In 1990, 300 soldiers landed; by 2024 the base had 2,000 troops.")
    assert [(q.value, q.unit) for q in found] == [(300, "soldiers"), (2000, "troops")]


def q(text: str) -> Quantity:
    return only(text)


def test_compatibility_rules() -> None:
    nearly_two_hours = q("nearly two hours")
    assert quantities_compatible(nearly_two_hours, q("100 minutes")) is True
    assert quantities_compatible(nearly_two_hours, q("130 minutes")) is False
    assert quantities_compatible(nearly_two_hours, q("80 minutes")) is False  # below 0.8 × 120
    assert quantities_compatible(q("about 90 minutes"), q("100 minutes")) is True
    assert quantities_compatible(q("more than three hours"), q("two hours")) is False
    assert quantities_compatible(q("more than three hours"), q("four hours")) is True
    assert quantities_compatible(q("$1.5 billion"), q("$1.52 billion")) is True
    assert quantities_compatible(q("$1.5 billion"), q("$2 billion")) is False


def test_incomparable_quantities() -> None:
    assert quantities_compatible(q("$5 million"), q("€5 million")) is None
    assert quantities_compatible(q("12 people"), q("12 ships")) is None
    assert quantities_compatible(q("5%"), q("5 people")) is None
