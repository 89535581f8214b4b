"""French.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "président premier ministre sénateur général maire roi reine prince pape dr prof m mme mlle "
    "journaliste porte-parole opposant chef directeur ambassadeur secrétaire président-directeur expert "
    "analyste colonel évêque capitaine coach"
)

#: endings of compound role words
TITLE_ENDINGS = ("ministre",)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("agence parti société organisation journal chaîne")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "institut université banque ministère conseil commission agence union association sa hôpital clinique "
    "fonds tv radio tribune comité tribunal fédération armée police bureau secrétariat organisation "
    "parlement sénat assemblée cartel parti"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("hôpital cathédrale prison aéroport pont palais rue stade chapelle")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("de du des la le")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "le la les un une des et mais ou si quand il elle ils elles nous je tu vous en dans sur pour avec de "
    "du au aux selon après avant depuis pendant aussi ici là ce cette ces qui que"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "alexandre victor jean pierre emmanuel marc michel nicolas stéphane marie anne sophie charles gabriel"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'un': 1, 'une': 1, 'deux': 2, 'trois': 3, 'quatre': 4, 'cinq': 5, 'six': 6, 'dix': 10},
    units={'jour': 'day', 'jours': 'day', 'semaine': 'week', 'semaines': 'week', 'mois': 'month', 'an': 'year',
           'ans': 'year'},
    ago=r'il y a (?P<n>\w+) (?P<unit>\w+)',
    phrases={'avant-hier': ('day', -2), 'hier': ('day', -1), "aujourd'hui": ('day', 0),
             'aujourd’hui': ('day', 0), 'demain': ('day', 1), 'la semaine dernière': ('week', -1),
             'cette semaine': ('week', 0), 'la semaine prochaine': ('week', 1),
             'le mois dernier': ('month', -1), 'le mois prochain': ('month', 1),
             "l'année dernière": ('year', -1), 'l’année dernière': ('year', -1), "l'an dernier": ('year', -1),
             'l’an dernier': ('year', -1), 'cette année': ('year', 0), "l'année prochaine": ('year', 1)},
    month_forms=('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
                 'octobre', 'novembre', 'décembre'),
    month_leads='en|depuis|fin|début|mi-',
    weekday_leads="ce|le|dès|depuis|jusqu'à|jusqu’à|dernier|prochain",
    weekday_last='dernier',
    weekday_next='prochain',
    weekday_after='(?:matin|soir|après-midi|dernier|prochain)',
    not_weekday=r'(?:les|chaque|tous\s+les)\s+$',
    not_weekday_after=r'^\s+(?:saint|noir)',
    future=r'\w+(?:era|eront|ira|iront|ront|rai|rons)|sera|seront|aura|auront|fera|feront|va'
           '|vont|doit|doivent|prévu|prévue|prochaine?s?',
    past=r'a|ont|avait|avaient|était|étaient|fut|\w+(?:é|ée|és|ées)|dit|fait|mis|pris|écrit',
    year_join=r'\s+',
    idioms=(r"au\s+jour\s+d['’]aujourd['’]hui", r"d['’]hier\s+et\s+d['’]aujourd['’]hui",
            r'le\s+monde\s+de\s+demain', r'du\s+jour\s+au\s+lendemain'),
    names=r"aujourd['’]hui\s+en\s+france|le\s+parisien",
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"tch": "ch", "ch": "sh", "ou": "u", "kh": "kh", "j": "zh", "dj": "j"}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "a déclaré", "déclare", "a dit", "dit", "affirme", "a affirmé", "a expliqué", "explique", "a ajouté",
    "ajoute", "a souligné", "souligne", "écrit", "a écrit", "estime", "a estimé", "selon", "d'après",
    "a assuré", "assure", "a averti", "avertit", "a lancé", "lance", "a annoncé", "annonce", "a indiqué",
    "indique", "a confié", "confie", "précise", "a précisé", "a tweeté", "a répondu", "répond", "insiste",
    "a insisté", "martèle", "a martelé", "rappelle", "a rappelé",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "selon", "d'après",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("il elle")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "ad-block": ("vous utilisez un adblock",),
}
