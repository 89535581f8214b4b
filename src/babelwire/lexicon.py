"""Hand-written word lists that the entity and quote rules read, built from the language modules.

Everything is lower case. A list is a cue, never a proof: a title before a capitalised word says it is a
person, a speech verb after a quote says who spoke. Languages without a list get the rules without that cue.

Each set here is the union of one constant over the language modules of :mod:`babelwire.lang` (``TITLES``
is every module's ``TITLES``): the capital-letter rules look for a cue whatever the article's language,
since an English title may stand in a Swedish sentence. Modules of languages without letter case
(``CASELESS``) are left out; their lists are read by the uncased rules. See ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from babelwire import lang
from babelwire.names import spelling_key


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cased_modules() -> list[ModuleType]:
    """The language modules whose lists serve the capital-letter rules (every one but caseless scripts)."""
    return [module for _, module in lang.modules() if not getattr(module, "CASELESS", False)]


def union(name: str) -> frozenset[str]:
    """One constant's words over every cased language module (a module without it adds nothing)."""
    return frozenset(word for module in _cased_modules() for word in getattr(module, name, ()))


def _endings(name: str) -> tuple[str, ...]:
    """One constant's endings over every cased language module, each once (for ``str.endswith``)."""
    return tuple(dict.fromkeys(ending for module in _cased_modules() for ending in getattr(module, name, ())))


