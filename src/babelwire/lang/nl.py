"""Dutch.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "president premier minister kanselier senator generaal burgemeester koning koningin prins prinsen "
    "paus dr prof journalist correspondent woordvoerder oppositiefiguur oppositieleider leider chef "
    "directeur ambassadeur secretaris voorzitter kandidaten kandidaat expert analist professor hoogleraar "
    "economist bisschop kapitein kolonel coach trainer"
)

#: endings of compound role words
TITLE_ENDINGS = (
    "minister", "president", "chef", "woordvoerder", "leider", "voorzitter", "figuur", "journalist", "commissaris",
)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words(
    "denktank persbureau nieuwsagentschap agentschap partij bedrijf firma organisatie krant omroep"
)

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "instituut universiteit partij bank banken ministerie raad commissie unie vereniging nv bv groep "
    "ziekenhuis kliniek fonds stichting tv radio forum rechtbank federatie verbond leger politie bureau "
    "organisatie parlement kartel"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("ziekenhuis stadion")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("de van der den")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "het een de dat die deze dit en maar of als toen hij zij ze wij we ik jij jullie hun zijn haar in op "
    "aan voor met van naar bij uit na tijdens volgens ook nu er daar hier wat wie"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words("jan mark peter")

#: the furniture of Dutch news pages (Kijk ook, Lees ook, Foto, Live), capitalised and no names
CAPITALISED_COMMON = words("kijk lees ook video foto update live")

#: adjective endings of nationalities, which this language capitalises
DEMONYM_ENDINGS = ("ische", "isch", "se", "ees")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'een': 1, 'twee': 2, 'drie': 3, 'vier': 4, 'vijf': 5, 'zes': 6, 'tien': 10},
    units={'dag': 'day', 'dagen': 'day', 'week': 'week', 'weken': 'week', 'maand': 'month', 'maanden': 'month',
           'jaar': 'year'},
    ago=r'(?P<n>\w+) (?P<unit>\w+) geleden',
    phrases={'eergisteren': ('day', -2), 'gisteren': ('day', -1), 'vandaag': ('day', 0), 'morgen': ('day', 1),
             'vorige week': ('week', -1), 'afgelopen week': ('week', -1), 'deze week': ('week', 0),
             'volgende week': ('week', 1), 'vorige maand': ('month', -1), 'afgelopen maand': ('month', -1),
             'volgende maand': ('month', 1), 'vorig jaar': ('year', -1), 'afgelopen jaar': ('year', -1),
             'dit jaar': ('year', 0), 'volgend jaar': ('year', 1)},
    month_forms=('januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september',
                 'oktober', 'november', 'december'),
    month_leads='in|sinds|eind|begin|half',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"sjtsj": "shch", "tsj": "ch", "sj": "sh", "oe": "u", "ch": "kh", "zj": "zh"}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "zegt", "zei", "zeiden", "zegden", "verklaarde", "verklaart", "schrijft", "schreef", "aldus", "stelt",
    "stelde", "voegde toe", "voegde eraan toe", "liet weten", "laat weten", "benadrukte", "benadrukt",
    "citeerde", "vertelde", "vertelt", "klonk het bij", "meldde", "meldt", "reageerde", "waarschuwde",
    "waarschuwt", "twitterde", "vroeg", "antwoordde", "volgens", "maakte bekend",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "volgens",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("hij zij ze")
