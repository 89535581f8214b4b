"""Polish: names are inflected (Łukaszenki), and sz, cz, rz write English sh, ch, zh.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

import re

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "prezydent prezydenta premier minister ministra burmistrz król dr prof pan pani dziennikarz reporter "
    "rzecznik direktor ambasador sekretarz ekonom biskup pułkownik trener"
)

#: endings of compound role words
TITLE_ENDINGS = ("direktor",)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("agencja partia firma spółka organizacja gazeta")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "instytut uniwersytet bank ministerstwo rada komisja unia szpital tv radio komitet forum federacja "
    "armia sekretariat sąd trybunał izba telewizja parlament sejm senat kongres kartel"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("szpital katedra więzienie lotnisko most pałac plac ulica stadion kaplica")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "ten ta to te i a ale lub jeśli gdy on ona oni my ja w na z do od po przed podczas według także"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "aleksander józef jan piotr paweł walerij siergiej tomasz andrzej mateusz jarosław lech marek jerzy "
    "dawid wojciech krzysztof agnieszka katarzyna magdalena maria anna"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'przedwczoraj': ('day', -2), 'wczoraj': ('day', -1), 'dzisiaj': ('day', 0), 'dziś': ('day', 0),
             'jutro': ('day', 1), 'w zeszłym tygodniu': ('week', -1), 'w ubiegłym tygodniu': ('week', -1),
             'w tym tygodniu': ('week', 0), 'w przyszłym tygodniu': ('week', 1),
             'w zeszłym miesiącu': ('month', -1), 'w ubiegłym miesiącu': ('month', -1),
             'w zeszłym roku': ('year', -1), 'w ubiegłym roku': ('year', -1), 'w tym roku': ('year', 0)},
    month_forms=('styczeń|stycznia|styczniu', 'luty|lutego|lutym', 'marzec|marca|marcu',
                 'kwiecień|kwietnia|kwietniu', 'maj|maja|maju', 'czerwiec|czerwca|czerwcu',
                 'lipiec|lipca|lipcu', 'sierpień|sierpnia|sierpniu', 'wrzesień|września|wrześniu',
                 'październik|października|październiku', 'listopad|listopada|listopadzie',
                 'grudzień|grudnia|grudniu'),
    month_leads='w|od|we',
    weekday_forms=('poniedziałek', 'wtorek', 'środę|środa', 'czwartek', 'piątek', 'sobotę|sobota',
                   'niedzielę|niedziela'),
    weekday_leads='w|we|od|do|ubiegły|zeszły|przyszły|najbliższy|ostatni',
    weekday_last='ubiegły|zeszły|ostatni',
    weekday_next='przyszły|najbliższy',
    weekday_after=r'(?:rano|wieczorem|po\s+południu|w\s+nocy)',
    not_weekday=r'(?:wielki|wielką|w\s+każdy|w\s+każdą)\s+$',
    future=r'będzie|będą|zostanie|zostaną|odbędzie|odbędą|ma\s+się|mają\s+się|planuje'
           r'|planowan\w*|przyszł\w*|najbliższ\w*',
    past=r'\w+(?:ł|ła|ło|li|ły)|został\w*|było|był\w*',
    year_join=r'\s+',
    idioms=(),
    names=r'dziś\s+tv',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {
    "szcz": "shch", "sz": "sh", "cz": "ch", "rz": "zh", "ż": "zh", "ź": "zh", "ś": "sh", "ć": "ch", "ch": "kh",
    "c": "ts", "ń": "n", "ł": "l",
}

#: run before SPELLING: i after a consonant only softens it (Siergiej → Sergej)
SPELLING_BEFORE = ((re.compile(r"(?<=[bcdfghklmnprstwzż])ie"), "e"),)

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("owi", "ego", "emu", "iem", "em", "ie", "ą", "ę", "a", "u", "y", "i", "ej")

#: the nominative endings an oblique stem may take back
NOMINATIVE_ENDINGS = ("", "a")

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "powiedział", "powiedziała", "mówi", "mówił", "stwierdził", "stwierdziła", "oświadczył", "oświadczyła",
    "dodał", "dodała", "napisał", "napisała", "pisze", "według", "podkreślił", "podkreśliła", "zaznaczył",
    "zaznaczyła", "ogłosił", "ogłosiła", "przekonywał", "przekonuje", "wyjaśnił", "wyjaśnia", "tłumaczy",
    "tłumaczył", "twierdzi", "twierdził", "ocenił", "ocenia", "zapowiedział", "przyznał", "odpowiedział",
    "poinformował", "ostrzegł", "apelował", "zauważył", "skomentował", "relacjonował", "wskazał", "dopytywał",
    "pytał", "zapytał",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "według",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("on ona ono oni")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "bot-block": (
        "odnotowaliśmy ogromną ilość połączeń",
        "zauważyliśmy ogromną liczbę połączeń",
        "nagraliśmy ogromną liczbę połączeń",
        "ktoś nadużył adresu ip",
        "ktoś nadużywał adres ip",
    ),
    "consent": ("aby poprawić swoją witrynę, wyświetlać istotne materiały informacyjne",),
    "ad-block": ("czy wiesz, że używasz adblock", "wyłącz adblock", "korzystasz z adblocka"),
}
