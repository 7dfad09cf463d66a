"""A faster stand-in for spaCy's ``attribute_ruler``, compiled from the model's own rules.

The model's attribute ruler (tag → POS and morphology, plus ~30 exceptions) runs every rule
through spaCy's ``Matcher`` for every token, which costs about as much as the tagger. The
rules are one- or two-token patterns over ``TAG``, ``LOWER``, ``DEP`` and ``IS_SPACE``, so they
can be indexed by their exact values and checked with a few dictionary look-ups per token.

Semantics follow ``AttributeRuler``: every rule is matched against the unmodified document,
then the matches are applied in rule order, so a later rule overrides an earlier one. If the
model ships a rule this module cannot compile, ``compile_ruler`` returns None and the original
component stays in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]
_KEYS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}


class _Unsupported(Exception):
    pass


def _predicate(key: str, spec: Any) -> Predicate:
    """A test for one token attribute."""
    attr = _KEYS.get(key)
    if attr is None:
        raise _Unsupported(key)
    if isinstance(spec, (str, bool)):
        return lambda tok: bool(getattr(tok, attr) == spec)
    if isinstance(spec, dict) and len(spec) == 1:
        ((op, value),) = spec.items()
        if op == "IN":
            allowed = frozenset(value)
            return lambda tok: getattr(tok, attr) in allowed
        if op == "NOT_IN":
            banned = frozenset(value)
            return lambda tok: getattr(tok, attr) not in banned
        if op == "REGEX":
            pattern = re.compile(value)
            return lambda tok: bool(pattern.search(getattr(tok, attr)))
    raise _Unsupported(f"{key}: {spec!r}")


class FastAttributeRuler:
    """Callable component: ``doc → doc`` with the same annotations as the original ruler.

    One-token rules depend only on a token's (tag, lower, dep, is_space), so their combined
    effect is memoised per distinct tuple; two-token rules are checked where their first token
    can start them."""

    def __init__(self, ruler: Any) -> None:
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._attrs: list[dict[Any, Any]] = list(ruler.attrs)
        self._single: list[tuple[int, Predicate]] = []
        self._by_value: dict[tuple[str, Any], list[int]] = {}
        self._generic: list[int] = []
        self._double: list[tuple[int, Predicate, Predicate, int]] = []
        for rule_id, item in enumerate(ruler.patterns):
            offset = int(item["index"])
            for pattern in item["patterns"]:
                steps = [_all([_predicate(k, v) for k, v in spec.items()]) for spec in pattern]
                if len(steps) == 1 and offset in (0, -1):
                    self._single.append((rule_id, steps[0]))
                    keys = _exact_keys(pattern[0])
                    for key in keys:
                        self._by_value.setdefault(key, []).append(len(self._single) - 1)
                    if not keys:
                        self._generic.append(len(self._single) - 1)
                elif len(steps) == 2 and offset in (0, 1, -1, -2):
                    self._double.append((rule_id, steps[0], steps[1], offset % 2))
                else:
                    raise _Unsupported("pattern shape")
        self._memo: dict[tuple[str, str, str, bool], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._merged: dict[tuple[int, ...], dict[Any, Any]] = {}

    def _rules_for(self, tok: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """One-token rules matching ``tok``, and two-token rules ``tok`` can start."""
        key = (tok.tag_, tok.lower_, tok.dep_, tok.is_space)
        found = self._memo.get(key)
        if found is None:
            candidates = set(self._generic)
            for attr_key in (("LOWER", key[1]), ("TAG", key[0]), ("DEP", key[2])):
                candidates.update(self._by_value.get(attr_key, ()))
            single = tuple(
                sorted({self._single[i][0] for i in candidates if self._single[i][1](tok)})
            )
            starts = tuple(i for i, (_, first, _, _) in enumerate(self._double) if first(tok))
            found = (single, starts)
            self._memo[key] = found
        return found

    def _apply(self, tok: Any, rule_ids: tuple[int, ...]) -> None:
        if not rule_ids:
            return
        merged = self._merged.get(rule_ids)
        if merged is None:
            merged = {}
            for rule_id in rule_ids:
                merged.update(self._attrs[rule_id])
            self._merged[rule_ids] = merged
        self._set(tok, merged)

    def __call__(self, doc: Any) -> Any:
        toks = list(doc)
        found = [self._rules_for(tok) for tok in toks]
        rules = [single for single, _ in found]
        for pos, (_, starts) in enumerate(found):
            for index in starts:
                rule_id, _, second, offset = self._double[index]
                if pos + 1 < len(toks) and second(toks[pos + 1]):
                    target = pos + offset
                    rules[target] = tuple(sorted({*rules[target], rule_id}))
        for tok, rule_ids in zip(toks, rules, strict=True):
            self._apply(tok, rule_ids)
        return doc


def _exact_keys(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    """Index keys of a one-token pattern: the exact values of its most selective attribute."""
    for key in ("LOWER", "TAG", "DEP"):
        value = spec.get(key)
        if isinstance(value, str):
            return [(key, value)]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return [(key, v) for v in value["IN"]]
    return []


def _all(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    return lambda tok: all(test(tok) for test in tests)


def compile_ruler(ruler: Any) -> FastAttributeRuler | None:
    """The fast ruler for ``ruler``, or None if one of its rules is beyond this module."""
    try:
        return FastAttributeRuler(ruler)
    except _Unsupported:
        return None
