"""Word lists the analysis rules use: titles, speech verbs, hedges, entity labels.

General English newsroom vocabulary only; nothing here names a particular story.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


#: spaCy entity labels kept as mentions (dates, numbers and money go to temporal/quantities).
ENTITY_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)

#: Words that head a personal title ("President", "Secretary", "Dr."), lower case, no dot.
TITLE_CORE = frozenset(
    _words(
        """
        president vice prime minister secretary senator sen rep representative congressman
        congresswoman governor gov mayor dr mr mrs ms miss mx prof professor judge justice
        chancellor king queen prince princess pope emperor general gen lt col colonel maj
        major capt captain adm admiral sgt sergeant cmdr commander chairman chairwoman
        chairperson chair ambassador premier speaker attorney commissioner director chief
        spokesman spokeswoman spokesperson envoy sheikh emir sultan rev reverend bishop
        archbishop cardinal sir dame lord lady deputy assistant counselor adviser advisor
        ceo cfo coo chancellor-elect president-elect secretary-general superintendent
        inspector detective officer sheriff marshal lieutenant
        """
    )
)

#: Words that qualify a title ("Finance Minister", "Secretary of Labor", "Police Chief").
TITLE_QUALIFIERS = frozenset(
    _words(
        """
        state treasury defense defence foreign home interior commerce trade finance health
        education energy justice labor labour transportation transport agriculture homeland
        security national press economy economic environment culture veterans housing
        affairs development international internal external first former acting then senior
        junior general chief executive federal regional county city district supreme high
        appeals court army navy air force marine marines police fire public works industry
        information science technology digital war
        """
    )
)

#: Capitalised words that never start or continue a personal name after a title.
NOT_NAME = frozenset(
    _words(
        """
        the a an and or but of for in on at to by with from as monday tuesday wednesday
        thursday friday saturday sunday january february march april may june july august
        september october november december today yesterday tomorrow this that these those
        he she it they we i
        """
    )
)

#: Fused-word tails: "Roeis" = "Roe" + "is" in badly extracted or translated text.
FUSED_TAILS = frozenset(
    _words(
        """
        is was has had said says will would and the to of in on at as also
        """
    )
)

#: Verbs that introduce reported speech (lemmas).
SPEECH_VERBS = frozenset(
    _words(
        """
        say tell warn add state announce claim note insist argue explain write report
        confirm deny predict stress underscore emphasize emphasise reiterate assert declare
        acknowledge admit suggest reply respond ask urge caution comment remark observe
        indicate tweet post vow promise pledge threaten allege contend maintain recall
        conclude concede signal convey mention disclose reveal complain protest testify told
        says said
        """
    )
)

#: Heads of noun phrases that stand for their author: "a City Hall statement" → City Hall.
SOURCE_NOUNS = frozenset(
    _words(
        """
        readout statement briefing report release communique communiqué transcript summary
        account announcement post tweet filing document letter spokesman spokeswoman
        spokesperson spokespeople memo notice website
        """
    )
)

#: Verbs whose infinitive complement carries the real predicate ("is set to travel").
LIGHT_VERBS = frozenset(
    _words(
        """
        set expect plan schedule go due likely poise try seek want hope aim intend continue
        begin start appear seem need prepare agree decide refuse threaten vow promise pledge
        """
    )
)

#: Marks of conditional clauses, kept with their main clause rather than split off.
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "provided", "lest"})

#: Determiners dropped from the front of names and noun phrases.
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})

#: Pronouns that may be resolved to the last person mentioned.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})

#: Common short forms of place and organisation names, mapped to one canonical form.
NAME_ALIASES = {
    "us": "united states",
    "usa": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "eu": "european union",
    "un": "united nations",
    "uae": "united arab emirates",
    "dprk": "north korea",
    "ussr": "soviet union",
}

#: Hedge patterns: canonical name, a literal every match contains, and the expression over
#: lower-cased claim text.
HEDGE_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (name, trigger, re.compile(pattern))
    for name, trigger, pattern in (
        ("reportedly", "reportedly", r"\breportedly\b"),
        ("allegedly", "alleged", r"\balleged(?:ly)?\b"),
        ("according to", "according", r"\baccording to\b"),
        (
            "expected to",
            "expected",
            r"\b(?:is|are|was|were|be|been|being)\s+(?:widely\s+)?expected to\b",
        ),
        ("set to", "set to", r"\b(?:is|are|was|were|be)\s+set to\b"),
        ("plans to", "plan", r"\b(?:plans?|planned|planning)\s+to\b"),
        ("scheduled to", "scheduled", r"\bscheduled to\b"),
        ("poised to", "poised", r"\bpoised to\b"),
        ("likely", "likely", r"\b(?:un)?likely\b"),
        ("possibly", "possibly", r"\bpossibly\b"),
        ("probably", "probably", r"\bprobably\b"),
        ("apparently", "apparently", r"\bapparently\b"),
        ("appears to", "appear", r"\b(?:appears?|appeared)\s+to\b"),
        ("seems to", "seem", r"\b(?:seems?|seemed)\s+to\b"),
        ("believed to", "believed", r"\b(?:is|are|was|were)\s+believed to\b"),
        ("said to", "said to", r"\b(?:is|are|was|were)\s+said to\b"),
        ("understood to", "understood", r"\bunderstood to\b"),
        ("purportedly", "purport", r"\bpurported(?:ly)?\b"),
        ("supposedly", "supposedly", r"\bsupposedly\b"),
        ("rumored", "rumo", r"\brumou?red\b"),
        ("unconfirmed", "unconfirmed", r"\bunconfirmed\b"),
    )
)

#: Modal verbs that hedge a statement (found on tokens tagged MD, not by pattern: "May" is a month).
HEDGE_MODALS = frozenset({"may", "might", "could"})

#: Negative determiners and pronouns that negate the clause they object ("has no interest").
NEGATIVE_WORDS = frozenset({"no", "none", "nothing", "nobody", "neither", "nor", "never"})


def norm_word(text: str) -> str:
    """Lower case without a trailing dot: ``"Dr."`` → ``"dr"``."""
    return text.lower().rstrip(".")
