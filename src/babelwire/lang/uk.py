"""Ukrainian: written in Cyrillic, with its own romanisation (Олександр → Oleksandr), names inflected.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words("президент президента президентом президенту міністр генерал король посол тренер")

#: endings of compound role words
TITLE_ENDINGS = ("міністр",)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("агентство газета")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("банк агентство")

#: common given names, for names at a sentence start; romanised as Latin-script news writes them (compared by
#: spelling key, so they also find the Cyrillic form)
GIVEN_NAMES = words("oleksandr volodymyr serhiy dmytro viktor pavlo olena oleksiy yulia mykhailo mykola ihor yurii")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'позавчора': ('day', -2), 'вчора': ('day', -1), 'сьогодні': ('day', 0), 'завтра': ('day', 1),
             'минулого тижня': ('week', -1), 'наступного тижня': ('week', 1), 'минулого місяця': ('month', -1),
             'минулого року': ('year', -1), 'цього року': ('year', 0)},
    month_forms=('січень|січня|січні', 'лютий|лютого|лютому', 'березень|березня|березні',
                 'квітень|квітня|квітні', 'травень|травня|травні', 'червень|червня|червні',
                 'липень|липня|липні', 'серпень|серпня|серпні', 'вересень|вересня|вересні',
                 'жовтень|жовтня|жовтні', 'листопад|листопада|листопаді', 'грудень|грудня|грудні'),
    month_leads='у|в|з|до',
)

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = (
    "ого", "ому", "ові", "ою", "ею", "ом", "ем", "ій", "ої", "ії", "а", "я", "у", "ю", "і", "и", "е",
)

#: the nominative endings an oblique stem may take back
NOMINATIVE_ENDINGS = ("", "а", "я", "й", "ь")

#: romanisation of Cyrillic; differs from Russian in г, и (Олександр → Oleksandr, Зеленський → Zelenskyi)
ROMANISATION = {
    "а": "a", "б": "b", "в": "v", "г": "h", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "y", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "заявив", "заявила", "сказав", "сказала", "каже", "зазначив", "зазначила", "додав", "додала", "написав",
    "написала", "повідомив", "повідомила", "за словами", "наголосив", "підкреслив", "пояснив", "розповів",
    "відповів", "оголосив", "вважає",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "за словами",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("він вона вони")
