"""Turkish: verb-final, dates read with their suffixes (ocak ayında).

The names of the constants and what reads each: ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: titles and roles that stand before a person's name (also capitalised)
TITLES = words("emir sultan")

#: words just before a capitalised name that make it an organisation
ORGANISATION_CUES = words("parti")

#: words inside a capitalised name that make it an organisation
ORGANISATION_WORDS = words("kurum takım parti bakanlık üniversite federasyon dernek")

#: head nouns that make a capitalised name a place (compared by lemma: one form suffices)
PLACE_WORDS = words("hastane hastanesi katedrali cezaevi havalimanı köprü saray meydan cadde stadyum")

#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = words("bu şu ve ama veya eğer o biz ben da de ile için sonra önce")

#: common given names, for names at a sentence start
GIVEN_NAMES = words("recep kerem ahmet mehmet mustafa fatih emine")

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'dün': ('day', -1), 'bugün': ('day', 0), 'yarın': ('day', 1), 'geçen hafta': ('week', -1),
             'gelecek hafta': ('week', 1), 'geçen ay': ('month', -1), 'geçen yıl': ('year', -1),
             'bu yıl': ('year', 0)},
    month_forms=('ocak', 'şubat', 'mart', 'nisan', 'mayıs', 'haziran', 'temmuz', 'ağustos', 'eylül', 'ekim',
                 'kasım', 'aralık'),
    month_tails=r'\s+ay(?:ı|ında|ının|ına|ından)',
    year_lead=r'(?P<pre>(?:19|20)\d\d)\s+yılı(?:nın|nda)?\s+',
    weekday_leads='geçen|önceki|gelecek|haftaya|bu',
    weekday_last='geçen|önceki',
    weekday_next='gelecek|haftaya|önümüzdeki',
    weekday_after=r'(?:günü|akşamı|sabahı|gecesi|öğleden\s+sonra)',
    weekday_needs_after=('cuma', 'pazar'),
    not_weekday_after=r'^(?:\s+günleri|\s+namaz|\s+dua|\w)',
    future=r'\w+(?:acak|ecek|acağ|eceğ)\w*|gelecek|önümüzdeki|planlan\w*|beklen\w*',
    past=r'(?!kendi|şimdi|yedi)\w+(?:dı|di|du|dü|tı|ti|tu|tü)(?:r|k|m|n|ğını|ğini)?|\w+(?:mış|miş|muş|müş)\w{0,4}',
    year_join=r'\s+',
    idioms=(r'bugüne\s+kadar',),
    names=r'bugün\s+gazetesi|bugün\s+tv',
)

#: how the language writes the sounds English romanisation writes as sh, ch, kh, zh, ts, u …
SPELLING = {"ş": "sh", "ç": "ch", "c": "j"}

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "dedi", "demiş", "diyor", "der", "söyledi", "söylüyor", "söylemiş", "açıkladı", "açıklamış", "belirtti",
    "belirtmiş", "belirterek", "ifade etti", "ifade ederek", "yazdı", "ekledi", "diye konuştu", "diye yazdı",
    "konuştu", "paylaştı", "mesajını paylaştı", "vurguladı", "kaydetti", "bildirdi", "duyurdu", "tamamladı",
    "sözlerine şöyle devam etti", "paylaşmış", "diye", "göre", "bahsederek",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "göre",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("o")

# pages that are no news, by reason (babelwire.junk): whole phrases seen on such pages, lower case
JUNK_SIGNATURES = {
    "consent": ("sizlere daha iyi bir hizmet sunabilmek için sitemizde çerezlerden faydalanıyoruz",),
}
