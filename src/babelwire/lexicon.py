"""Hand-written word lists per language that the entity and quote rules read.

Everything is lower case. A list is a cue, never a proof: a title before a capitalised word says it is a
person, a speech verb after a quote says who spoke. Languages without a list get the rules without that cue.
"""

from __future__ import annotations

from functools import cache

from babelwire.names import spelling_key


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: titles and roles that stand before a person's name (also capitalised: President, Präsident)
TITLES = _words(
    "president presidenten presidentti président presidente präsident präsidenten präsidentin prezydent "
    "prezydenta prezident президент президента президентом президенту премьер premier premiär "
    "premiärminister premierminister premiärministern minister ministern ministre ministro ministra "
    "министр министра міністр chancellor kanzler kanzlerin bundeskanzler bundeskanzlerin kansler förbundskansler "
    "kanselier senator senatorn sénateur general generalen generaal général generale генерал mayor burgemeester "
    "borgmästare borgmästaren bürgermeister bürgermeisterin maire alcalde alcaldesa sindaco sindaca burmistrz "
    "мэр king kung kungen koning könig roi rey re król король queen drottning drottningen koningin königin reine "
    "reina regina prince prins prinsen prinz principe pope påven paus papst pape papa sheikh emir mr mrs ms dr "
    "prof herr frau m mme mlle sr sra señor señora signor signora pan pani господин госпожа journalisten "
    "journalist journaliste giornalista dziennikarz журналист reporter correspondent korrespondent "
    "spokesman spokeswoman spokesperson talesperson talesman woordvoerder sprecher sprecherin porte-parole portavoz "
    "portavoce rzecznik представитель oppositiefiguur oppositionsledaren oppositionsledare oppositieleider "
    "oppositionsführer opposant ledaren leider chef chefen vd ceo director direktor directeur directora "
    "ambassador ambassadör ambassadeur botschafter embajador ambasciatore ambasador посол secretary sekreterare "
    "secretaris sekretär secrétaire secretario segretario sekretarz секретарь generalsekreterare "
    "head chairman chairwoman ordförande ordföranden voorzitter vorsitzende vorsitzender président-directeur "
    "presidentkandidat candidate kandidaten kandidaat expert experten analytiker analyst analist analyste "
    "professor professorn hoogleraar chefsekonom economist ekonom ekonomen "
    "sultan tsar tsaren ayatollah rabbi bishop biskop bisschop bischof évêque obispo vescovo biskup "
    "kapten captain kapitein hauptmann capitaine capitán colonel överste kolonel oberst colonnello pułkownik "
    "полковник coach tränare trainer entrenador allenatore trener тренер"
)
#: endings of compound role words (försvarsminister, utrikeschef, riksbankschef, Außenminister)
TITLE_ENDINGS = (
    "minister", "ministern", "ministerin", "ministre", "chef", "chefen", "president", "presidenten", "präsident",
    "präsidentin", "kanzler", "sprecher", "sprecherin", "woordvoerder", "ledare", "ledaren", "leider", "führer",
    "sekreterare", "sekretär", "direktör", "direktor", "ekonom", "ekonomen", "voorzitter", "vorsitzender",
    "министр", "міністр", "figuur", "journalist", "journalisten", "kommissionär", "commissaris", "kommissar",
)
#: words just before a capitalised name that make it an organisation (nyhetsbyrån Belta)
ORGANISATION_CUES = _words(
    "nyhetsbyrån byrån tidningen nyhetsbyrå tankesmedjan denktank denkfabrik persbureau nieuwsagentschap "
    "agentschap nachrichtenagentur agentur agency agence agencia agenzia agencja агентство агентства "
    "partiet party partij partei parti partito partido partia партия партии bolaget företaget company "
    "bedrijf firma unternehmen konzern société empresa azienda spółka компания компании organisationen "
    "organisatie organisation organization organizzazione organizacja организация newspaper krant zeitung "
    "journal diario giornale gazeta газета broadcaster omroep sender chaîne channel kanalen"
)
#: words inside a capitalised name that make it an organisation (Institute for the Study of War)
ORGANISATION_WORDS = _words(
    "institute institut instituut instytut institutet institución istituto институт university universitet "
    "universiteit universität université universidad università uniwersytet университет party partei partij "
    "partiet partido partito партия bank banken banque banco banca банк ministry ministerie ministerium ministère "
    "ministerio ministero ministerstwo министерство council rådet raad rat conseil consejo consiglio rada совет "
    "commission kommission commissie komisja комиссия kommissionen agency agentur agence agencia agenzia "
    "агентство union unie unionen unión unione unia союз association förening vereniging verband corporation corp "
    "inc ltd llc plc ab ag gmbh nv bv sa spa group gruppe groep gruppen hospital ziekenhuis sjukhus sjukhuset "
    "krankenhaus hôpital ospedale szpital больница clinic kliniek klinik clinique clinica fund fonds foundation "
    "stiftung stichting stiftelse stiftelsen news times post press tv radio telegraph independent herald "
    "tribune gazette committee kommittén comité comitato komitet комитет forum court domstol gericht rechtbank "
    "tribunal systems airlines airways federation federatie föderation förbund förbundet verbond fédération "
    "federación federazione federacja федерация army armén leger armee armée ejército esercito armia армия "
    "police polisen politie polizei fbi cia isw office kontor bureau büro"
)
#: lower-case words that may join capitalised words inside one name (Institute for the Study of War)
NAME_CONNECTORS = _words(
    "of for the de del della di da dos das du des la le van von der den zu af för al el bin ibn"
)
#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = _words(
    "the a an this that these those it he she they we i you his her their our in on at by for from with to "
    "of as but and or if when while after before since during under over about into there here what who "
    "det den de en ett att och men om när som han hon hen vi ni jag du de dem deras hans hennes i på av för "
    "med till från under efter innan enligt nu då där här vad vem också även "
    "het een de dat die deze dit en maar of als toen hij zij ze wij we ik jij jullie hun zijn haar in op aan "
    "voor met van naar bij uit na tijdens volgens ook nu er daar hier wat wie "
    "der die das ein eine einen dem den des und aber oder wenn als er sie es wir ich du ihr im in am an auf "
    "für mit von zu nach bei aus seit während laut auch nun dort hier was wer "
    "le la les un une des et mais ou si quand il elle ils elles nous je tu vous en dans sur pour avec de du "
    "au aux selon après avant depuis pendant aussi ici là ce cette ces qui que "
    "el la los las un una y pero o si cuando él ella ellos nosotros yo en con de del al por para según "
    "tras antes desde durante también aquí este esta estos estas "
    "il lo la gli le uno una e ma o se quando lui lei loro noi io in con di del della al per secondo dopo "
    "prima durante anche qui questo questa "
    "o a os as um uma e mas ou se quando ele ela eles nós eu em com de do da no na por para segundo após "
    "ten ta to te i a ale lub jeśli gdy on ona oni my ja w na z do od po przed podczas według także "
    "он она они мы я в на с по для из после до во время также это этот эта "
    "bu şu ve ama veya eğer o biz ben da de ile için sonra önce "
    "se ja mutta tai jos kun hän he me minä sinä"
)
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
GIVEN_NAMES = _words(
    "aleksandr alexandr alexander alexandre aleksander oleksandr vladimir volodymyr wladimir sergei sergey "
    "siergiej serhiy dmitry dmitri dmytro viktor victor pavel pavlo paweł valery valeri walerij kassym "
    "josep joseph josé józef joe john jean juan giovanni jan johan johann hans peter pierre pedro pietro piotr "
    "pyotr petr emmanuel olaf angela ursula jens mark marc marco marek mario boris donald kamala hillary barack "
    "joseph recep xi li kim narendra benjamin mahmoud ali mohammed muhammad ahmed hassan ibrahim ilham heydar "
    "nikol tomasz andrzej donald mateusz jarosław lech olena oleksiy aleksei alexei yulia julia maria marie "
    "anna anne annalena friedrich karl robert roberto roberta michael michel michele mikhail mykhailo nicolas "
    "nikolai mykola ivan igor ihor yuri yurii jerzy anders magnus ulf stefan stefano stéphane lars karin "
    "ebba magdalena mette sanna jonas kristian kristersson ursula charles william elizabeth rishi keir liz "
    "theresa david davit dawid gagik tigran martin eva johan emma sophie sofia lucia luca giorgia matteo "
    "pedro pablo isabel carlos luis luiz lula jair gustavo javier santiago ana mariano gabriel"
    " kerem recep ahmet mehmet mustafa fatih emine tomasz marek wojciech krzysztof agnieszka katarzyna "
    "haoran wei hua ming jing ying"
)
#: adjective endings of nationalities in languages that capitalise them (Russische, Kazachse, Russian)
DEMONYM_ENDINGS: dict[str, tuple[str, ...]] = {
    "nl": ("ische", "isch", "se", "ees"),
    "en": ("ian", "ians", "ese", "ish", "ean"),
    "de": ("ische", "ischen", "ischer", "isches", "isch"),
}
#: German articles and determiners: the capitalised word after one is a noun, not a name
GERMAN_DETERMINERS = _words(
    "der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner dieser diese "
    "dieses diesen diesem jeder jede jedes seine seiner seinem seinen ihr ihre ihrem ihren unser unsere"
)
#: languages that capitalise every noun, so a capitalised word alone says little
CAPITALISE_NOUNS = frozenset({"de"})
#: words that are capitalised for other reasons than being names (months, weekdays in English and German)
CAPITALISED_COMMON = _words(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday januar februar märz juni juli oktober dezember montag dienstag "
    "mittwoch donnerstag freitag samstag sonntag kijk lees ook video foto update live"
)


@cache
def given_name_keys() -> frozenset[str]:
    """The spelling keys of :data:`GIVEN_NAMES`."""
    return frozenset(spelling_key(name) for name in GIVEN_NAMES)


def is_title(word: str) -> bool:
    """Whether a word is a title or role that precedes a person's name."""
    folded = word.casefold().rstrip(".")
    return folded in TITLES or (len(folded) > 6 and folded.endswith(TITLE_ENDINGS))


def speech_verbs(language: str) -> tuple[str, ...]:
    """The language's speech verbs, longest first (so that ``a déclaré`` wins over ``déclaré``)."""
    return tuple(sorted(SPEECH_VERBS.get(language, SPEECH_VERBS["en"]), key=len, reverse=True))
