"""Japanese: no letter case and no spaces between words.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords

#: no letter case: the capital-letter rules' word lists do not apply
CASELESS = True

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'一昨日': ('day', -2), '昨日': ('day', -1), '今日': ('day', 0), '明日': ('day', 1),
             '先週': ('week', -1), '今週': ('week', 0), '来週': ('week', 1), '先月': ('month', -1),
             '昨年': ('year', -1), '去年': ('year', -1), '今年': ('year', 0)},
)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "と述べた", "と語った", "と話した", "述べた", "語った", "によると",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "によると",
)
