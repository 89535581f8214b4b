"""Italian.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "presidente ministro ministra sindaco sindaca re regina principe papa signor signora prof giornalista "
    "portavoce ambasciatore segretario vescovo colonnello allenatore generale"
)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("agenzia partito azienda firma organizzazione diario giornale")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "istituto università partito banco banca ministero consiglio agenzia unione spa ospedale clinica tv "
    "radio comitato federazione esercito parlamento"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("ospedale duomo aeroporto ponte palazzo via stadio cappella")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("de del della di da la")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "il lo la gli le uno una e ma o se quando lui lei loro noi io in con di del della al per secondo dopo "
    "prima durante anche qui questo questa"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "giovanni pietro marco mario roberto roberta michele stefano giorgia matteo luca lucia sofia maria"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={"l'altro ieri": ('day', -2), 'ieri': ('day', -1), 'oggi': ('day', 0), 'domani': ('day', 1),
             'la settimana scorsa': ('week', -1), 'la scorsa settimana': ('week', -1),
             'questa settimana': ('week', 0), 'la prossima settimana': ('week', 1),
             'il mese scorso': ('month', -1), "l'anno scorso": ('year', -1), 'l’anno scorso': ('year', -1),
             "quest'anno": ('year', 0)},
    month_forms=('gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre',
                 'ottobre', 'novembre', 'dicembre'),
    month_leads='a|in|da|a fine|a inizio',
)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "ha detto", "dice", "disse", "ha dichiarato", "dichiara", "ha affermato", "afferma", "ha spiegato",
    "spiega", "ha aggiunto", "aggiunge", "ha scritto", "scrive", "secondo", "ha sottolineato", "sottolinea",
    "ha annunciato", "annuncia", "ha commentato", "commenta", "ha precisato", "ha ribadito", "ha assicurato",
    "ha avvertito", "ha risposto", "ha raccontato", "racconta",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "secondo",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("lui lei")
