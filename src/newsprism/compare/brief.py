"""The cited brief: facts most-supported first, then single-source facts by source, then the
differences; every sentence is checked against its cited spans before output.

The checker (:func:`verify`) requires every name, number and date in a sentence to appear in the
text it cites (the outlet labels of the cited articles count as cited); a sentence that fails is
dropped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newsprism.analyze.numwords import parse_number
from newsprism.compare.differences import CREDITED_STATEMENT
from newsprism.compare.model import Brief, BriefSentence, Citation, Difference, Fact
from newsprism.compare.text import REPORTING, STOPWORDS, wordlist, wordset

#: Shared facts in the brief at most (list items are gathered into one sentence).
MAX_SHARED = 12
#: Single-source facts per article at most.
MAX_SINGLE_PER_ARTICLE = 3
#: Differences at most.
MAX_DIFFERENCES = 6
#: Items listed in one topics sentence at most.
MAX_ITEMS = 10

_MONTHS = wordlist(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_NUMBER_WORDS = wordlist(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion dozen half"
)
_TEMPLATE_WORDS = wordset(
    "According Both All Only On The A An In It Its They Their He She This That These Those And "
    "But Also Reports Report Mentions Mention Topics Gives Give Describes Describe Says Say "
    "Sources Source While Up"
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,:]\d+)*")


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _numbers(text: str) -> set[float]:
    out: set[float] = set()
    for tok in re.findall(r"\d+(?:[.,]\d+)*|[A-Za-z]+", text):
        if tok[0].isdigit():
            try:
                out.add(float(tok.replace(",", "")))
            except ValueError:
                continue
        elif tok.lower() in _NUMBER_WORDS:
            v = parse_number(tok.lower())
            if v is not None:
                out.add(v)
    return out


def verify(sentence: str, cited: Sequence[str], allowed: Sequence[str] = ()) -> list[str]:
    """What ``sentence`` asserts that its cited texts do not hold (empty list: verified)."""
    if not cited:
        return ["no citation"]
    hay = _norm(" ".join(cited))
    ok_names = _norm(" ".join(allowed))
    for label in sorted((a for a in allowed if a), key=len, reverse=True):
        sentence = sentence.replace(label, " ")
    problems: list[str] = []
    tokens = _TOKEN.findall(sentence.replace("’", "'"))
    for i, tok in enumerate(tokens):
        low = tok.lower().strip(".'’")
        if not low:
            continue
        if tok[0].isdigit() or low in _NUMBER_WORDS:
            continue  # numbers are checked below, by value
        is_date = low in _MONTHS
        is_name = tok[0].isupper() and not (i == 0 or tok in _TEMPLATE_WORDS)
        if not (is_date or is_name):
            continue
        if re.search(rf"(?<![a-z]){re.escape(low)}", hay) or low in ok_names:
            continue
        problems.append(tok)
    have = _numbers(" ".join(cited))
    for n in _numbers(sentence):
        if n not in have:
            problems.append(f"{n:g}")
    return problems


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:-–—")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?\"”'’":
        text += "."
    return text


def _add(
    brief: Brief,
    text: str,
    citations: list[Citation],
    source: str,
    labels: Mapping[str, str],
) -> None:
    if source.startswith("fact:") and any(
        _same_words(text, earlier.text) for earlier in brief.sentences
    ):
        return  # another outlet's wording of a sentence the brief already has
    allowed = [labels.get(c.article, "") for c in citations]
    problems = verify(text, [c.text for c in citations], allowed)
    if problems:
        brief.dropped += 1
        brief.dropped_texts.append(f"{text} [unverified: {', '.join(problems[:5])}]")
        return
    brief.sentences.append(BriefSentence(text, citations, True, source))


def _same_words(a: str, b: str) -> bool:
    """Nearly the same sentence: 80 % of the words of each in the other."""
    wa, wb = set(_TOKEN.findall(_norm(a))), set(_TOKEN.findall(_norm(b)))
    if not wa or not wb:
        return False
    common = len(wa & wb)
    return common >= 0.8 * len(wa) and common >= 0.8 * len(wb)


def _cite_of(fact: Fact) -> Citation:
    if 0 <= fact.representative < len(fact.support):
        return fact.support[fact.representative]
    return fact.support[0]


_SPEECH_ENDINGS = wordset("warned warns told tells insisted insists argued argues claimed claims")
_FRAGMENT_START = re.compile(
    r"^(?:[a-z]|(?:\w+ing|\w+ed|Even|Which|Who|When|While|Although|Though|Because|That|As|And|But)\b)"
)


def _readable(fact: Fact, used: set[tuple[str, int]]) -> Citation | None:
    """The claim's words, or its whole sentence when the claim is a fragment ("ending …",
    "even as …"); None when that sentence is already in the brief."""
    cite = _cite_of(fact)
    text = " ".join(cite.text.split())
    last = text.rstrip(".,;:!?\"'”’ ").rsplit(" ", 1)[-1].lower()
    fragment = (
        bool(_FRAGMENT_START.match(text))
        or len(text.split()) < 6
        or last in STOPWORDS
        or last in REPORTING
        or last in _SPEECH_ENDINGS
    )
    if (fragment or fact.kind == "quote" or _quoted(cite, fact.sentence)) and fact.sentence:
        cite = fact.sentence  # a quote is given with its quotation marks and its speaker
    key = (cite.article, cite.start)
    if key in used:
        return None
    used.add(key)
    return cite


def _quoted(cite: Citation, sentence: Citation | None) -> bool:
    """Whether the cited words are a quotation inside their sentence (said by someone, so never
    to be stated bare)."""
    if sentence is None or sentence.article != cite.article:
        return False
    before = sentence.text[: max(0, cite.start - sentence.start)]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _clip(text: str, words: int = 14) -> str:
    ws = " ".join(text.split()).split(" ")
    return " ".join(ws) if len(ws) <= words else " ".join(ws[:words]) + " …"


def _difference_sentence(d: Difference, la: str, lb: str, ta: str, tb: str) -> str:
    if d.kind == "framing":
        return f'{la} frames it with "{ta}", while {lb} uses "{tb}".'
    if d.kind == "quote_wording":
        return f'{la} quotes "{ta}" where {lb} has "{tb}".'
    if d.kind == "attribution":
        return f'{la} and {lb} attribute "{ta}" to different speakers.'
    if d.grade == "conflict":
        return f'{la} gives "{ta}" but {lb} gives "{tb}"; both cannot be true.'
    if d.grade == "compatible":
        return f'{la} gives "{ta}" and {lb} gives "{tb}", which are compatible.'
    return f'{la} gives "{ta}" and {lb} gives "{tb}".'


def _disputed(cite: Citation, conflicts: Sequence[Difference]) -> tuple[Citation, Citation] | None:
    """(the cited sentence's side, the other side) of a conflict whose side lies in ``cite``."""
    for d in conflicts:
        mine = next(
            (
                s
                for s in d.sides
                if s.article == cite.article and cite.start <= s.start and s.end <= cite.end
            ),
            None,
        )
        if mine is None:
            continue
        # the figure that contradicts this one (not another outlet giving the same figure)
        figure = _numbers(mine.text)
        other = next(
            (
                s
                for s in d.sides
                if s.article != cite.article and (not figure or _numbers(s.text) != figure)
            ),
            None,
        )
        if other is not None:
            return mine, other
    return None


def _add_disputed(
    brief: Brief,
    cite: Citation,
    sides: tuple[Citation, Citation],
    source: str,
    labels: Mapping[str, str],
    only: str,
) -> None:
    """A sentence whose figure another outlet contradicts: said as that outlet's report, with
    the other figure beside it, never as a fact."""
    mine, other = sides
    label, other_label = labels.get(cite.article, ""), labels.get(other.article, "")
    text = (
        f'{only}{label} reports: {_sentence(cite.text)} {other_label} gives "{_clip(other.text)}" '
        f'instead of "{_clip(mine.text)}".'
    )
    _add(brief, text, [cite, other], source, labels)


def build_brief(
    facts: Sequence[Fact],
    differences: Sequence[Difference],
    labels: Mapping[str, str],
    article_ids: Sequence[str],
) -> Brief:
    """Shared facts (most origins first), shared list topics, single-source facts by source,
    then differences (conflicts first); each sentence checked against its citations."""
    brief = Brief()
    usable = [f for f in facts if not f.headline and f.kind != "frame"]
    # a fact carried only by copies of one report has one source, however many outlets ran it
    shared = sorted(
        (f for f in usable if f.status == "shared" and f.origins > 1), key=lambda f: -f.origins
    )  # stable: text order within equal support
    n_articles = len(article_ids)
    used: set[tuple[str, int]] = set()
    conflicts = [d for d in differences if d.grade == "conflict"]
    for f in [f for f in shared if f.kind != "item"][:MAX_SHARED]:
        cite = _readable(f, used)
        if cite is None:
            continue
        disputed = _disputed(cite, conflicts)
        if disputed is None:
            _add(brief, _sentence(cite.text), [cite], f"fact:{f.id}", labels)
        else:
            _add_disputed(brief, cite, disputed, f"fact:{f.id}", labels, "")
    topics = [f for f in shared if f.kind == "item"][:MAX_ITEMS]
    if topics:
        most = max(f.origins for f in topics)
        who = "Both sources" if n_articles == 2 else f"Up to {most} sources"
        if n_articles > 2 and all(f.origins == n_articles for f in topics):
            who = "All sources"
        cites = [_cite_of(f) for f in topics]
        names = "; ".join(" ".join(c.text.split()) for c in cites)
        _add(brief, _sentence(f"{who} mention: {names}"), cites, "facts:topics", labels)
    singles = [f for f in usable if f.status == "single" or f.origins <= 1]
    shared_spans = [c for f in usable if f.origins > 1 for c in f.support]
    for aid in article_ids:
        own = [f for f in singles if f.support[0].article == aid]
        label = labels.get(aid, aid)
        claims = [f for f in own if f.kind != "item"]
        limit = MAX_SINGLE_PER_ARTICLE if n_articles > 1 else MAX_SHARED
        taken = 0
        for f in claims:
            if taken >= limit:
                break
            cite = _readable(f, used)
            if cite is None:
                continue
            own_words = _cite_of(f)
            if (cite.start, cite.end) != (own_words.start, own_words.end) and any(
                c.article == cite.article and c.start < cite.end and cite.start < c.end
                for c in shared_spans
            ):
                continue  # its whole sentence also states shared facts: not "only X reports"
            taken += 1
            disputed = _disputed(cite, conflicts)
            if disputed is not None:
                _add_disputed(brief, cite, disputed, f"fact:{f.id}", labels, "Only ")
                continue
            text = _sentence(cite.text)
            copies = [c for c in f.support[1:] if c.article != aid]
            cited = [cite, *copies]
            if n_articles > 1 and copies:
                also = ", ".join(labels.get(c.article, "") for c in copies)
                text = f"Only {label} reports (also run by {also}): {text}"
            elif n_articles > 1:
                text = f"Only {label} reports: {text}"
            _add(brief, text, cited, f"fact:{f.id}", labels)
        items = [f for f in own if f.kind == "item"][:MAX_ITEMS]
        if items and n_articles > 1:
            cites = [_cite_of(f) for f in items]
            names = "; ".join(" ".join(c.text.split()) for c in cites)
            _add(brief, _sentence(f"Only {label} mentions: {names}"), cites, "facts:topics", labels)
    # statements credited to different sources stay in the differences, not in the brief:
    # both sources may have said it, and the brief keeps to what the sources disagree on
    ranked = sorted(
        (d for d in differences if not d.explanation.startswith(CREDITED_STATEMENT)),
        key=lambda d: {"conflict": 0, "unclear": 1, "compatible": 2}[d.grade],
    )
    for n, d in enumerate(ranked[:MAX_DIFFERENCES]):
        if len(d.sides) < 2:
            continue
        if len(d.sides) > 2 and d.kind in ("number", "duration", "date"):
            given = "; ".join(
                f'{labels.get(s.article, s.article)} "{_clip(s.text)}"' for s in d.sides
            )
            verdict = "they cannot all be true" if d.grade == "conflict" else "which are compatible"
            text = f"The reports differ: {given}; {verdict}."
            _add(brief, text, list(d.sides), f"difference:{n}", labels)
            continue
        if len(d.sides) > 2 and d.kind == "quote_wording":
            given = "; ".join(
                f'{labels.get(s.article, s.article)} "{_clip(s.text)}"' for s in d.sides
            )
            _add(
                brief,
                f"The quoted words differ: {given}.",
                list(d.sides),
                f"difference:{n}",
                labels,
            )
            continue
        a, b = d.sides[0], d.sides[1]
        la, lb = labels.get(a.article, a.article), labels.get(b.article, b.article)
        text = _difference_sentence(d, la, lb, _clip(a.text), _clip(b.text))
        _add(brief, text, [a, b], f"difference:{n}", labels)
    return brief
