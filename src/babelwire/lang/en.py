"""English: the language most news is written in; also the romanised forms of names that other scripts write.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: headlines capitalise every word, so a capitalised word the text also writes in lower case is no name
TITLE_CASE_HEADLINES = True

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "president premier minister chancellor senator general mayor king queen prince pope sheikh emir mr "
    "mrs ms dr prof journalist reporter correspondent spokesman spokeswoman spokesperson ceo director "
    "ambassador secretary head chairman chairwoman candidate expert analyst professor economist sultan "
    "tsar ayatollah rabbi bishop captain colonel coach"
)

#: endings of compound role words
TITLE_ENDINGS = ("minister", "president", "journalist")

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("agency party company organisation organization newspaper journal broadcaster channel")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "institute university party bank ministry council commission agency union association corporation "
    "corp inc ltd llc plc group hospital clinic fund foundation news times post press tv radio telegraph "
    "independent herald tribune gazette committee forum court tribunal systems airlines airways "
    "federation army police fbi cia isw office bureau secretariat organisation organization parliament "
    "senate congress assembly cartel department"
)

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("hospital cathedral prison airport bridge palace square street stadium chapel")

#: lower-case words that may join capitalised words inside one name
NAME_CONNECTORS = words("of for the al bin ibn")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words(
    "the a an this that these those it he she they we i you his her their our in on at by for from with "
    "to of as but and or if when while after before since during under over about into there here what "
    "who"
)

#: common given names, for names at a sentence start; also the romanised names of people whose language has no
#: module here or no letter case (Arabic, Chinese, Korean, Armenian, Azerbaijani, Kazakh, Indian names), as Latin-
#: script news writes them
GIVEN_NAMES = words(
    "alexander victor joseph joe john peter mark donald kamala hillary barack benjamin michael robert "
    "charles william elizabeth rishi keir liz theresa david martin emma sophie anne anna maria julia "
    "mohammed muhammad ahmed ali hassan ibrahim mahmoud xi li wei hua ming jing ying haoran kim nikol "
    "gagik tigran davit ilham heydar kassym narendra"
)

#: months and weekdays, capitalised and no names (and page furniture: Video, Live)
CAPITALISED_COMMON = words(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday video update live"
)

#: adjective endings of nationalities, which this language capitalises
DEMONYM_ENDINGS = ("ian", "ians", "ese", "ish", "ean")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'one': 1, 'a': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'ten': 10},
    units={'day': 'day', 'days': 'day', 'week': 'week', 'weeks': 'week', 'month': 'month', 'months': 'month',
           'year': 'year', 'years': 'year'},
    ago=r'(?P<n>\w+) (?P<unit>\w+) ago',
    phrases={'the day before yesterday': ('day', -2), 'yesterday': ('day', -1), 'today': ('day', 0),
             'tomorrow': ('day', 1), 'last week': ('week', -1), 'this week': ('week', 0),
             'next week': ('week', 1), 'last month': ('month', -1), 'this month': ('month', 0),
             'next month': ('month', 1), 'last year': ('year', -1), 'this year': ('year', 0),
             'next year': ('year', 1)},
    month_forms=('january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
                 'october', 'november', 'december'),
    month_leads='in|since|until|early|late|mid-?',
    weekday_leads='on|this|last|next|early|late|from|until|since|by',
    weekday_last=r'last|this\s+past|past',
    weekday_next=r'next|this\s+coming|coming',
    weekday_after='(?:morning|afternoon|evening|night)',
    not_weekday=r'(?:black|good|cyber|super|holy|ash|maundy|easter|giving|bloody)\s+$',
    future=r"will|'ll|shall|is\s+to|are\s+to|going\s+to|scheduled|expected\s+to|plans?\s+to"
           r'|due\s+to|set\s+to|upcoming|next|would',
    past=r'said|says|told|announced|reported|was|were|had|did|\w{3,}ed|met|made|took|gave'
         '|came|went|began|won|lost|held|left|spoke|wrote|saw|found|got|became|sent|led'
         '|fell|rose|hit|struck|ago',
    year_join=r',?\s+',
    idioms=(r"today'?s\s+world",),
    names=r'usa\s+today|today\s+show|russia\s+today|china\s+today|india\s+today',
)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "said", "says", "told", "tells", "stated", "states", "added", "adds", "wrote", "writes", "explained",
    "warned", "declared", "insisted", "noted", "replied", "claimed", "announced", "stressed", "asked", "asks",
    "tweeted", "posted", "captioned", "commented", "confirmed", "argued", "admitted", "urged", "put it",
    "is quoted as saying", "was quoted as saying", "quoted as saying", "according to",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "according to",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("he she")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "paywall": (
        "take a free trial registered users can read up to",
        "you have reached the limit for free access",
        "we hope you have enjoyed your complimentary access",
        "subscribing to our services is a three step process",
        "on your next view you will be asked to log in",
    ),
    "consent": (
        "cookies must be enabled in your browser",
        "we use cookies to ensure that we give you the best experience",
    ),
    "bot-block": (
        "we recorded a huge amount of connections from the ip address",
        "please verify you are a human",
        "checking your browser before accessing",
    ),
    "ad-block": (
        "we noticed you're blocking ads",
        "turning off your ad blocker",
        "please disable your ad blocker",
    ),
    "sign-up": (
        "are you sure you want to log out",
        "we'll send breaking news and news alerts to you",
    ),
    "error-page": (
        "the page you requested could not be found",
        "the page you are looking for could not be found",
    ),
}
