"""News line cleaning: which lines of scraped article text are page furniture, and why.

Each rule is a shape of line that newsrooms and page templates produce (teasers, share and
newsletter prompts, comment invitations, contributor credits, update notes, corrections,
copyright and photo credits), bounded by a word count so a real paragraph that happens to
start the same way is kept. A line is classified as a whole; nothing is rewritten.

Corrections (``Correction: …``, ``An earlier version of this story …``) are removed with the
reason ``correction``: they talk about the article, not about the event, and would otherwise
become claims ("an earlier version said X"). They stay in ``Article.removed``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsprism.clean.text import has_letters, word_set

_I = re.IGNORECASE

# Separators that end a teaser lead: "Read more:", "RELATED |", "Watch »", "See also -".
_SEP = r"\s*(?:[:|»>›]+|[-–—]+(?=\s))"
_TEASER_LEAD = (
    r"(?:(?:also|must)\s+)?(?:read|see|watch|listen|explore|discover)"
    r"(?:\s+(?:more|next|also|this|now|too|here|on))?"
    r"|related(?:\s+(?:articles?|stories|story|content|coverage|links?|reading|topics?|news|posts?"
    r"|videos?))?"
    r"|recommended(?:\s+(?:for\s+you|reading|stories|articles?|videos?))?"
    r"|more(?:\s+(?:from|on|about|in|stories|news|coverage|headlines)\b[^:|»>›]{0,40})?"
    r"|(?:up|coming)\s+next|next\s+up|most\s+(?:read|popular|viewed|shared|watched)"
    r"|trending(?:\s+(?:now|stories|news))?|top\s+(?:stories|headlines)|don'?t\s+miss"
    r"|editor'?s?\s+picks?|you\s+(?:may|might|could)\s+(?:also\s+)?(?:like|enjoy|be\s+interested)"
    r"|further\s+reading|in\s+case\s+you\s+missed\s+it|popular\s+(?:now|stories)"
)
# A teaser lead with a separator and a headline after it, or the lead alone on its line.
_TEASER = re.compile(rf"^(?:{_TEASER_LEAD}){_SEP}\s*\S.*$|^(?:{_TEASER_LEAD})\s*[:|»>›]?$", _I)
# Lead-only lines that introduce a list of teaser headlines.
_TEASER_HEADER = re.compile(rf"^(?:{_TEASER_LEAD})\s*[:|»>›]?$", _I)

_COMMUNITY = re.compile(
    r"^(?:join|start|continue|enter)\s+the\s+(?:conversation|discussion|debate)\b"
    r"|^(?:\d[\d,.]*\s*k?\s+)?comments?(?:\s*\(\d+\))?\s*:?$"
    r"|^(?:leave|post|add|write|view|show|hide|load|read|see|open)\s+"
    r"(?:a\s+|an\s+|all\s+|the\s+|your\s+|more\s+|\d+\s+)?(?:comments?|replies|responses?)\b"
    r"|^(?:have\s+your\s+say|comment\s+on\s+this\s+(?:story|article|post)"
    r"|what\s+do\s+you\s+think\??|tell\s+us\s+what\s+you\s+think\b|comments\s+are\s+closed\b"
    r"|be\s+the\s+first\s+to\s+comment\b|community\s+guidelines\b|conversation\s+guidelines\b)"
    r"|^(?:log|sign)\s*(?:in|up)\s+to\s+(?:comment|reply|join)\b",
    _I,
)
_NETWORKS = (
    r"facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|telegram|print|copy\s+link"
    r"|copy|messenger|flipboard|tumblr|share|tweet|mail|sms|threads|bluesky|mastodon|link"
)
_SHARE = re.compile(
    r"^share(?:\s+(?:this|the)\s+(?:article|story|post|page|video|link|gallery|photos?|list))?"
    r"(?:\s+(?:on|via|with)\s+[\w\s]{1,30})?\s*:?$"
    r"|^(?:click\s+to\s+)?(?:share|tweet|pin|e-?mail|send)\s+(?:this\s+(?:article|story|post|page)"
    r"|on|via)\b"
    rf"|^(?:(?:{_NETWORKS})[\s,|·•/]*){{2,}}$"
    r"|^(?:tweet|print|e-?mail|copy\s+link|whatsapp|facebook|twitter|linkedin|save|"
    r"gift\s+(?:this\s+)?article|bookmark)$",
    _I,
)
_SOCIAL = re.compile(
    r"^(?:follow|like|find|connect\s+with|join)\s+(?:us|me|him|her|them|[\w.@'’-]+(?:\s+[\w.@'’-]+)"
    r"{0,3})\s+on\s+(?:twitter|x|facebook|instagram|linkedin|threads|bluesky|youtube|"
    r"mastodon|whatsapp|telegram|google\s+news|social\s+media|flipboard)\b"
    r"|^follow\s+(?:us|@\w+)\b",
    _I,
)
_NEWSLETTER = re.compile(
    r"^(?:sign\s*up|subscribe|register|get|receive|want)\b.{0,160}?\b(?:newsletters?|inbox|"
    r"e-?mail\s+(?:alerts?|updates?|briefing)|alerts?|briefing|digest|podcast|channel)\b"
    r"|^(?:sign\s*up|subscribe)(?:\s+(?:now|today|here))?[.!]?$"
    r"|^newsletters?$|^(?:enter|type)\s+your\s+e-?mail\b|^your\s+e-?mail\s+address\b"
    r"|^(?:already|not)\s+a\s+subscriber\b|^(?:subscribe|sign\s+up)\s+to\s+(?:continue|read)\b",
    _I,
)
_ADVERT = re.compile(
    r"^(?:advertisement|advertising|advert|ad|ads|sponsored(?:\s+(?:content|links?|stories|post))?"
    r"|paid\s+(?:content|post)|promoted(?:\s+(?:content|stories))?|partner\s+content"
    r"|story\s+continues\s+below(?:\s+(?:this\s+)?(?:advertisement|ad))?"
    r"|(?:the\s+)?(?:article|story)\s+continues\s+(?:below|after\s+(?:this\s+|the\s+)?"
    r"(?:advertisement|advert|ad))|continue\s+reading(?:\s+(?:below|the\s+main\s+story))?"
    r"|scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:with|reading)\s+content)?"
    r"|skip\s+advert(?:isement)?|ad\s+feedback|report\s+(?:this\s+)?ad)\s*[.:]?$",
    _I,
)
_NAVIGATION = re.compile(
    r"^(?:skip\s+to\s+(?:main\s+)?(?:content|navigation)|skip\s+navigation|back\s+to\s+top"
    r"|return\s+to\s+top|go\s+to\s+top|top\s+of\s+page|(?:next|previous)\s+(?:article|story|post"
    r"|page)|prev|main\s+menu|menu|search|home|log\s*in|log\s*out|sign\s+(?:in|out)|close"
    r"|toggle\s+navigation|cookie\s+settings|accept\s+(?:all\s+)?cookies?|privacy\s+policy"
    r"|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|contact\s+us|about\s+us"
    r"|listen\s+to\s+(?:this\s+)?(?:article|story)(?:\s+\d+\s+min(?:utes?)?)?"
    r"|print\s+(?:this\s+)?(?:article|page|story)|advertise\s+with\s+us"
    r"|(?:\d+\s*)?min(?:ute)?s?\s+read|(?:view|open|see)\s+(?:the\s+)?(?:gallery|slideshow"
    r"|photos?|images?)|\d+\s+(?:photos?|images?)|(?:image|photo)\s+\d+\s+of\s+\d+)\s*[.:]?$"
    r"|^(?:click|tap|press)\s+here\b",
    _I,
)
_CREDIT_STRONG = re.compile(
    r"\bcontributed\s+(?:(?:additional\s+)?reporting(?:\s+(?:to|for)\s+this\s+(?:report|story"
    r"|article))?|to\s+(?:this|the|today'?s)\s+(?:report|story|article|piece|coverage|dispatch)"
    r"|research|reporting\s+from\s+[^.]{1,60})\s*\.?\)?\s*$",
    _I,
)
_CREDIT_BARE = re.compile(r"^(?P<who>.+?)\s+(?:also\s+)?contributed\s*\.?\)?\s*$", _I)
_CREDIT_WORDS = word_set(
    "and in from of the at for with also writer writers reporter reporters correspondent "
    "correspondents staff producer producers contributor contributors researcher researchers "
    "editor editors journalist journalists photographer photographers bureau chief senior data "
    "team desk press associated"
)
_ROLE_BY = re.compile(
    r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|translated|"
    r"produced|edited|fact-checked|graphics?|illustrations?|text|words|video)\s+by\s+",
    _I,
)
_UPDATE_NOTE = re.compile(
    r"^(?:this|the|an?)\s+(?:story|article|post|report|piece|page|headline|report)\s+"
    r"(?:was|has\s+been|have\s+been|is\s+being|will\s+be|had\s+been)\s+(?:updated|corrected|"
    r"amended|revised|edited|changed|clarified|expanded)\b"
    r"|^(?:this\s+is\s+a\s+)?developing\s+story\b|^(?:this|the)\s+story\s+is\s+developing\b"
    r"|^(?:this\s+is\s+)?breaking\s+news[.!]?$"
    r"|^updated\s+(?:with|to\s+(?:add|include|reflect)|throughout)\b"
    r"|^editor(?:['’]?s)?\s+note\s*[:.\-–—]",
    _I,
)
_CORRECTION = re.compile(
    r"^corrections?(?:\s+(?:and|&)\s+clarifications?)?\s*[:.\-–—]"
    r"|^clarification\s*[:.\-–—]"
    r"|^an?\s+(?:earlier|previous|prior)\s+version\s+of\s+this\s+(?:story|article|report|post"
    r"|headline|piece)\b",
    _I,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|all\s+rights\s+reserved\b)|\ball\s+rights\s+reserved\.?$"
    r"|^this\s+(?:material|article|content)\s+(?:may|must)\s+not\s+be\b"
    r"|\bmay\s+not\s+be\s+(?:published|reproduced),?\s+(?:broadcast|rewritten|redistributed"
    r"|distributed|transmitted)\b",
    _I,
)
_PHOTO_AGENCIES = (
    r"getty\s+images|afp|ap|reuters|epa|epa-efe|shutterstock|bloomberg|alamy|nurphoto|sipa"
    r"|pool|upi|xinhua|kyodo|anadolu|imago|zuma\s+press|dpa|picture\s+alliance|file"
)
_CAPTION = re.compile(
    r"^(?:photo|photograph|image|picture|video|graphic|illustration|caption|credit|file\s+photo)"
    r"s?(?:\s+credit)?\s*[:|/©]"
    r"|\((?:[^()]{0,60}\b(?:photo|photos|photograph|image|images|pictures?)\b\s*/[^()]{1,80}"
    r"|[^()]{0,80}/\s*(?:getty\s+images|afp|ap|reuters|epa|shutterstock)[^()]{0,40})\)\s*\.?$"
    rf"|^(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,4}})\s*[/|]\s*(?:{_PHOTO_AGENCIES})\b"
    r"(?:\s+via\s+[\w\s]{1,30})?$"
    r"|^(?:getty\s+images|shutterstock|alamy|afp\s+via\s+getty\s+images)$",
    _I,
)
_BYLINE = re.compile(r"^by\s+(?P<names>[^\d].*?)\s*$", _I)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’-]*|[a-z]{1,3}|and|&|de|van|von|der|la|le|bin|al-\w+)$")
_NOT_NAMES = re.compile(
    r"^(?:the|a|an|this|that|then|now|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|far|then|contrast|comparison|law|default|design|definition|noon|midnight|mid|late|early)\b",
    _I,
)


@dataclass(slots=True, frozen=True)
class Rule:
    """One shape of page-furniture line.

    ``leads``, ``keywords`` and ``digit_lead`` are a cheap gate: a necessary condition, on the
    line in lower case, for ``test`` to hold (the line starts with one of ``leads``, or with a
    digit when ``digit_lead``, or contains one of ``keywords``). ``test`` runs only when the
    gate holds; a rule with none of the three always runs ``test``."""

    reason: str
    max_words: int
    test: Callable[[str], object]
    leads: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    digit_lead: bool = False

    @property
    def gated(self) -> bool:
        return bool(self.leads or self.keywords or self.digit_lead)

    def gate(self, low: str) -> bool:
        """Whether ``test`` can hold for a line whose lower case is ``low``."""
        return (
            not self.gated
            or low.startswith(self.leads)
            or (self.digit_lead and low[:1].isdecimal())
            or any(word in low for word in self.keywords)
        )


def _names_after_by(text: str) -> bool:
    """``Reporting by A; Editing by B`` and the like: after each ``… by`` come names only."""
    parts = re.split(r"[;|]|\s+and\s+(?=\w+\s+by\b)", text.strip("() ."))
    for part in parts:
        m = re.match(r"^\s*(?:additional\s+)?[\w-]+(?:\s+[\w-]+)?\s+by\s+(.*)$", part, _I)
        if m is None:
            return False
        words = [w.strip(",.()") for w in m.group(1).split() if w.strip(",.()")]
        if not words:
            return False
        named = sum(1 for w in words if _NAME_WORD.match(w))
        if named < len(words) * 0.8 or not any(w[:1].isupper() for w in words):
            return False
    return True


def _mostly_names(text: str) -> bool:
    words = [w.strip(",.()'’") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    known = sum(1 for w in words if w[:1].isupper() or w.lower() in _CREDIT_WORDS)
    return known == len(words) and capitalised * 2 >= len(words)


def _contributed_credit(text: str) -> bool:
    """``… contributed reporting``, ``Jane Doe contributed.``"""
    if _CREDIT_STRONG.search(text) and _CREDIT_START.match(text):
        return True
    bare = _CREDIT_BARE.match(text.strip("()—–- "))
    return bare is not None and _mostly_names(_POSSESSIVE.sub("", bare["who"]))


def _role_credit(text: str) -> bool:
    """``Reporting by A; Editing by B``."""
    return bool(_ROLE_BY.match(text)) and _names_after_by(text)


_CREDIT_START = re.compile(r"^[\w(\"'“‘—–-]")
_POSSESSIVE = re.compile(r"['’]s\b")

# The gates below list, for each pattern, what every one of its alternatives starts with (or,
# for the unanchored ones, a word each alternative contains), in lower case.


def _leads(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_NETWORK_LEADS = _leads(
    "facebook twitter x linkedin whatsapp e reddit pinterest telegram print copy messenger "
    "flipboard tumblr share tweet mail sms threads bluesky mastodon link"
)
RULES: tuple[Rule, ...] = (
    Rule("empty", 1_000, lambda t: not has_letters(t)),
    Rule(
        "navigation",
        12,
        _NAVIGATION.search,
        leads=_leads(
            "skip back return go top next previous prev main menu search home log sign close "
            "toggle cookie accept privacy terms contact about listen print advertise min view "
            "open see image photo click tap press"
        ),
        digit_lead=True,
    ),
    Rule(
        "advertisement",
        10,
        _ADVERT.search,
        leads=_leads(
            "ad sponsored paid promoted partner story the article continue scroll skip report"
        ),
    ),
    Rule(
        "share",
        14,
        _SHARE.search,
        leads=(*_NETWORK_LEADS, "click", "pin", "send", "save", "gift", "bookmark"),
    ),
    Rule("social", 25, _SOCIAL.search, leads=("follow", "like", "find", "connect", "join")),
    Rule(
        "community",
        14,
        _COMMUNITY.search,
        leads=_leads(
            "join start continue enter comment leave post add write view show hide load read "
            "see open have what tell be community conversation log sign"
        ),
        digit_lead=True,
    ),
    Rule(
        "newsletter",
        40,
        _NEWSLETTER.search,
        leads=_leads(
            "sign subscribe register get receive want newsletter enter type your already not"
        ),
    ),
    Rule(
        "teaser",
        40,
        _TEASER.match,
        leads=_leads(
            "also must read see watch listen explore discover related recommended more up "
            "coming next most trending top don editor you further in popular"
        ),
    ),
    Rule("credit", 45, _contributed_credit, keywords=("contributed",)),
    Rule("credit", 45, _role_credit, keywords=("by",)),
    Rule(
        "update_note",
        60,
        _UPDATE_NOTE.search,
        leads=("this", "the", "a", "developing", "breaking", "updated", "editor"),
    ),
    Rule("correction", 90, _CORRECTION.search, leads=("correction", "clarification", "a")),
    Rule(
        "copyright",
        40,
        _COPYRIGHT.search,
        leads=("©", "(c)", "copyright", "this"),
        keywords=("reserved", "published", "reproduced"),
    ),
    Rule(
        "caption",
        60,
        _CAPTION.search,
        leads=_leads(
            "photo image picture video graphic illustration caption credit file getty "
            "shutterstock alamy afp"
        ),
        keywords=("/", "|"),
    ),
)
_MAX_WORDS = max(rule.max_words for rule in RULES[1:])
# The rules after ``empty`` as bits of an int (bit i: ``_GATED[i]``), so that a line's
# candidate rules are found with a few dictionary look-ups instead of a test per rule.
_GATED = RULES[1:]
_WORD_MASKS = tuple(
    sum(1 << i for i, rule in enumerate(_GATED) if n <= rule.max_words)
    for n in range(_MAX_WORDS + 1)
)
_LEADS_BY_INITIAL: dict[str, tuple[tuple[str, int], ...]] = {}
for _i, _rule in enumerate(_GATED):
    for _lead in _rule.leads:
        _LEADS_BY_INITIAL[_lead[0]] = (*_LEADS_BY_INITIAL.get(_lead[0], ()), (_lead, 1 << _i))
_KEYWORD_MASKS: dict[str, int] = {}
for _i, _rule in enumerate(_GATED):
    for _word in _rule.keywords:
        _KEYWORD_MASKS[_word] = _KEYWORD_MASKS.get(_word, 0) | 1 << _i
_DIGIT_MASK = sum(1 << i for i, rule in enumerate(_GATED) if rule.digit_lead)
_UNGATED_MASK = sum(1 << i for i, rule in enumerate(_GATED) if not rule.gated)
# Characters that IGNORECASE matches to an ASCII letter although ``str.lower`` does not map
# them to it (dotted and dotless i, long s): on a line with one, the gates are not used.
_ODD_CASE = ("\u0130", "\u0131", "\u017f")


def classify_line(text: str) -> str | None:
    """The reason ``text`` (one stripped line) is page furniture, or None for article text."""
    if not text:
        return None
    words = len(text.split())
    if words <= RULES[0].max_words and RULES[0].test(text):
        return RULES[0].reason
    if words > _MAX_WORDS:
        return None  # prose: too long for every other rule
    odd = not text.isascii() and any(ch in text for ch in _ODD_CASE)
    low = None if odd else text.lower()
    return _first_rule(text, words, low)


def _gate_mask(low: str, wanted: int) -> int:
    """Among the rules ``wanted``, those whose gate holds for a line whose lower case is
    ``low`` (``Rule.gate``)."""
    mask = _UNGATED_MASK
    for lead, bit in _LEADS_BY_INITIAL.get(low[:1], ()):
        if low.startswith(lead):
            mask |= bit
    if wanted & _DIGIT_MASK and low[:1].isdecimal():
        mask |= _DIGIT_MASK
    for word, bits in _KEYWORD_MASKS.items():
        if bits & wanted & ~mask and word in low:
            mask |= bits
    return mask & wanted


def _first_rule(text: str, words: int, low: str | None) -> str | None:
    """The first rule after ``empty`` that ``text`` (of ``words`` words) meets; ``low`` (the
    line in lower case) lets the gates skip patterns that cannot match, None runs them all."""
    mask = _WORD_MASKS[words]
    if low is not None:
        mask = _gate_mask(low, mask)
    while mask:
        bit = mask & -mask
        rule = _GATED[bit.bit_length() - 1]
        if rule.test(text):
            return rule.reason
        mask ^= bit
    return None


def is_teaser_header(text: str) -> bool:
    """A lead alone on its line (``Related Articles``, ``Read more``) that heads a list."""
    return bool(_TEASER_HEADER.match(text))


def byline_names(text: str) -> str | None:
    """The names of a byline line (``By Jane Doe and John Roe, Reuters``), else None."""
    if len(text.split()) > 14 or text.endswith((".", "?", "!", ":", '"', "”")):
        return None
    m = _BYLINE.match(text)
    if m is None:
        return None
    names = m["names"]
    if _NOT_NAMES.match(names):
        return None
    main = re.split(r",|\s[|–—-]\s", names, maxsplit=1)[0].strip()
    words = [w for w in main.split() if w]
    if not 1 <= len(words) <= 9:
        return None
    if not all(_NAME_WORD.match(w.strip(",")) for w in words):
        return None
    if sum(1 for w in words if w[:1].isupper()) < 2:
        return None
    return main
