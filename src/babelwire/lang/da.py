"""Danish.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "premierminister minister kansler senator general generalen prins prinsen dr journalisten journalist "
    "korrespondent chef chefen kandidaten professor biskop"
)

#: endings of compound role words
TITLE_ENDINGS = ("minister", "chef", "chefen", "journalist", "journalisten")

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("partiet parti organisationen organisation kanalen")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("institut universitet bank banken rådet kommissionen gruppen domstol kontor parlament")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("af")

#: common given names, for names at a sentence start
GIVEN_NAMES = words("mette kristian")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'i forgårs': ('day', -2), 'i går': ('day', -1), 'i dag': ('day', 0), 'i morgen': ('day', 1),
             'sidste uge': ('week', -1), 'næste uge': ('week', 1), 'sidste måned': ('month', -1),
             'sidste år': ('year', -1), 'i år': ('year', 0)},
    month_forms=('januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september',
                 'oktober', 'november', 'december'),
    month_leads='i',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"sjtj": "shch", "tj": "ch", "sj": "sh", "ch": "kh", "zj": "zh"}

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("s",)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "siger", "sagde", "fortæller", "fortalte", "skriver", "skrev", "mener", "udtaler", "udtalte", "tilføjer",
    "tilføjede", "svarer", "svarede", "understreger", "advarer", "oplyser", "ifølge",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "ifølge",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("han hun")
