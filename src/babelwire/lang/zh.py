"""Chinese: no letter case and no spaces between words.

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: no letter case: the capital-letter rules' word lists do not apply
CASELESS = True

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'前天': ('day', -2), '昨天': ('day', -1), '今天': ('day', 0), '明天': ('day', 1),
             '上周': ('week', -1), '本周': ('week', 0), '下周': ('week', 1), '上个月': ('month', -1),
             '去年': ('year', -1), '今年': ('year', 0)},
)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "表示", "说", "称", "指出", "强调", "说道", "写道", "据", "宣布", "透露", "回应",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "据",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("他 她")
