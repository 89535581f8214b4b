"""Russian: written in Cyrillic, names inflected (Путина, Захаровой).

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words(
    "президент президента президентом президенту премьер министр министра генерал мэр король господин "
    "госпожа журналист представитель посол секретарь полковник тренер"
)

#: endings of compound role words
TITLE_ENDINGS = ("министр",)

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("агентство агентства партия партии компания компании организация газета")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words(
    "институт университет партия банк министерство совет комиссия агентство союз больница комитет "
    "федерация армия"
)

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words("он она они мы я в на с по для из после до во время также это этот эта")

#: common given names, for names at a sentence start; romanised as Latin-script news writes them (compared by
#: spelling key, so they also find the Cyrillic form)
GIVEN_NAMES = words(
    "aleksandr alexandr vladimir sergei sergey dmitry dmitri viktor pavel valery valeri pyotr boris "
    "aleksei alexei yulia mikhail nikolai ivan igor yuri anna maria"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    numbers={'один': 1, 'два': 2, 'две': 2, 'три': 3, 'четыре': 4, 'пять': 5, 'шесть': 6, 'десять': 10},
    units={'день': 'day', 'дня': 'day', 'дней': 'day', 'неделю': 'week', 'недели': 'week', 'недель': 'week',
           'месяц': 'month', 'месяца': 'month', 'месяцев': 'month', 'год': 'year', 'года': 'year', 'лет': 'year'},
    ago=r'(?P<n>\w+) (?P<unit>\w+) назад',
    phrases={'позавчера': ('day', -2), 'вчера': ('day', -1), 'сегодня': ('day', 0), 'завтра': ('day', 1),
             'на прошлой неделе': ('week', -1), 'на этой неделе': ('week', 0),
             'на следующей неделе': ('week', 1), 'в прошлом месяце': ('month', -1),
             'в следующем месяце': ('month', 1), 'в прошлом году': ('year', -1), 'в этом году': ('year', 0),
             'в следующем году': ('year', 1)},
    month_forms=('январь|января|январе', 'февраль|февраля|феврале', 'март|марта|марте', 'апрель|апреля|апреле',
                 'май|мая|мае', 'июнь|июня|июне', 'июль|июля|июле', 'август|августа|августе',
                 'сентябрь|сентября|сентябре', 'октябрь|октября|октябре', 'ноябрь|ноября|ноябре',
                 'декабрь|декабря|декабре'),
    month_leads='в|с|до|во',
    weekday_forms=('', '', 'среду', '', 'пятницу', 'субботу', ''),
    weekday_leads=r'в|во|с|со|до|к|ко|прошлый|прошлую|прошлое|следующий|следующую|следующее|этот|эту|это',
    weekday_last=r'прошлый|прошлую|прошлое|прошедший|прошедшую',
    weekday_next=r'следующий|следующую|следующее|ближайший|ближайшую|ближайшее',
    future=r'будет|будут|состоится|состоятся|пройд[её]т|пройдут|планируется|намерен\w*|собирается',
    past=r'\w{2,}(?:ал|ял|ил|ел|ул|ыл)(?:а|о|и|ся|ась|ось|ись)?|был|была|было|были',
)

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = (
    "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ом", "ем", "ым", "им", "ую", "ою", "ии", "а", "я", "у",
    "ю", "е", "ы", "и",
)

#: the nominative endings an oblique stem may take back
NOMINATIVE_ENDINGS = ("", "а", "я", "й", "ь")

#: romanisation of Cyrillic (the common English-language practice); also used for Cyrillic
#: in languages without a table of their own
ROMANISATION = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "заявил", "заявила", "сказал", "сказала", "говорит", "отметил", "отметила", "добавил", "добавила",
    "написал", "написала", "сообщил", "сообщила", "подчеркнул", "подчеркнула", "по словам", "считает",
    "пояснил", "пояснила", "объявил", "объявила", "заметил", "признал", "ответил", "предупредил", "рассказал",
    "уточнил", "констатировал", "по мнению", "по данным",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "по словам", "по мнению", "по данным",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("он она они")
