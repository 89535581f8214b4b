"""Spanish.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "presidente ministro ministra general alcalde alcaldesa rey reina papa emir sr sra señor señora "
    "portavoz director directora embajador secretario obispo capitán entrenador"
)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("agencia partido empresa firma diario")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "institución universidad partido banco ministerio consejo agencia unión sa hospital tv radio comité "
    "tribunal federación ejército secretaría organización vocería cadena parlamento senado congreso "
    "asamblea cartel departamento"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("hospital catedral prisión cárcel aeropuerto puente palacio plaza calle estadio capilla")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("de del la el")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "el la los las un una y pero o si cuando él ella ellos nosotros yo en con de del al por para según "
    "tras antes desde durante también aquí este esta estos estas"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "josé josep juan pedro pablo carlos luis javier santiago ana mariano gabriel isabel lucia sofia maria "
    "julia gustavo"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'un': 1, 'una': 1, 'dos': 2, 'tres': 3, 'cuatro': 4, 'cinco': 5, 'seis': 6, 'diez': 10},
    units={'día': 'day', 'días': 'day', 'semana': 'week', 'semanas': 'week', 'mes': 'month', 'meses': 'month',
           'año': 'year', 'años': 'year'},
    ago=r'hace (?P<n>\w+) (?P<unit>\w+)',
    phrases={'anteayer': ('day', -2), 'ayer': ('day', -1), 'hoy': ('day', 0), 'la semana pasada': ('week', -1),
             'esta semana': ('week', 0), 'la próxima semana': ('week', 1), 'el mes pasado': ('month', -1),
             'el próximo mes': ('month', 1), 'el año pasado': ('year', -1), 'este año': ('year', 0),
             'el próximo año': ('year', 1)},
    month_forms=('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre',
                 'octubre', 'noviembre', 'diciembre'),
    month_leads='en|desde|a finales de|a principios de',
    weekday_leads=r'el|este|el\s+pasado|el\s+próximo|pasado|próximo|desde\s+el|hasta\s+el|del',
    weekday_last='pasado',
    weekday_next=r'próximo|que\s+viene',
    weekday_after=r'(?:por\s+la\s+(?:mañana|tarde|noche)|pasado|próximo)',
    not_weekday=r'(?:los|cada)\s+$',
    not_weekday_after=r'^\s+(?:santo|negro|a\s+(?!las?\b)\w+)',  # "de lunes a viernes": every week
    future=r'\w+(?:rá|rán|remos|ré)|va\s+a|van\s+a|prevé|previst[oa]s?|programad[oa]s?'
           r'|próxim[oa]s?|se\s+espera|está\s+previsto',
    past=r'\w+(?:ó|aron|ieron|ió|aba|aban|ado|ada|ido|ida)|dijo|fue|fueron|hizo|tuvo|estuvo|hubo|vino|dio',
    year_join=r'\s+(?:del?\s+)?',
    idioms=(r'hoy\s+en\s+d[ií]a', r'hoy\s+por\s+hoy', r'de\s+hoy\s+en\s+adelante'),
    names=r'diario\s+de\s+hoy|hoy\s+diario|la\s+prensa\s+de\s+hoy|el\s+diario\s+de\s+hoy|méxico\s+hoy',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"j": "kh", "ll": "y"}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "dijo", "dice", "declaró", "afirmó", "afirma", "aseguró", "asegura", "explicó", "añadió", "agregó",
    "señaló", "escribió", "según", "acorde a", "de acuerdo con", "advirtió", "anunció", "indicó", "detalló",
    "comunicó", "informó", "expresó", "manifestó", "sostuvo", "subrayó", "destacó", "insistió", "apuntó",
    "respondió", "precisó", "tuiteó", "relató", "contó",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "según", "acorde a", "de acuerdo con",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("él ella")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "paywall": ("la nota a la que intentas acceder es exclusiva para suscriptores",),
}
