"""Swedish.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "president presidenten premiär premiärminister premiärministern minister ministern kansler "
    "förbundskansler senator senatorn general generalen borgmästare borgmästaren kung kungen drottning "
    "drottningen prins prinsen påven dr prof herr journalisten journalist reporter korrespondent "
    "talesperson talesman oppositionsledaren oppositionsledare ledaren chef chefen vd ambassadör "
    "sekreterare generalsekreterare ordförande ordföranden presidentkandidat kandidaten expert experten "
    "analytiker professor professorn chefsekonom ekonom ekonomen tsaren biskop kapten överste tränare"
)

#: endings of compound role words
TITLE_ENDINGS = (
    "minister", "ministern", "chef", "chefen", "president", "presidenten", "ledare", "ledaren", "sekreterare",
    "direktör", "ekonom", "ekonomen", "journalist", "journalisten", "kommissionär",
)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words(
    "nyhetsbyrån byrån tidningen nyhetsbyrå tankesmedjan partiet parti bolaget företaget organisationen "
    "organisation kanalen"
)

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "institut institutet universitet partiet bank banken rådet kommission kommissionen union unionen "
    "förening ab gruppen sjukhus sjukhuset klinik stiftelse stiftelsen tv radio kommittén forum domstol "
    "förbund förbundet armén polisen kontor sekretariat organisation parlament senat kartell"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("sjukhus sjukhuset stadion")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("af för")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "det den de en ett att och men om när som han hon hen vi ni jag du de dem deras hans hennes i på av "
    "för med till från under efter innan enligt nu då där här vad vem också även"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "johan jan anders magnus ulf lars karin ebba magdalena sanna jonas kristian kristersson martin eva "
    "emma"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'en': 1, 'ett': 1, 'två': 2, 'tre': 3, 'fyra': 4, 'fem': 5, 'sex': 6, 'tio': 10},
    units={'dag': 'day', 'dagar': 'day', 'vecka': 'week', 'veckor': 'week', 'månad': 'month',
           'månader': 'month', 'år': 'year'},
    ago=r'för (?P<n>\w+) (?P<unit>\w+) sedan',
    phrases={'i förrgår': ('day', -2), 'igår': ('day', -1), 'i går': ('day', -1), 'idag': ('day', 0),
             'i dag': ('day', 0), 'imorgon': ('day', 1), 'i morgon': ('day', 1), 'förra veckan': ('week', -1),
             'i veckan': ('week', 0), 'denna vecka': ('week', 0), 'nästa vecka': ('week', 1),
             'förra månaden': ('month', -1), 'nästa månad': ('month', 1), 'förra året': ('year', -1),
             'i fjol': ('year', -1), 'i år': ('year', 0), 'nästa år': ('year', 1)},
    month_forms=('januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september',
                 'oktober', 'november', 'december'),
    month_leads='i|sedan|under|sedan i|i slutet av|i början av',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"sjtj": "shch", "sj": "sh", "tj": "ch", "ch": "kh", "dzj": "j", "zj": "zh"}

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("s",)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "säger", "sa", "sade", "berättar", "berättade", "skriver", "skrev", "menar", "uppger", "uppgav",
    "konstaterar", "konstaterade", "förklarar", "förklarade", "hävdar", "hävdade", "tillägger", "lade till",
    "svarar", "svarade", "framhåller", "betonar", "betonade", "varnar", "varnade", "meddelar", "meddelade",
    "tillade", "understryker", "frågar", "frågade", "twittrade", "enligt",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "enligt",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("han hon hen")
