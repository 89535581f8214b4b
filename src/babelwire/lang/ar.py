"""Arabic: no letter case, so names are found from cue words, proclitics, the gazetteer and the dictionary.

Names carry proclitics written onto them (و and, ب with, ل for, ف so, ك like) that are no part of the name;
the article ال is. Foreign names are transliterated, so they are words the Arabic dictionary does not know
(ميسي, أبيدال, كريموفا), which is the best evidence of a name that rules without capitals have.
"""

from __future__ import annotations

from babelwire.lang import DateWords, words

#: no letter case: the capital-letter rules' word lists (lexicon.py) leave this module's lists out; they are
#: read by the uncased tagger
CASELESS = True


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: one-letter proclitics, and their pairs, written onto the next word (ك "like" is left out: far more
#: transliterated names begin with a k-sound, كريموفا, than carry it)
PROCLITICS = ("وب", "ول", "فب", "فل", "و", "ب", "ل", "ف")
#: letters after which a proclitic is taken off an unknown word (لأوزباكستان): a transliterated name
#: rarely begins with one of them after و, ب, ل or ف, while باريس or فالفيردي begin with a plain letter
HAMZA_LETTERS = ("أ", "إ", "آ")
#: endings of inflected common words (pronoun suffixes, feminine and plural endings of adjectives)
COMMON_ENDINGS = ("ه", "ها", "هم", "هما", "كم", "نا", "ية", "يين", "ات", "ون")
#: nouns that head an organisation's name (court, university, club, national team, office, institute …)
ORGANISATION_HEADS = _words(
    "محكمة جامعة نادي منتخب مكتب معهد وزارة حزب شركة منظمة مجلس هيئة وكالة بنك مصرف اتحاد لجنة جمعية "
    "مؤسسة مركز صندوق جبهة حركة"
)
#: words before which a name is an organisation (newspaper, channel, agency)
ORGANISATION_CUES = _words("صحيفة جريدة قناة وكالة موقع مجلة")
#: titles and roles before a person's name
PERSON_TITLES = _words(
    "الرئيس رئيس الوزير وزير الملك الأمير الشيخ السيد السيدة الدكتور المدرب اللاعب النجم القائد المتحدث "
    "الناطق السفير السفيرة النائب الأمين الجنرال العقيد المستشار الملياردير الكاتب الصحفي الفنان الفنانة "
    "المغني ابنة ابن نجل زوجة زوج والد والدة شقيق شقيقة"
)
#: function words that end a name (prepositions, conjunctions, relative pronouns, particles)
STOP_WORDS = _words(
    "في من على إلى الى عن مع أن ان إن التي الذي الذين هذا هذه ذلك تلك كان كانت قد لم لن ما لا هو هي هم "
    "بعد قبل عند حتى أو او ثم بين خلال ضد عبر منذ لدى حول كل بعض غير أي أيضا وقد وفي ومن"
)
#: common given names, which start a person's name even though the dictionary knows them as words
GIVEN_NAMES = _words(
    "محمد أحمد احمد علي حسن حسين إسلام اسلام عمر خالد يوسف إبراهيم ابراهيم مصطفى محمود عبد عبدالله سعيد "
    "فاطمة عائشة مريم زينب سلمان فيصل طارق ياسر وليد هشام سامي كريم جمال نبيل عادل رامي"
)
#: words before which a small town's one-word name is read as a place (في, من, بمدينة, العاصمة …)
PLACE_CUES = _words(
    "في من إلى الى مدينة بمدينة لمدينة العاصمة عاصمة ولاية بولاية منطقة بمنطقة قرب شمال جنوب شرق غرب "
    "وفي ومن قرية بلدة محافظة"
)

#: the words around dates (month and weekday names themselves come from CLDR)
DATES = DateWords(
    phrases={'أمس': ('day', -1), 'اليوم': ('day', 0), 'غدا': ('day', 1), 'الأسبوع الماضي': ('week', -1),
             'الشهر الماضي': ('month', -1), 'العام الماضي': ('year', -1)},
    month_forms=('كانون الثاني|جانفي', 'شباط|فيفري', 'آذار', 'نيسان|أفريل', 'أيار|ماي', 'حزيران|جوان',
                 'تموز|جويلية|يوليه', 'آب|أوت|اغسطس', 'أيلول', 'تشرين الأول', 'تشرين الثاني', 'كانون الأول'),
    month_leads='في|خلال|منذ|حتى|مطلع|أواخر|منتصف|بداية|نهاية',
    weekday_forms=('الاثنين|الإثنين', '', '', '', '', '', ''),
    weekday_leads='يوم|اليوم|أمس|مساء|صباح|ليل|ليلة|فجر|ظهر|منذ|حتى|الماضي|المقبل|القادم',
    weekday_last='الماضي|الماضية|الفائت',
    weekday_next='المقبل|المقبلة|القادم|القادمة',
    weekday_needs_lead=('الأحد',),
    not_weekday=r'(?:صلاة|صلوات|خطبة|خطب)\s+$',
    future=r'سوف|س[يت](?!اس|ار|د|طر)\w{3,}|المقبل|المقبلة|القادم|القادمة|المقرر|المرتقب|يعتزم|تعتزم|من\s+المتوقع',
    past=r'قال|قالت|أعلن|أعلنت|أكد|أكدت|كان|كانت|أفاد|أفادت|ذكر|ذكرت|أشار|أشارت|الماضي|الماضية|\w+وا',
    year_join=r'\s+(?:عام\s+|سنة\s+)?',
    idioms=(r'اليوم\s+ال(?!أحد|اثنين|إثنين|ثلاثاء|أربعاء|خميس|جمعة|سبت)\w+',
            r'اليوم\s+(?:نفسه|ذاته)', r'(?:ذلك|هذا|نفس)\s+اليوم', r'يوما\s+بعد\s+يوم'),
    names=r'(?:مدينة|محافظة|جسر|كوبري|حرب|جامعة)\s+[6٦]\s+أكتوبر|[6٦]\s+أكتوبر(?=\s*[–\-،,)])'
          r'|نظر\s+مصر\s+اليوم|(?:موقع|بوابة)\s+مصر\s+اليوم|روسيا\s+اليوم|المصري\s+اليوم|اليوم\s+السابع|صحيفة\s+اليوم|الجزائر\s+اليوم|تونس\s+اليوم|فلسطين\s+اليوم',
)

#: verbs and phrases that report speech (one form per verb where simplemma lemmatises the language)
SPEECH_VERBS = (
    "قال", "قالت", "يقول", "تقول", "صرح", "صرحت", "أكد", "أكدت", "يؤكد", "أضاف", "أضافت", "تابع", "تابعت",
    "أتم", "أتمت", "اختتم", "اختتمت", "ختم", "ختمت", "ذكر", "ذكرت", "أوضح", "أوضحت", "أعلن", "أعلنت", "أشار",
    "أشارت", "كتب", "كتبت", "شدد", "شددت", "أفاد", "أفادت", "واصل", "واصلت", "قائلا", "قائلًا", "قائلة",
    "بالقول", "بحسب", "حسب", "وفق", "وفقا ل", "وفقاً ل", "نقلا عن", "نقلاً عن",
)

#: the speech phrases that name a source ("according to X"): the speaker is the entity they govern
SOURCE_CUES = (
    "بحسب", "حسب", "وفق", "وفقا ل", "وفقاً ل", "نقلا عن", "نقلاً عن",
)

#: personal pronouns that stand for the last person named, as speech-verb subjects
PRONOUNS = words("هو هي")
