"""Portuguese.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words("presidente ministro ministra papa sr professor")

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("partido empresa gazeta")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("partido banco hospital tribunal parlamento senado departamento")

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("hospital catedral prisão aeroporto ponte")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("de da dos das")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "o a os as um uma e mas ou se quando ele ela eles nós eu em com de do da no na por para segundo após"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words("josé pedro luiz lula jair gustavo ana maria gabriel carlos")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'anteontem': ('day', -2), 'ontem': ('day', -1), 'hoje': ('day', 0), 'amanhã': ('day', 1),
             'semana passada': ('week', -1), 'próxima semana': ('week', 1), 'mês passado': ('month', -1),
             'ano passado': ('year', -1), 'este ano': ('year', 0)},
    month_forms=('janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro',
                 'outubro', 'novembro', 'dezembro'),
    month_leads='em|desde',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"ch": "sh", "nh": "ny", "lh": "ly"}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "disse", "diz", "afirmou", "afirma", "declarou", "explicou", "acrescentou", "escreveu", "segundo",
    "de acordo com", "garantiu", "anunciou", "destacou", "ressaltou", "salientou", "sublinhou", "respondeu",
    "contou", "comentou", "alertou", "informou", "frisou",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "segundo", "de acordo com",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("ele ela")
