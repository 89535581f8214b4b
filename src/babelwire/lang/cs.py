"""Czech: names are inflected, and š, č, ž write English sh, ch, zh.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words("prezident direktor dr prof pan ekonom")

#: endings of compound role words
TITLE_ENDINGS = ("direktor",)

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("institut rada parlament kongres")

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("most stadion")

#: common given names, for names at a sentence start
GIVEN_NAMES = words("petr jan pavel viktor marie")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'předevčírem': ('day', -2), 'včera': ('day', -1), 'dnes': ('day', 0), 'zítra': ('day', 1),
             'minulý týden': ('week', -1), 'příští týden': ('week', 1), 'minulý měsíc': ('month', -1),
             'loni': ('year', -1), 'letos': ('year', 0)},
    month_forms=('leden|ledna|lednu', 'únor|února|únoru', 'březen|března|březnu', 'duben|dubna|dubnu',
                 'květen|května|květnu', 'červen|června|červnu', 'červenec|července|červenci',
                 'srpen|srpna|srpnu', 'září', 'říjen|října|říjnu', 'listopad|listopadu',
                 'prosinec|prosince|prosinci'),
    month_leads='v|od|do',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"š": "sh", "č": "ch", "ž": "zh", "ř": "rzh", "ch": "kh", "c": "ts", "ň": "n"}

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("ovi", "ého", "ému", "em", "ou", "ým", "a", "e", "u", "y", "i", "ě")

#: the nominative endings an oblique stem may take back
NOMINATIVE_ENDINGS = ("", "a")

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "řekl", "řekla", "uvedl", "uvedla", "prohlásil", "prohlásila", "dodal", "dodala", "napsal", "napsala",
    "podle", "říká", "uvádí", "zdůraznil", "zdůraznila", "upozornil", "oznámil", "vysvětlil", "konstatoval",
    "poznamenal", "odpověděl", "sdělil", "míní",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "podle",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("on ona")
