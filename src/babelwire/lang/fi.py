"""Finnish: names are inflected by case endings (Putinille).

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words("presidentti dr")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words("se ja mutta tai jos kun hän he me minä sinä")

#: common given names, for names at a sentence start
GIVEN_NAMES = words("sanna")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'toissapäivänä': ('day', -2), 'eilen': ('day', -1), 'tänään': ('day', 0), 'huomenna': ('day', 1),
             'viime viikolla': ('week', -1), 'ensi viikolla': ('week', 1), 'viime kuussa': ('month', -1),
             'viime vuonna': ('year', -1), 'tänä vuonna': ('year', 0)},
    month_forms=('tammikuu|tammikuussa|tammikuuta', 'helmikuu|helmikuussa|helmikuuta',
                 'maaliskuu|maaliskuussa|maaliskuuta', 'huhtikuu|huhtikuussa|huhtikuuta',
                 'toukokuu|toukokuussa|toukokuuta', 'kesäkuu|kesäkuussa|kesäkuuta',
                 'heinäkuu|heinäkuussa|heinäkuuta', 'elokuu|elokuussa|elokuuta',
                 'syyskuu|syyskuussa|syyskuuta', 'lokakuu|lokakuussa|lokakuuta',
                 'marraskuu|marraskuussa|marraskuuta', 'joulukuu|joulukuussa|joulukuuta'),
    bare_months=True,
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"š": "sh", "ž": "zh", "ts": "ts"}

#: inflectional endings stripped to find a name's base form, longest first
ENDINGS = (
    "ille", "illa", "ista", "issa", "iksi", "lle", "lla", "sta", "ssa", "ksi", "in", "ia", "ta", "a", "n",
)

#: the nominative endings an oblique stem may take back
NOMINATIVE_ENDINGS = ("",)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "sanoo", "sanoi", "kertoo", "kertoi", "toteaa", "totesi", "kirjoittaa", "kirjoitti", "mukaan", "korostaa",
    "korosti", "lisää", "lisäsi", "vastasi", "varoitti", "sanoivat",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "mukaan",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("hän hänen")
