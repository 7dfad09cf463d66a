"""Word lists for framing: how an article characterises an event, hedges and loaded words.

Entries are stems (see :func:`newsprism.compare.text.stem`) so inflections match. These are
general English news vocabulary, not tuned to any story.
"""

from __future__ import annotations

import re

from newsprism.compare.text import wordset

#: Words that present an event as a confrontation.
CONFLICT = wordset("""
    clash spar confront confrontation feud spat dispute rebuke slam blast accuse accusation
    condemn criticize criticise criticism threaten threat hostile hostility tense acrimonious
    acrimony fraught anger angry ire fury furious outrage defy defiant escalate escalation
    retaliate retaliation fight battle standoff showdown rift strain strained friction denounce
    snub combative heated bitter sour row tussle quarrel wrangle sharp contentious stormy frosty icy testy rocky turbulent chill scold berate lambaste
    """)
#: Words that present an event as cooperation or détente.
COOPERATION = wordset("""
    constructive cordial productive positive friendly warm agree agreement cooperate cooperation
    cooperative thaw rapprochement breakthrough welcome promise pledge assure assurance
    reassure reassurance commit commitment progress partnership reconcile reconciliation
    de-escalate deescalate stabilize stabilise calm mend fruitful successful amicable respectful
    accord harmony goodwill détente detente reset rebuild unity unite ally
    """)
#: Tone words that qualify something ("tense", "cordial"): they frame an event only when they
#: qualify an interaction ("tense talks", "relations were strained", "described the call as
#: cordial"). The other tone words name an interaction themselves ("clashed", "a row", "agreed")
#: and frame an event when actors take part in it.
QUALITIES = wordset("""
    tense hostile acrimonious fraught angry furious heated bitter sour sharp contentious stormy
    frosty icy testy rocky turbulent chill strained combative defiant frank constructive cordial
    productive positive friendly warm fruitful successful amicable respectful calm cooperative
    """)
#: Nouns naming an interaction between actors (stems).
INTERACTIONS = wordset("""
    talk call meeting conversation relation relationship tie summit visit exchange discussion
    negotiation dialogue session encounter atmosphere debate consultation contact phone
    telephone videoconference chat interview hearing
    """)
#: Common nouns for actors (stems): people, organisations and countries named by role.
ACTORS = wordset("""
    leader official minister president premier chancellor government country nation side
    party delegation delegate negotiator diplomat lawmaker legislator senator protester police
    union company management worker rival ally neighbour neighbor superpower counterpart
    administration team secretary spokesman spokeswoman spokesperson envoy ambassador
    opposition coalition regime authority council committee
    """)
#: Words that never frame: literal physical events and attribution ("according to").
NOT_FRAMING = wordset("""
    collide collides collided colliding collision collisions crash crashes crashed crashing
    according accordance accordingly
    """)
#: Prepositions before a place name that make it a location, not an actor ("off Port X").
LOCATIVE = wordset("""
    in at off near on from to into onto across outside inside around over through toward
    towards along within beyond past via
    """)
#: Speech acts that cast one side as warning or pressing the other.
PRESSING_ACTS = wordset(
    "warn caution threaten accuse demand press urge admonish rebuke scold pressure"
)
#: Speech acts that cast one side as committing itself.
COMMITTING_ACTS = wordset("promise pledge assure assurance vow reassure commit guarantee")
#: Phrases that turn a conflict word into its opposite ("ease tensions").
EASING = re.compile(
    r"\b(?:eas(?:e|ed|es|ing)|reduc(?:e|ed|es|ing)|defus(?:e|ed|es|ing)|calm(?:ed|s|ing)?|"
    r"lower(?:ed|s|ing)?|cool(?:ed|s|ing)?|de-?escalat(?:e|ed|es|ing)|resolv(?:e|ed|es|ing)|"
    r"end(?:ed|s|ing)?|avoid(?:ed|s|ing)?|prevent(?:ed|s|ing)?|manag(?:e|ed|es|ing))\s+"
    r"(?:\w+\s+){0,3}?(?:tensions?|conflict|dispute|frictions?|hostilit(?:y|ies)|rift)\b",
    re.IGNORECASE,
)
#: Verbs that introduce an explicit characterisation: "described the call as frank".
DESCRIBE = re.compile(
    r"\b(?:describ|call|characteri[sz]|term|hail|label|dubb?|branded?|portray|cast)\w*\b"
    r"(?P<obj>[^.;:!?]{0,70}?)\bas\s+(?P<desc>[^.;:!?,]{2,80})",
    re.IGNORECASE,
)
#: Words that hedge a claim.
HEDGES = (
    "reportedly",
    "allegedly",
    "apparently",
    "purportedly",
    "supposedly",
    "according to",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "sources said",
    "people familiar with",
    "unconfirmed",
    "appears to",
    "appeared to",
    "seems to",
    "seemed to",
    "may have",
    "might have",
    "could have",
    "is believed to",
    "was believed to",
    "it is unclear",
    "it was unclear",
    "possibly",
    "probably",
    "likely",
)
#: Emotive or loaded words (judgement carried by the word itself).
LOADED = wordset("""
    slam slammed blast blasted clash clashed spark sparked fury furious ire outrage outraged
    dictator regime provocation provocations abuse abuses acrimonious fraught historic severe
    crisis chaos chaotic bombshell shocking explosive disastrous radical extremist propaganda
    aggressive aggression brutal dramatic stunning massive sweeping controversial draconian
    scandal meddling meddle crackdown hawkish rogue lash fiery horror horrific devastating
    catastrophic alarming menacing sinister notorious infamous tirade rant scathing blistering
    bully bullying thug puppet tyrant despot authoritarian landmark unprecedented humiliating
    embattled defiant slammed soaring plunge plunged skyrocketing doom
    """)
