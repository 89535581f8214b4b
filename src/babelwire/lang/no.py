"""Norwegian (Bokmål).

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "president presidenten premierminister minister kansler senator general generalen prins prinsen dr "
    "journalisten journalist korrespondent presidentkandidat kandidaten professor biskop trener"
)

#: endings of compound role words
TITLE_ENDINGS = ("minister", "president", "presidenten", "journalist", "journalisten")

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("partiet parti kanalen")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("universitet bank banken rådet gruppen domstol kontor parlament")

#: common given names, for names at a sentence start
GIVEN_NAMES = words("jonas kristian")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'i forgårs': ('day', -2), 'i går': ('day', -1), 'i dag': ('day', 0), 'i morgen': ('day', 1),
             'forrige uke': ('week', -1), 'neste uke': ('week', 1), 'forrige måned': ('month', -1),
             'i fjor': ('year', -1), 'i år': ('year', 0)},
    month_forms=('januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober',
                 'november', 'desember'),
    month_leads='i',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"sjtsj": "shch", "tsj": "ch", "sj": "sh", "zj": "zh"}

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("s",)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "sier", "sa", "sagde", "forteller", "fortalte", "skriver", "skrev", "mener", "uttaler", "uttalte",
    "legger til", "la til", "svarer", "svarte", "understreker", "advarer", "opplyser", "ifølge",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "ifølge",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("han hun")