#: titles and roles that stand before a person's name (also capitalised: President, Präsident)
TITLES = union("TITLES")
#: endings of compound role words (försvarsminister, utrikeschef, riksbankschef, Außenminister)
TITLE_ENDINGS = _endings("TITLE_ENDINGS")
#: words just before a capitalised name that make it an organisation (nyhetsbyrån Belta)
ORGANISATION_CUES = union("ORGANISATION_CUES")
#: words inside a capitalised name that make it an organisation (Institute for the Study of War)
ORGANISATION_WORDS = union("ORGANISATION_WORDS")
#: head nouns that make a capitalised name a place, not an organisation (the guidelines count named buildings
#: as places: hospitals, prisons, cathedrals); compared by lemma, so one form per language suffices
PLACE_WORDS = union("PLACE_WORDS")
#: lower-case words that may join capitalised words inside one name (Institute for the Study of War)
NAME_CONNECTORS = union("NAME_CONNECTORS")
#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = union("FUNCTION_WORDS")
#: pronouns that stand for the last person named (säger han, he said, zei hij, powiedział on, قال هو)
PRONOUNS = _words(
    "han hon hen hij zij ze he she er sie il elle él ella lui lei ele ela on ona он она він вона hän o "
    "hun hjun hann hun hänen ono oni они вони هو هي 他 她"
)
#: verbs and phrases that report speech, per language (several words as one string). Inflected forms of the
#: single words are found by lemma too (:func:`babelwire.quotes.is_speech_verb`), so one form per verb is enough
#: where the lemmatiser knows the language; Arabic, Turkish and Chinese list their forms.
SPEECH_VERBS: dict[str, tuple[str, ...]] = {
    "sv": ("säger", "sa", "sade", "berättar", "berättade", "skriver", "skrev", "menar", "uppger", "uppgav",
           "konstaterar", "konstaterade", "förklarar", "förklarade", "hävdar", "hävdade", "tillägger", "lade till",
           "svarar", "svarade", "framhåller", "betonar", "betonade", "varnar", "varnade", "meddelar", "meddelade",
           "tillade", "understryker", "frågar", "frågade", "twittrade", "enligt"),
    "no": ("sier", "sa", "sagde", "forteller", "fortalte", "skriver", "skrev", "mener", "uttaler", "uttalte",
           "legger til", "la til", "svarer", "svarte", "understreker", "advarer", "opplyser", "ifølge"),
    "da": ("siger", "sagde", "fortæller", "fortalte", "skriver", "skrev", "mener", "udtaler", "udtalte",
           "tilføjer", "tilføjede", "svarer", "svarede", "understreger", "advarer", "oplyser", "ifølge"),
    "nl": ("zegt", "zei", "zeiden", "zegden", "verklaarde", "verklaart", "schrijft", "schreef", "aldus", "stelt",
           "stelde", "voegde toe", "voegde eraan toe", "liet weten", "laat weten", "benadrukte", "benadrukt",
           "citeerde", "vertelde", "vertelt", "klonk het bij", "meldde", "meldt", "reageerde", "waarschuwde",
           "waarschuwt", "twitterde", "vroeg", "antwoordde", "volgens", "maakte bekend"),
    "de": ("sagt", "sagte", "sagten", "erklärte", "erklärt", "schreibt", "schrieb", "betonte", "betont",
           "fügte hinzu", "so", "meint", "meinte", "laut", "zufolge", "teilte mit", "warnte", "warnt", "sprach",
           "berichtete", "antwortete", "kündigte an", "kündigte", "drohte", "sagte zu", "fragte", "twitterte",
           "unterstrich", "bekräftigte", "versicherte", "wiederholt", "wiederholte", "räumte ein"),
    "en": ("said", "says", "told", "tells", "stated", "states", "added", "adds", "wrote", "writes", "explained",
           "warned", "declared", "insisted", "noted", "replied", "claimed", "announced", "stressed", "asked",
           "asks", "tweeted", "posted", "captioned", "commented", "confirmed", "argued", "admitted", "urged",
           "put it", "is quoted as saying", "was quoted as saying", "quoted as saying", "according to"),
    "fr": ("a déclaré", "déclare", "a dit", "dit", "affirme", "a affirmé", "a expliqué", "explique", "a ajouté",
           "ajoute", "a souligné", "souligne", "écrit", "a écrit", "estime", "a estimé", "selon", "d'après",
           "a assuré", "assure", "a averti", "avertit", "a lancé", "lance", "a annoncé", "annonce", "a indiqué",
           "indique", "a confié", "confie", "précise", "a précisé", "a tweeté", "a répondu", "répond", "insiste",
           "a insisté", "martèle", "a martelé", "rappelle", "a rappelé"),
    "es": ("dijo", "dice", "declaró", "afirmó", "afirma", "aseguró", "asegura", "explicó", "añadió", "agregó",
           "señaló", "escribió", "según", "acorde a", "de acuerdo con", "advirtió", "anunció", "indicó",
           "detalló", "comunicó", "informó", "expresó", "manifestó", "sostuvo", "subrayó", "destacó", "insistió",
           "apuntó", "respondió", "precisó", "tuiteó", "relató", "contó"),
    "it": ("ha detto", "dice", "disse", "ha dichiarato", "dichiara", "ha affermato", "afferma", "ha spiegato",
           "spiega", "ha aggiunto", "aggiunge", "ha scritto", "scrive", "secondo", "ha sottolineato",
           "sottolinea", "ha annunciato", "annuncia", "ha commentato", "commenta", "ha precisato", "ha ribadito",
           "ha assicurato", "ha avvertito", "ha risposto", "ha raccontato", "racconta"),
    "pt": ("disse", "diz", "afirmou", "afirma", "declarou", "explicou", "acrescentou", "escreveu", "segundo",
           "de acordo com", "garantiu", "anunciou", "destacou", "ressaltou", "salientou", "sublinhou",
           "respondeu", "contou", "comentou", "alertou", "informou", "frisou"),
    "pl": ("powiedział", "powiedziała", "mówi", "mówił", "stwierdził", "stwierdziła", "oświadczył",
           "oświadczyła", "dodał", "dodała", "napisał", "napisała", "pisze", "według", "podkreślił",
           "podkreśliła", "zaznaczył", "zaznaczyła", "ogłosił", "ogłosiła", "przekonywał", "przekonuje",
           "wyjaśnił", "wyjaśnia", "tłumaczy", "tłumaczył", "twierdzi", "twierdził", "ocenił", "ocenia",
           "zapowiedział", "przyznał", "odpowiedział", "poinformował", "ostrzegł", "apelował", "zauważył",
           "skomentował", "relacjonował", "wskazał", "dopytywał", "pytał", "zapytał"),
    "cs": ("řekl", "řekla", "uvedl", "uvedla", "prohlásil", "prohlásila", "dodal", "dodala", "napsal", "napsala",
           "podle", "říká", "uvádí", "zdůraznil", "zdůraznila", "upozornil", "oznámil", "vysvětlil", "konstatoval",
           "poznamenal", "odpověděl", "sdělil", "míní"),
    "ru": ("заявил", "заявила", "сказал", "сказала", "говорит", "отметил", "отметила", "добавил", "добавила",
           "написал", "написала", "сообщил", "сообщила", "подчеркнул", "подчеркнула", "по словам", "считает",
           "пояснил", "пояснила", "объявил", "объявила", "заметил", "признал", "ответил", "предупредил",
           "рассказал", "уточнил", "констатировал", "по мнению", "по данным"),
    "uk": ("заявив", "заявила", "сказав", "сказала", "каже", "зазначив", "зазначила", "додав", "додала",
           "написав", "написала", "повідомив", "повідомила", "за словами", "наголосив", "підкреслив",
           "пояснив", "розповів", "відповів", "оголосив", "вважає"),
    "tr": ("dedi", "demiş", "diyor", "der", "söyledi", "söylüyor", "söylemiş", "açıkladı", "açıklamış",
           "belirtti", "belirtmiş", "belirterek", "ifade etti", "ifade ederek", "yazdı", "ekledi", "diye konuştu",
           "diye yazdı", "konuştu", "paylaştı", "mesajını paylaştı", "vurguladı", "kaydetti", "bildirdi",
           "duyurdu", "tamamladı", "sözlerine şöyle devam etti", "paylaşmış", "diye", "göre", "bahsederek"),
    "fi": ("sanoo", "sanoi", "kertoo", "kertoi", "toteaa", "totesi", "kirjoittaa", "kirjoitti", "mukaan",
           "korostaa", "korosti", "lisää", "lisäsi", "vastasi", "varoitti", "sanoivat"),
    "ar": ("قال", "قالت", "يقول", "تقول", "صرح", "صرحت", "أكد", "أكدت", "يؤكد", "أضاف", "أضافت", "تابع", "تابعت",
           "أتم", "أتمت", "اختتم", "اختتمت", "ختم", "ختمت", "ذكر", "ذكرت", "أوضح", "أوضحت", "أعلن", "أعلنت",
           "أشار", "أشارت", "كتب", "كتبت", "شدد", "شددت", "أفاد", "أفادت", "واصل", "واصلت", "قائلا", "قائلًا",
           "قائلة", "بالقول", "بحسب", "حسب", "وفق", "وفقا ل", "وفقاً ل", "نقلا عن", "نقلاً عن"),
    "zh": ("表示", "说", "称", "指出", "强调", "说道", "写道", "据", "宣布", "透露", "回应"),
    "ja": ("と述べた", "と語った", "と話した", "述べた", "語った", "によると"),
}
#: the subset of speech verbs that name a source ("according to X", "X'e göre"): the speaker is the entity
#: they govern, which may be an organisation such as a news agency
SOURCE_CUES: frozenset[str] = frozenset({
    "according to", "laut", "zufolge", "selon", "d'après", "según", "acorde a", "de acuerdo con", "secondo",
    "segundo", "de acordo com", "volgens", "enligt", "ifølge", "mukaan", "według", "podle", "по словам",
    "по мнению", "по данным", "за словами", "göre", "بحسب", "حسب", "وفق", "وفقا ل", "وفقاً ل", "نقلا عن",
    "نقلاً عن", "据", "によると",
})
#: common given names, for names at a sentence start and in German (where every noun is capitalised)
GIVEN_NAMES = union("GIVEN_NAMES")
#: adjective endings of nationalities in languages that capitalise them (Russische, Kazachse, Russian)
DEMONYM_ENDINGS: dict[str, tuple[str, ...]] = {
    code: module.DEMONYM_ENDINGS for code, module in lang.modules() if hasattr(module, "DEMONYM_ENDINGS")
}
#: languages that capitalise every noun, so a capitalised word alone says little
CAPITALISE_NOUNS = frozenset(code for code, module in lang.modules() if getattr(module, "CAPITALISES_NOUNS", False))
#: German articles and determiners: the capitalised word after one is a noun, not a name
GERMAN_DETERMINERS = frozenset(
    word for code in sorted(CAPITALISE_NOUNS) for word in getattr(lang.get(code), "DETERMINERS", ())
)
#: endings of German common nouns (Beziehungen, Gipfeltreffen, Raketentests): such a word before a name
#: describes it (Gipfeltreffen Kims) and is no part of it
GERMAN_NOUN_ENDINGS = tuple(
    ending for code in sorted(CAPITALISE_NOUNS) for ending in getattr(lang.get(code), "NOUN_ENDINGS", ())
)
#: languages whose headlines capitalise every word ("Bocelli Performing Live"), so that a capitalised word
#: the text also writes in lower case is an ordinary word
TITLE_CASE_LANGUAGES = frozenset(code for code, module in lang.modules()
                                 if getattr(module, "TITLE_CASE_HEADLINES", False))
