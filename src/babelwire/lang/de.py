"""German: every noun is capitalised, so a capital letter says little without a determiner or a cue.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

import re

from babelwire.lang import DateWords, words

#: every noun is capitalised, so a capitalised word alone says little
CAPITALISES_NOUNS = True

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "präsident präsidenten präsidentin premierminister minister kanzler kanzlerin bundeskanzler "
    "bundeskanzlerin senator general bürgermeister bürgermeisterin könig königin prinz papst emir dr prof "
    "herr frau journalisten journalist reporter korrespondent sprecher sprecherin oppositionsführer chef "
    "direktor botschafter sekretär vorsitzende vorsitzender kandidaten experten analytiker professor "
    "sultan bischof hauptmann oberst trainer"
)

#: endings of compound role words
TITLE_ENDINGS = (
    "minister", "ministerin", "chef", "präsident", "präsidentin", "kanzler", "sprecher", "sprecherin", "führer",
    "sekretär", "direktor", "vorsitzender", "journalist", "journalisten", "kommissar",
)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words(
    "denkfabrik nachrichtenagentur agentur partei firma unternehmen konzern organisationen organisation "
    "zeitung journal sender"
)

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "institut universität partei bank banken ministerium rat kommission agentur union verband ag gmbh "
    "gruppe krankenhaus klinik fonds stiftung tv radio forum gericht föderation armee polizei büro "
    "sekretariat organisation parlament senat kartell"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words(
    "krankenhaus klinikum kathedrale dom gefängnis flughafen brücke palast platz straße strasse stadion "
    "kapelle"
)

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("von der den zu")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "der die das ein eine einen dem den des und aber oder wenn als er sie es wir ich du ihr im in am an "
    "auf für mit von zu nach bei aus seit während laut auch nun dort hier was wer"
)

#: common given names, for names at a sentence start
GIVEN_NAMES = words(
    "alexander wladimir viktor johann hans peter olaf angela ursula jens friedrich karl annalena michael "
    "stefan martin anna maria marie anne julia robert sophie"
)

#: months and weekdays, capitalised and no names
CAPITALISED_COMMON = words(
    "januar februar märz april juni juli august september oktober november dezember montag dienstag "
    "mittwoch donnerstag freitag samstag sonntag"
)

#: adjective endings of nationalities, which this language capitalises
DEMONYM_ENDINGS = ("ische", "ischen", "ischer", "isches", "isch")

#: articles and determiners: the capitalised word after one is a noun, not a name
DETERMINERS = words(
    "der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner dieser diese "
    "dieses diesen diesem jeder jede jedes seine seiner seinem seinen ihr ihre ihrem ihren unser unsere"
)

#: endings of common nouns (Beziehungen, Gipfeltreffen, Raketentests): such a word before a name
#: describes it (Gipfeltreffen Kims) and is no part of it
NOUN_ENDINGS = (
    "ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion", "tionen", "ität", "täten",
    "treffen", "tests", "test", "nis", "nisse", "ismus", "ment", "mente", "gruppe", "sender", "zeitung",
    "agentur", "ministerium",
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'einem': 1, 'einer': 1, 'zwei': 2, 'drei': 3, 'vier': 4, 'fünf': 5, 'sechs': 6, 'zehn': 10},
    units={'tag': 'day', 'tagen': 'day', 'woche': 'week', 'wochen': 'week', 'monat': 'month',
           'monaten': 'month', 'jahr': 'year', 'jahren': 'year'},
    ago=r'vor (?P<n>\w+) (?P<unit>\w+)',
    phrases={'vorgestern': ('day', -2), 'gestern': ('day', -1), 'heute': ('day', 0), 'morgen': ('day', 1),
             'letzte woche': ('week', -1), 'vergangene woche': ('week', -1), 'vorige woche': ('week', -1),
             'letzten woche': ('week', -1), 'vergangenen woche': ('week', -1), 'diese woche': ('week', 0),
             'nächste woche': ('week', 1), 'nächsten woche': ('week', 1), 'letzten monat': ('month', -1),
             'vergangenen monat': ('month', -1), 'nächsten monat': ('month', 1), 'letztes jahr': ('year', -1),
             'vergangenes jahr': ('year', -1), 'vergangenen jahr': ('year', -1), 'dieses jahr': ('year', 0),
             'nächstes jahr': ('year', 1)},
    month_forms=('januar', 'februar', 'märz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober',
                 'november', 'dezember'),
    month_leads='im|seit|bis|ende|anfang|mitte',
    weekday_leads='am|diesen|vergangenen|letzten|kommenden|nächsten|seit|bis|ab|von',
    weekday_last='vergangenen|letzten|vorigen',
    weekday_next='kommenden|nächsten',
    weekday_after='(?:abend|morgen|nachmittag|vormittag|mittag|nacht|früh)',
    not_weekday=r'(?:karfreitag|gründonnerstag|aschermittwoch)\s*$',
    future=r'wird|werden|soll|sollen|will|wollen|kommenden|nächsten|geplant|plant|planen|bevorstehend\w*|ab',
    past='war|waren|wurde|wurden|worden|hatte|hatten|hat|haben|sagte|sagten|teilte|teilten|konnte|konnten'
         '|musste|mussten|sollte|sollten|wollte|wollten|ging|gingen|kam|kamen|gab|gaben|nahm|nahmen|fand'
         '|fanden|stand|standen|lag|lagen|sah|sahen|hielt|hielten|fiel|fielen|rief|riefen|schrieb|schrieben'
         '|entschied|entschieden|begann|begannen|traf|trafen|sprach|sprachen|wies|blieb|blieben|zog|zogen'
         '|erklärte|erklärten|berichtete|berichteten|meldete|meldeten|kündigte|kündigten'
         '|gab|kam|fand|begann',
    year_join=r'\s+',
    idioms=(r'von\s+heute\s+auf\s+morgen', r'das\s+heute'),
    names=r'heute[-\s]?(?:journal|show)|zdf\s+heute|bild\s+am\s+sonntag|welt\s+am\s+sonntag'
          r'|frankfurter\s+allgemeine\s+sonntagszeitung',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"schtsch": "shch", "tsch": "ch", "sch": "sh", "ch": "kh", "z": "ts", "sh": "zh"}

#: run after SPELLING: s before a vowel at the start is English z (Selenskyj)
SPELLING_AFTER = ((re.compile(r"^s(?=[aeiouäöü])"), "z"),)

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = ("s",)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "sagt", "sagte", "sagten", "erklärte", "erklärt", "schreibt", "schrieb", "betonte", "betont", "fügte hinzu",
    "so", "meint", "meinte", "laut", "zufolge", "teilte mit", "warnte", "warnt", "sprach", "berichtete",
    "antwortete", "kündigte an", "kündigte", "drohte", "sagte zu", "fragte", "twitterte", "unterstrich",
    "bekräftigte", "versicherte", "wiederholt", "wiederholte", "räumte ein",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "laut", "zufolge",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("er sie")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "paywall": ("sie haben noch keinen zugang zum archiv",),
    "consent": (
        "wir verwenden auf unserer webseite cookies",
        "wir setzen auf unserer website cookies",
        "dieses seite verwendet cookies",
        "diese seite verwendet cookies",
        "um die funktion unserer website zu verbessern und die relevantesten nachrichten",
    ),
    "sign-up": ("melden sie sich an und diskutieren sie mit",),
    "ad-block": ("bitte deaktivieren sie ihren werbeblocker", "sie nutzen einen werbeblocker"),
}