#: words that are capitalised for other reasons than being names (months, weekdays in English and German)
CAPITALISED_COMMON = union("CAPITALISED_COMMON")


def _census_given_names() -> set[str]:
    """The 5,163 given names of the US 1990 census shipped by the ``names`` package (MIT; public-domain data).

    US-centred, yet it holds many names of other origins (Jorge, Andrea, Hanna, Antonio, Lionel); a name that
    is also a country or city (Paris, China, Georgia) is left out, since it would mark a place as a person.
    """
    try:
        from importlib.resources import files

        folder = files("names")
    except (ImportError, ModuleNotFoundError):
        return set()
    found = set()
    for file_name in ("dist.male.first", "dist.female.first"):
        try:
            text = folder.joinpath(file_name).read_text(encoding="utf-8")
        except OSError:
            continue
        found.update(line.split()[0].casefold() for line in text.splitlines() if line.strip())
    from babelwire.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    return {name for name in found if gazetteer.lookup([name.capitalize()], "en") is None}


@cache
def census_surnames() -> frozenset[str]:
    """The 88,799 surnames of the US 1990 census shipped by the ``names`` package, case-folded (empty without
    it): surnames of every origin that are also dictionary words (Baker, Shah, Malkin, Bach)."""
    try:
        from importlib.resources import files

        text = files("names").joinpath("dist.all.last").read_text(encoding="utf-8")
    except (ImportError, ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(line.split()[0].casefold() for line in text.splitlines() if line.strip())


@cache
def given_name_keys() -> frozenset[str]:
    """The spelling keys of :data:`GIVEN_NAMES` and of the packaged census given names."""
    return frozenset(spelling_key(name) for name in GIVEN_NAMES | _census_given_names())


def is_title(word: str) -> bool:
    """Whether a word is a title or role that precedes a person's name."""
    folded = word.casefold().rstrip(".")
    return folded in TITLES or (len(folded) > 6 and folded.endswith(TITLE_ENDINGS))


def speech_verbs(language: str) -> tuple[str, ...]:
    """The language's speech verbs, longest first (so that ``a déclaré`` wins over ``déclaré``)."""
    return tuple(sorted(SPEECH_VERBS.get(language, SPEECH_VERBS["en"]), key=len, reverse=True))
