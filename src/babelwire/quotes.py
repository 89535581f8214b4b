"""Direct quotes with their speakers, and the same statement quoted in several articles.

Quotes are text between the quotation marks of any supported language (“…”, „…“, «…», »…«, ”…”, "…",
‘…’, '…', 「…」) or a paragraph opened by a dialogue dash, as Swedish, Norwegian or Polish write speech
(``– Det är väldigt enkelt …, säger Lukasjenko``). Quoted names, titles and slogans (``«The Rock»``, the
``"Make love not spam" campaign``) are not quotes: they are title-cased, or a word such as *campaign*,
*programme*, *called* stands beside them.

A speaker is given only on evidence, precision first; otherwise it stays None:

- a speech verb with its subject in the quote's sentence, before or after the quote, either order
  (*"…," Biden said*, *said Biden*, *sagte Kim*, *a déclaré X*, *dijo X*, *وقال ميسي*, *X … "…" dedi*);
  inflected forms are recognised by lemma (simplemma) where the lemmatiser knows the language;
- a source phrase: *according to X*, *selon X*, *laut X*, *según X*, *według X*, *X'e göre*, *بحسب X*;
- a name right before a colon that opens the quote (*Warchoł: „…”*);
- a pronoun or a role as that subject (*he said*, *säger presidenten*, *sagt der 48-Jährige*), or no subject
  at all in a pro-drop sentence (*وأضاف: “…”*, *“…”, dijo.*): the speaker of the quote just before, else the
  first person named in the nearest earlier sentence that names one;
- a quote that follows an attributed one without a new person named between them continues it.

A speaker is always a person, or an organisation that is itself the subject or the source; never a place,
and never a quote nested in another (its words are someone else's, quoted by the speaker).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import simplemma

from babelwire.documents import Document
from babelwire.encoders import Encoder
from babelwire.entities import ORGANISATION, PERSON, PLACE, PUBLICATION, UNKNOWN, Mention
from babelwire.lexicon import FUNCTION_WORDS, PRONOUNS, SOURCE_CUES, SPEECH_VERBS, is_title
from babelwire.sentence_vectors import ArticleTextVectors
from babelwire.sentences import split_sentences


def _word_set(text: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(text.split())


def _word_tuple(text: str) -> tuple[str, ...]:
    """The words of a space-separated list, in order."""
    return tuple(text.split())


#: two quotes in different languages whose best-matching sentences or clauses reach this cosine render one
#: statement (calibrated on tests/fixtures/quote_pairs.csv: translations score 0.66–0.90 but for two very
#: short ones (0.46, 0.52); different quotes on the same topic at most 0.55)
QUOTE_MATCH_THRESHOLD = 0.58
#: two quotes in one language are one statement when the shorter one's content words are at least this share
#: of the other's (an abridgement, or the same words; reading_dev: true pairs 0.83–1.0, others at most 0.5)
SAME_LANGUAGE_CONTAINMENT = 0.75
#: … or at least this share and the encoder's cosine reaches QUOTE_MATCH_THRESHOLD (a rephrased rendering)
SAME_LANGUAGE_REPHRASED = 0.55
#: a quote of fewer content words than this never matches on shared words alone
MIN_SHARED_WORDS = 2
#: opening mark → the marks that may close it
QUOTE_PAIRS: dict[str, str] = {
    "“": "”“", "„": "“”", "«": "»", "»": "«»", "”": "”", '"': '"', "‘": "’", "‚": "‘’", "「": "」", "『": "』",
    "‹": "›", "'": "'",
}
#: scrapes mix straight and curly marks: a straight opening mark may close with a curly one
QUOTE_PAIRS['"'] = '"”'

#: marks that open and close alike: one followed by a letter right after a space opens the next quote
_SYMMETRIC = frozenset({'"', "'", "”"})
_DASHES = ("– ", "— ", "- ")
#: languages whose news write speech as a paragraph opened by a dash (elsewhere a dash opens a list item)
_DIALOGUE_DASH_LANGUAGES = frozenset({"sv", "no", "da", "fi", "pl", "cs", "ru", "uk", "es", "it", "pt", "fr"})
#: characters that may stand before an opening mark (start of line, space, bracket, colon, dash)
_BEFORE_OPENING = frozenset(" \t([:–—-/")
_CJK_LANGUAGES = frozenset({"zh", "ja"})
#: languages that may leave the subject of a verb out (*dijo*, *وأضاف*, *powiedział*, *dedi*)
_PRO_DROP = frozenset({"es", "it", "pt", "pl", "cs", "ru", "uk", "tr", "ar", "fi", "zh", "ja"})
#: the simplemma code of a language where it differs
_LEMMA_CODES = {"no": "nb"}
#: (not Turkish: its lemmas join verbs and their nouns, *açıkladı* and *açıklamada*, "in the statement")
_LEMMA_LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "ru",
                              "uk"})
#: source phrases that follow their entity (*KCNA zufolge*, *Reuters'a göre*, *Ylen mukaan*)
_POSTPOSITIONS = frozenset({"zufolge", "göre", "mukaan", "によると"})
#: possessive determiners and kinship words that may stand before a name (*said his father Deeq Farah*)
_BEFORE_NAME = _word_set(
    "his her their its sein seine seiner ihr ihre son sa ses su sus suo sua zijn haar hans hennes deras jego jej "
    "ich его её їх father mother brother sister son daughter wife husband vater mutter bruder schwester "
    "père mère frère sœur padre madre hermano hermana hijo hija"
)
#: lemmas of verbs of quoting (*citeerde het kantoor hem*, *quoted him*): the quoter is their subject, the
#: speaker their object
_QUOTING_LEMMAS = _word_set(
    "quote citeren zitieren citer citar citare cytować цитировать цитувати citera sitere citere"
)
#: object pronouns that stand for the person quoted (*citeerde … hem*, *quoted him*, *zitierte ihn*)
_OBJECT_PRONOUNS = _word_set(
    "him her hem haar ihn le la lo lui go jego ją его её його її honom henne ham hende"
)
#: what joins a role to whose role it is (*Vorsitzende der X*, *spokesman for X*, *portavoz de X*)
_OF_WORDS = frozenset({"der", "des", "of", "of the", "for", "for the", "de", "de la", "del", "du", "di", "della",
                       "van", "van de", "von", "av", "för", "z", "do", "da", "dos", "das", "of het"})
#: roles that speak for an organisation: their words are the organisation's
_SPOKESPERSONS = _word_set(
    "spokesman spokeswoman spokesperson talesperson talesman talskvinna talskvinnan talesmannen pressesprecher "
    "sprecher sprecherin woordvoerder woordvoerster porte-parole portavoz portavoce porta-voz rzecznik rzeczniczka "
    "mluvčí представитель пресс-секретарь речник sözcü sözcüsü tiedottaja متحدث المتحدث ناطق الناطق"
)
#: words that open the clause of what was said (*said that*, *sagte, dass*): no subject after them
_COMPLEMENTISERS = _word_set(
    "that dass daß que che att dat at että że что що ki إن أن"
)
#: common nouns that stand for an organisation named before (*comunicó el organismo*, *the agency said*)
_ORGANISATION_ROLES = _word_set(
    "organisation organization agency ministry company group court office organismo organización dependencia "
    "institución agencia ministerio empresa tribunal behörde ministerium unternehmen firma gericht agence "
    "organisme ministère entreprise agenzia ministero azienda organização agência ministério empresa "
    "organisatie agentschap ministerie bedrijf myndigheten myndigheden departementet ministeriet bolaget "
    "organizacja agencja ministerstwo spółka sąd организация агентство министерство компания суд kurum "
    "bakanlık şirket mahkeme"
)
#: languages without letter case, where the word after a speech verb is its subject's name when it is not a
#: common word (Arabic writes verb, subject: *وقال ميسي*); the entity rules may not have found it
_UNCASED_SUBJECT_LANGUAGES = frozenset({"ar"})
#: Arabic words after a speech verb that are not a name: particles, prepositions, pronouns, nouns of source
_ARABIC_NOT_NAMES = _word_set(
    "إن أن إنه أنه ان انه إنها أنها انها بأن بان له لها لهم لنا عن في على من مع إلى الى خلال عبر أيضا أيضاً "
    "كذلك بعد قبل حول هذا هذه ذلك تلك فيه فيها عنه عنها بيان بيانه بيانها تصريح تصريحات مصدر مصادر رئيس وزير "
    "نائب مدير متحدث ناطق مسؤول مسؤولة مصدرا قائلا قائلة مؤكدا مشيرا موضحا مضيفا اليوم أمس يوم وقت حين "
    "مسؤولون مسؤولين خبراء خبير محللون محلل شهود شاهد سكان مواطنون ناشطون نشطاء متحدثة ناطقة وزيرة رئيسة سفير "
    "مديرة قائد زعيم أمين عضو أعضاء تقرير تقارير وسائل صحيفة وكالة موقع مصادر مصدر"
)
#: a word, with inner hyphens and apostrophes (l'Anses, 48-Jährige, Kara'nın)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
#: words that may stand between a speech verb and its subject, or between a subject and its verb:
#: articles, auxiliaries, a few adverbs (*a déclaré*, *has said*, *sagte am Mittwoch*, *said later*)
_FILLERS = _word_set(
    "the a an der die das den dem des le la les l el los las il lo gli i de het een ett en et has have had is was "
    "were be been also later then again once too now today yesterday hat hatte habe ist war wurde wird auch nun dann "
    "später heute gestern noch erneut mehrmals am a été ont avait aussi encore ha han había ha è era anche ainda já "
    "foi tem har hade är var också även heeft had is was ook nog ook nu toen też już także również ještě také уже "
    "также тоже ise da de ve مع في"
)
#: words that say a role refers to a person (*the 48-year-old*, *der 48-Jährige*), besides titles
_AGE_ROLE = re.compile(r"^\d+[-‑]?(?:year-old|jährige[rn]?|årige?n?|årig|jarige|latek|latka|летний|летняя)$",
                       re.IGNORECASE)
#: a word before or after the marks that makes the quoted words a name or title (campaign, programme,
#: called …; matched as a prefix when it is five letters or more, so inflected forms count)
_NAME_CUES = _word_tuple(
    "program campaign campagn campañ campanh kampan kampagne film filmen album song songs lied serie series movement "
    "bewegung mouvement movimiento movimento beweging rörelse hashtag slogan motto titel title titre título titolo "
    "tytuł название newspaper magazine magazin zeitung journal diario periódico giornale jornal krant tidning "
    "tidningen gazeta газет журнал sendung émission screensaver book buch livre libro boek boken książk книг called "
    "named titled dubbed so-called genannt namens sogenannt appelé intitulé baptisé surnommé llamad denominad "
    "titulad apodad chiamat intitolat chamad intitulad genaamd getiteld kallad kallas kaldet kalt nazywan zwany "
    "zwanej называем названием adlı isimli başlıklı المسمى بعنوان باسم صحيفة مجلة قناة برنامج حملة فيلم أغنية كتاب "
    "名为 题为"
)
#: short lower-case words that may stand inside a title-cased name or title (Music for Hope, Musik für Hoffnung)
_TITLE_CONNECTORS = _word_set(
    "of for the and a an in on at to by with not de del della di da do dos das du des la le les el y e et und für "
    "von vom zum zur der die das van het en og och i på för af w z na dla"
)


@dataclass
class Quote:
    """A quotation in one article, with who said it when known."""

    id: str
    article_id: str
    language: str
    text: str
    start: int  # offsets of the quoted words (marks excluded) in the document
    end: int
    paragraph: int
    speaker: Mention | None = None
    speaker_text: str | None = None  # as the article names the speaker: a name, a pronoun, a role
    #: the evidence behind the speaker: speech-verb | source | colon | pronoun | role | zero-subject |
    #: continuation (None when there is no speaker)
    attribution: str | None = None
    nested: bool = False  # inside another quote: someone the speaker quotes, so no speaker is given


# --- speech verbs ------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _lemma(word: str, language: str) -> str:
    """The case-folded lemma of a word where simplemma knows the language, else the word itself."""
    code = _LEMMA_CODES.get(language, language)
    if code not in _LEMMA_LANGUAGES:
        return word
    return simplemma.lemmatize(word, lang=code).casefold()


@cache
def _verb_forms(language: str) -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, ...], ...]]:
    """Single-word forms, their lemmas, and the several-word phrases (as word tuples) of a language."""
    entries = SPEECH_VERBS.get(language, SPEECH_VERBS["en"])
    words = frozenset(entry.casefold() for entry in entries if " " not in entry)
    lemmas = frozenset(lemma for word in words if word not in SOURCE_CUES
                       and len(lemma := _lemma(word, language)) >= 4)
    phrases = tuple(sorted((tuple(entry.casefold().split()) for entry in entries if " " in entry),
                           key=len, reverse=True))
    return words, lemmas, phrases


def is_speech_verb(word: str, language: str) -> bool:
    """Whether one word is a form of a speech verb of the language (by its form, else by its lemma)."""
    folded = word.casefold()
    words, lemmas, _ = _verb_forms(language)
    if folded in words:
        return True
    if language == "ar" and folded[:1] in ("و", "ف") and folded[1:] in words:  # وقال, فأضاف
        return True
    return bool(lemmas) and folded not in PRONOUNS and _lemma(folded, language) in lemmas


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    """The words of ``text[start:end]`` with their offsets in ``text``."""
    return [_Token(m.group(), start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]


def _verb_length(tokens: Sequence[_Token], index: int, language: str) -> int:
    """How many tokens a speech verb or phrase starting at ``tokens[index]`` spans (0: none there)."""
    _, _, phrases = _verb_forms(language)
    folded = [token.text.casefold() for token in tokens[index : index + 5]]
    for phrase in phrases:
        if tuple(folded[: len(phrase)]) == phrase:
            return len(phrase)
    return 1 if folded and is_speech_verb(tokens[index].text, language) else 0


def _is_source_cue(tokens: Sequence[_Token], index: int, length: int) -> bool:
    """Whether the speech phrase at ``tokens[index]`` names a source (according to, laut, según …)."""
    return " ".join(token.text.casefold() for token in tokens[index : index + length]) in SOURCE_CUES


# --- finding quotes ----------------------------------------------------------------------------------------


def _opens(line: str, position: int) -> bool:
    """Whether the character at ``position`` opens a quote (by its kind and what stands around it)."""
    char = line[position]
    if char not in QUOTE_PAIRS:
        return False
    before = line[position - 1] if position > 0 else " "
    after = line[position + 1 : position + 2]
    if char == "'":  # straight apostrophe: only a mark after a space and before a word ('A miracle boy')
        return before in _BEFORE_OPENING and after.isalnum()
    if char == "‘" and before.isalpha():
        return False
    if before == "." and after.isupper():  # Mascagni."Ich glaube …: a space lost in the scrape
        return True
    return position == 0 or before in _BEFORE_OPENING or char in "“„«「『‚‹"


def _closing_mark(line: str, opening: int) -> int | None:
    """The offset of the mark that closes the quote opened at ``opening`` in a line, if any.

    A symmetric mark with a space before it and a letter after it opens the next quote instead: the quote
    opened here is then unclosed (cut off by the scrape), and not a quote.
    """
    closers = QUOTE_PAIRS[line[opening]]
    for position in range(opening + 1, len(line)):
        char = line[position]
        if char not in closers:
            continue
        following = line[position + 1 : position + 2]
        if char in "’'" and (following.isalpha() or line[position - 1].isspace()):
            continue  # an apostrophe (Loekasjenko’s, Slovenya'da), not a closing mark
        if char in _SYMMETRIC and line[position - 1].isspace() and following.isalnum() and position - opening > 1:
            return None
        return position
    return None


def _marked_spans(line: str, offset: int = 0) -> list[tuple[int, int, bool]]:
    """Start, end (exclusive) and nestedness of the words between paired quotation marks in a line."""
    spans: list[tuple[int, int, bool]] = []
    position = 0
    while position < len(line):
        closing = _closing_mark(line, position) if _opens(line, position) else None
        if closing is None:
            position += 1
            continue
        spans.append((offset + position + 1, offset + closing, offset > 0))
        if offset == 0:  # one level of quotes inside the quote, in other marks
            inner = line[position + 1 : closing].replace(line[position], " ")
            spans.extend(_marked_spans(inner, position + 1))
        position = closing + 1
    return spans


def _dash_quote(line: str, language: str) -> tuple[int, int] | None:
    """The quoted part of a line of dialogue: after the dash, up to the ', says X' that attributes it.

    The quote stops at the first comma or dash followed by a speech verb (``– …, powiedział X. Następnie …``),
    so the narration after the attribution stays out of it.
    """
    if not line.startswith(_DASHES) or language not in _DIALOGUE_DASH_LANGUAGES:
        return None
    start = 2
    for comma in re.finditer(r"[,!?]\s*(?:[–—-]\s*)?|\s[–—-]\s", line):
        if comma.start() <= start:
            continue
        tokens = _tokens(line, comma.end(), min(len(line), comma.end() + 60))
        if tokens and tokens[0].start == comma.end() and _verb_length(tokens, 0, language):
            end = comma.start() + (1 if line[comma.start()] in "!?" else 0)
            return start, end
    return start, len(line.rstrip())


def _continued_paragraph(line: str, following: str, spans: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """A quote running over paragraphs, each opened by a mark and only the last closed (*Kostov told
    reporters: "I resign … goals.* / *"I am not ready …"*): the unclosed paragraph's part, to its end."""
    if not following or following[0] not in QUOTE_PAIRS:
        return None
    for position in range(len(line)):
        if line[position] != following[0] or any(s - 1 <= position <= e for s, e in spans):
            continue
        if _opens(line, position) and _closing_mark(line, position) is None:
            end = len(line.rstrip())
            return (position + 1, end) if line[position + 1 : end].strip() else None
    return None


def _long_enough(text: str, language: str) -> bool:
    """Two words or more (four characters in Chinese and Japanese): a single quoted word is no quote."""
    if language in _CJK_LANGUAGES:
        return len(text.strip()) >= 4
    return len(text.split()) >= 2


def _is_title_cased(text: str) -> bool:
    """Every word capitalised but for short connectors, no sentence punctuation: a name or a title."""
    words = [word for word in re.findall(r"[^\W\d_][\w'’-]*", text)]
    if not words or text.rstrip().endswith((".", ",", "!", "?", "…", ":")) or len(words) > 7:
        return False
    if all(word.isupper() for word in words) and len(words) > 1:  # a shouted headline, not a title
        return False
    capitalised = [word for word in words if word[0].isupper()]
    return len(capitalised) >= 1 and all(word[0].isupper() or word.casefold() in _TITLE_CONNECTORS
                                         for word in words) and words[0][0].isupper()


def _is_complementiser(word: str) -> bool:
    """*that*, *dass*, *que*, *qu'elle* …: the start of what was said, never a subject."""
    folded = word.casefold()
    return folded in _COMPLEMENTISERS or folded.startswith(("qu'", "qu’"))


def _is_name_cue(word: str) -> bool:
    """Whether a word beside quoted words says they are a name or title (campaign, programme, called)."""
    folded = word.casefold()
    return any(folded == cue or (len(cue) >= 5 and folded.startswith(cue)) for cue in _NAME_CUES)


def _names_something(line: str, start: int, end: int) -> bool:
    """Whether the words between the marks at ``start``/``end`` are a name, a title or a slogan, not speech."""
    text = line[start:end]
    if _is_title_cased(text):
        return True
    before = _WORD.findall(line[max(0, start - 40) : start])
    after_text = line[end + 1 : end + 40]
    after = _WORD.findall(after_text)
    if after_text.startswith("-"):  # «Black Lives Matter»-Bewegung
        return True
    return bool((before and _is_name_cue(before[-1])) or (after and after_text[:1] == " " and _is_name_cue(after[0])))


def _speaker_type_ok(mention: Mention, language: str) -> bool:
    """A person, or an organisation; never a place, a publication named as a source (the newspaper in "told
    the newspaper Mundo Deportivo"), or a word that is a speech verb (Wyjaśnił)."""
    if mention.type not in (PERSON, ORGANISATION) or mention.evidence == PUBLICATION:
        return False
    words = mention.name.split()
    return not (len(words) == 1 and is_speech_verb(words[0], language))


class QuoteFinder:
    """Finds the quotes of one document and attributes them, given the document's entity mentions."""

    def __init__(self, document: Document, mentions: Sequence[Mention]):
        self.document = document
        self.language = document.language
        self.text = document.text
        self.quotes: list[Quote] = []
        self._mentions = sorted(mentions, key=lambda mention: mention.start)
        self._speakers: list[Mention] = []  # mentions outside the quotes that may speak
        #: the quote's speaker is written (a pronoun, a role) but could not be resolved: look no further
        self._settled = False

    def find(self) -> list[Quote]:
        """Every quote, in document order, with its speaker where the article says who it is."""
        offset = 0
        paragraph = -1
        lines = self.text.split("\n")
        for number, line in enumerate(lines):
            paragraph += bool(line.strip())  # blank lines between paragraphs do not count
            spans = [(s, e, nested) for s, e, nested in _marked_spans(line)
                     if not _names_something(line, s, e)]
            following = next((text.strip() for text in lines[number + 1 :] if text.strip()), "")
            continued = _continued_paragraph(line, following, [(s, e) for s, e, _ in spans])
            if continued is not None:
                spans.append((*continued, False))
            dash = _dash_quote(line, self.language)
            if dash is not None and not any(s < dash[1] and dash[0] < e for s, e, _ in spans):
                spans.append((*dash, False))
            for start, end, nested in sorted(spans):
                self._add(line, offset, paragraph, start, end, nested)
            offset += len(line) + 1
        self._speakers = [m for m in self._mentions if not self._inside_quote(m)
                          and _speaker_type_ok(m, self.language)]
        for quote in self.quotes:
            self._attribute(quote)
        return self.quotes

    def _add(self, line: str, offset: int, paragraph: int, start: int, end: int, nested: bool) -> None:
        raw = line[start:end]
        text = raw.strip().strip(",")
        if not _long_enough(text, self.language):
            return
        begin = offset + start + raw.index(text[:1]) if text else offset + start
        quote_id = f"{self.document.article_id}:q{len(self.quotes) + 1}"
        self.quotes.append(Quote(quote_id, self.document.article_id, self.language, text, begin,
                                 begin + len(text), paragraph, nested=nested))

    def _inside_quote(self, mention: Mention) -> bool:
        return any(quote.start <= mention.start < quote.end + 1 for quote in self.quotes if not quote.nested)

    # --- attribution ----------------------------------------------------------------------------------

    def _attribute(self, quote: Quote) -> None:
        if quote.nested:
            return
        self._settled = False
        for attempt in (self._after_quote, self._colon_before, self._before_quote, self._source_in_sentence,
                        self._continuing):
            if attempt(quote) or self._settled:
                return

    def _sentence_bounds(self, quote: Quote) -> tuple[int, int]:
        """The sentence around the quote: from the last sentence end before it to the first one after it."""
        line_start, line_end = self._line_bounds(quote.start)
        text = self.text
        before = max(text.rfind(". ", line_start, quote.start - 1), text.rfind("? ", line_start, quote.start - 1),
                     text.rfind("! ", line_start, quote.start - 1))
        start = line_start if before < 0 else before + 2
        after = re.search(r"[.!?](?=\s|$)", text[quote.end + 1 : line_end])
        while after is not None and after.start() == 0 and quote.text.endswith((".", "!", "?")):
            after = None  # the mark closing the quote's own sentence: look on
        end = line_end if after is None else quote.end + 1 + after.end()
        return start, end

    def _line_bounds(self, offset: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return start, len(self.text) if end < 0 else end

    def _set(self, quote: Quote, speaker: Mention | None, how: str, said_as: str | None = None) -> bool:
        if speaker is None:
            return False
        quote.speaker, quote.attribution = speaker, how
        quote.speaker_text = said_as or speaker.text
        return True

    def _mention_at(self, token: _Token) -> Mention | None:
        """The speaker-like mention at a token, unless it is a possessor (*Lula's position*, *Kara'nın*)."""
        for mention in self._speakers:
            if token.start <= mention.start < token.end or mention.start <= token.start < mention.end:
                return None if self._possessor(mention) else mention
        return None

    def _inverted_name(self, tokens: Sequence[_Token]) -> Mention | None:
        """A name of unknown kind right after a speech verb (*sagte Kim*, *dijo Barrios*): in that place it can
        only be the subject, so it is taken even though the tagger could not tell a person from a place."""
        for token in tokens:
            if token.text.casefold() in _FILLERS or self._is_role(token.text):
                continue
            for mention in self._mentions:
                if (mention.start == token.start and mention.type == UNKNOWN and not self._possessor(mention)
                        and mention.words[0].casefold() not in FUNCTION_WORDS
                        and not any(is_speech_verb(word, self.language) for word in mention.words)
                        and not self._inside_quote(mention)):
                    return mention
            return None
        return None

    def _possessor(self, mention: Mention) -> bool:
        """Whether the mention is followed by a possessive ending (Lula's, Kara'nın): someone else's subject."""
        tail = self.text[mention.end - 2 : mention.end + 5]
        return bool(re.match(r"..(?:['’]s?\b|['’](?:n?[ıiuü]n)\b)", tail)) or mention.text.endswith(("'s", "’s"))

    def _is_role(self, word: str) -> bool:
        """A title or role (minister, presidenten) or an age (the 48-year-old): a person's description."""
        return is_title(word) or bool(_AGE_ROLE.match(word))

    def _subject(self, quote: Quote, tokens: Sequence[_Token], how: str) -> bool:
        """Attribute the quote to the subject written in ``tokens`` (a name, a pronoun, a role), if any."""
        named = [m for token in tokens if (m := self._mention_at(token)) is not None]
        persons = [m for m in named if m.type == PERSON]
        words = [token.text for token in tokens]
        role_first = next((t for t in tokens if self._is_role(t.text)), None)
        gap = self.text[role_first.end : named[0].start].strip().casefold() if role_first and named else "-"
        if named and not gap and named[0].words[0].casefold() in _OF_WORDS:  # the tagger took "der" in
            gap = named[0].words[0].casefold()
        if named and role_first is not None and role_first.end <= named[0].start and gap in _OF_WORDS:
            # sagte der Vorsitzende der Nachwuchsorganisation von CDU: the organisation is the role's, not the
            # speaker, unless the role speaks for it (the spokesman of X, el portavoz de X)
            if role_first.text.casefold().rstrip(".") in _SPOKESPERSONS:
                return self._set(quote, named[0], "role", " ".join(words))
            self._settled = True
            return self._set(quote, self._antecedent(quote), "role", " ".join(words))
        if persons or named:
            return self._set(quote, (persons or named)[-1], how)
        if any(word.casefold() in PRONOUNS for word in words):
            pronoun = next(word for word in words if word.casefold() in PRONOUNS)
            self._settled = True
            return self._set(quote, self._antecedent(quote), "pronoun", pronoun)
        if any("'" in word or "’" in word for word in words[:-1]):  # the boy's father: someone else's relative
            self._settled = True
            return False
        roles = [word for word in words if self._is_role(word)]
        if roles:
            self._settled = True
            return self._set(quote, self._antecedent(quote), "role", " ".join(words[-3:]))
        return self._set(quote, self._organisation_named(quote, words), "role", " ".join(words[-3:]))

    def _organisation_named(self, quote: Quote, words: Sequence[str]) -> Mention | None:
        """For "the hospital said": the last organisation named before whose name has that word."""
        nouns = {word.casefold() for word in words if word[:1].islower() and len(word) > 3}
        if nouns & _ORGANISATION_ROLES:  # the agency, el organismo: the last organisation named
            for mention in reversed([m for m in self._speakers if m.end <= quote.start and m.type == ORGANISATION]):
                if quote.paragraph - self._paragraph_of(mention) <= 2:
                    return mention
            return None
        for mention in reversed([m for m in self._speakers if m.end <= quote.start and m.type == ORGANISATION]):
            if nouns & {word.casefold() for word in mention.words}:
                return mention
        return None

    def _after_quote(self, quote: Quote) -> bool:
        """``…”, säger Lukasjenko`` / ``…", Biden said`` / ``…», — заявил Путин`` / ``… dedi`` (subject before)."""
        _, sentence_end = self._sentence_bounds(quote)
        lead = re.match(r"[\s,.”“\"»«’'‘:)]*(?:[–—-]\s*)?", self.text[quote.end : sentence_end])
        cursor = quote.end + (lead.end() if lead else 0)
        if self.text[quote.end : cursor].count("\n"):
            return False
        tokens = _tokens(self.text, cursor, sentence_end)
        tokens = [t for t in tokens if not self._in_other_quote(t.start, quote)]
        for index, token in enumerate(tokens[:7]):
            length = _verb_length(tokens, index, self.language)
            if not length:
                if token.text.casefold() in _FILLERS or self._mention_at(token) or index < 4:
                    continue
                return False
            if self.text[cursor : token.start].count(",") and index > 0:
                return False  # "…", the 48-year-old, who …: no verb of its own here
            if self.language in ("tr", "ja"):  # “…” dedi: the subject comes before the quote
                return self._subject_before_quote(quote)
            if index == 0:  # said X / sagte Kim / dijo la Secretaría / وقال ميسي
                return self._after_verb(quote, tokens, length, sentence_end)
            return self._subject(quote, tokens[:index], "speech-verb")
        return False

    def _after_verb(self, quote: Quote, tokens: Sequence[_Token], length: int, end: int) -> bool:
        """The subject just after a speech verb (``said the minister``), or none said (``, dijo.``)."""
        if _is_source_cue(tokens, 0, length):
            return self._set(quote, self._governed(tokens[length:length + 6]), "source")
        if length == 1 and _lemma(tokens[0].text.casefold(), self.language) in _QUOTING_LEMMAS:
            # “…”, citeerde het kantoor van Tokayev hem: the one quoted is the object pronoun
            self._settled = True
            objects = [t.text for t in tokens[1:8] if t.text.casefold() in _OBJECT_PRONOUNS]
            return bool(objects) and self._set(quote, self._antecedent(quote), "pronoun", objects[0])
        subject: list[_Token] = []
        for token in tokens[length : length + 5]:
            between = self.text[(subject[-1].end if subject else tokens[length - 1].end) : token.start]
            if any(mark in between for mark in ",.;:!?\"“”«»„"):
                break
            subject.append(token)
            if self._mention_at(token) or token.text.casefold() in PRONOUNS:
                break
            if _is_complementiser(token.text):  # said that …: what follows is what was said
                subject.pop()
                break
        if subject and self._subject(quote, subject, "speech-verb"):
            return True
        if self._set(quote, self._inverted_name(tokens[length : length + 3]), "speech-verb"):
            return True
        if len(tokens) > length and self._uncased_name(quote, tokens[length]):
            return True
        after = self.text[tokens[length - 1].end : end]
        if not subject or re.match(r"\s*[.,;]", after):  # "…”, dijo." / "…”, agregó: no subject written
            return self._zero_subject(quote)
        return False

    def _uncased_name(self, quote: Quote, token: _Token) -> bool:
        """Arabic: the word right after a speech verb, when it is no article-marked noun or particle, is the
        subject's name (*وقال ميسي* → ميسي); it becomes the speaker, as a person mention of its own."""
        if self.language not in _UNCASED_SUBJECT_LANGUAGES or not self._name_like(token.text):
            return False
        words = [token]  # up to three such words in a row: طلعت يوسف
        for following in _tokens(self.text, token.end, min(len(self.text), token.end + 60))[:2]:
            if (self.text[words[-1].end : following.start].strip() or not self._name_like(following.text)
                    or following.text.startswith(("ل", "و", "ف", "ك"))):  # لباقي: a preposition, not a name
                break
            words.append(following)
        start, end = words[0].start, words[-1].end
        name = self.text[start:end]
        sentence = self.document.sentence_at(start)
        mention = Mention(self.document.article_id, self.language, name, name, PERSON, start, end,
                          sentence.index if sentence else 0, tagger="quotes", confident=False,
                          evidence="speech-verb subject")
        return self._set(quote, mention, "speech-verb")

    def _name_like(self, word: str) -> bool:
        """An Arabic word that may be (part of) a name: no article, particle, verb or pronoun suffix."""
        return not (word.startswith(("ال", "وال", "بال", "لل")) or word in _ARABIC_NOT_NAMES or len(word) < 3
                    or is_speech_verb(word, self.language) or word.endswith(("ه", "ها", "هم")))

    def _possessive_word(self, token: _Token) -> bool:
        """Whether the word is a possessive (the boy's)."""
        return token.text.endswith(("'s", "’s")) or self.text[token.end : token.end + 2] in ("'s", "’s")

    def _subject_before_quote(self, quote: Quote) -> bool:
        """SOV (Turkish): the first person or organisation of the sentence before the quote, not a possessor."""
        start, _ = self._sentence_bounds(quote)
        candidates = [m for m in self._speakers if start <= m.start and m.end <= quote.start
                      and not re.match(r"['’](?:n?[ıiuü]n)\b", self.text[m.end : m.end + 5])]
        persons = [m for m in candidates if m.type == PERSON]
        if persons or candidates:
            return self._set(quote, (persons or candidates)[0], "speech-verb")
        mark = self.text.rfind(self.text[quote.start - 1], start, quote.start) if quote.start else -1
        adjacent = [m for m in self._mentions if m.type == UNKNOWN and start <= m.start
                    and mark >= m.end and not self.text[m.end : mark].strip()]
        if adjacent and self._set(quote, self._inverted_name(_tokens(self.text, adjacent[0].start, adjacent[0].end)),
                                  "speech-verb"):  # Olay anını anlatan Kara “…” dedi: a name of unknown kind
            return True
        if _tokens(self.text, start, quote.start):  # a subject is written, but it names no one
            self._settled = True
            return False
        return self._zero_subject(quote)

    def _colon_before(self, quote: Quote) -> bool:
        """``Warchoł: „…”`` — a person's name right before the colon that opens the quote."""
        head = self.text[max(0, quote.start - 4) : quote.start]
        if ":" not in head:
            return False
        colon = self.text.rfind(":", 0, quote.start)
        line_start, _ = self._line_bounds(quote.start)
        # the name opens its line (a headline, a caption): mid-sentence, "przed modlitwą Anioł Pański:" is no
        # speaker
        before = [m for m in self._speakers if m.type == PERSON and 0 <= colon - m.end <= 1
                  and not self.text[line_start : m.start].strip(" \t\"'“”„«»‘’–—-")]
        return bool(before) and self._set(quote, before[-1], "colon")

    def _before_quote(self, quote: Quote) -> bool:
        """``Lukasjenko sa: ”…”`` / ``Mr Kostov told reporters in Skopje: "…"`` / ``وقال ميسي …: "…"``."""
        sentence_start, _ = self._sentence_bounds(quote)
        tokens = _tokens(self.text, sentence_start, quote.start)
        tokens = [t for t in tokens if not self._in_other_quote(t.start, quote)]
        # quoted names (“إنستجرام”, "Twój Wybór") blanked out, so that only marks of other quotes remain
        window = re.sub(r"[\"“”«»„][^\"“”«»„,.;:]{1,40}[\"“”«»„]", lambda m: " " * len(m.group()),
                        self.text[sentence_start : max(sentence_start, quote.start - 1)])
        for index in range(len(tokens) - 1, max(-1, len(tokens) - 21), -1):
            if re.search(r"[\"“”«»„]", window[tokens[index].end - sentence_start :]):
                return False  # a mark between the verb and this quote: the verb introduces another quote
            length = _verb_length(tokens, index, self.language)
            if not length:
                continue
            if re.search(r":\s*\w", window[tokens[index].end - sentence_start :]):
                return False  # "… tamamladı: Slovenya haber kanalları ‘…’": the verb introduces a sentence, not this
            if _is_source_cue(tokens, index, length):
                governed = tokens[index + length : index + length + 6]
                if tokens[index].text.casefold() in _POSTPOSITIONS:
                    governed = tokens[max(0, index - 4) : index]
                return self._set(quote, self._governed(governed), "source")
            if index > 0 and tokens[index - 1].text.casefold() in PRONOUNS:  # He said …
                return self._subject(quote, [tokens[index - 1]], "speech-verb")
            after = []
            for token in tokens[index + length : index + length + 4]:
                if _is_complementiser(token.text):
                    break
                after.append(token)
                if self._mention_at(token) or token.text.casefold() in PRONOUNS:
                    break
            if after and (self._mention_at(after[-1]) or after[-1].text.casefold() in PRONOUNS):
                return self._subject(quote, after, "speech-verb")
            if self._set(quote, self._inverted_name(after), "speech-verb"):
                return True
            if index + length < len(tokens) and self._uncased_name(quote, tokens[index + length]):
                return True
            before = tokens[max(0, index - 8) : index]
            near = [t for t in before if self._mention_at(t)]
            if near:
                return self._subject(quote, [near[-1]], "speech-verb")
            if before and (before[-1].text.casefold() in PRONOUNS or self._is_role(before[-1].text)):
                return self._subject(quote, before[-2:], "speech-verb")
            return self._zero_subject(quote, tokens[:index])
        return False

    def _source_in_sentence(self, quote: Quote) -> bool:
        """``Mr Hu was "all smiles" as he …, according to the BBC's Tom Gibb`` / ``A snap election "cannot be
        excluded" if …, said Michal Dworczyk``: a source phrase, or speech verbs that all name one subject,
        elsewhere in the quote's sentence."""
        start, end = self._sentence_bounds(quote)
        tokens = [t for t in _tokens(self.text, quote.end, end) if not self._in_other_quote(t.start, quote)]
        for index in range(len(tokens)):
            length = _verb_length(tokens, index, self.language)
            if length and _is_source_cue(tokens, index, length):
                governed = tokens[index + length : index + length + 6]
                if tokens[index].text.casefold() in _POSTPOSITIONS:
                    governed = tokens[max(0, index - 4) : index]
                return self._set(quote, self._governed(governed), "source")
        tokens = [t for t in _tokens(self.text, start, end) if not (quote.start <= t.start < quote.end)
                  and not self._in_other_quote(t.start, quote)]
        subjects = []
        for index in range(len(tokens)):
            length = _verb_length(tokens, index, self.language)
            if not length:
                continue
            # the subject right beside the verb, nothing but a space between them (Dickson sagte / so Dickson)
            gap = self.text[tokens[index - 1].end : tokens[index].start] if index > 0 else "-"
            beside = [tokens[index - 1]] if not gap.strip() else []
            verb_end = tokens[index + length - 1].end
            after = [t for t in tokens[index + length : index + length + 3] if t.text.casefold() not in _FILLERS][:1]
            beside += [t for t in after if not re.search(r"[^\w\s]", self.text[verb_end : t.start])
                       and not _is_complementiser(t.text)]
            named = [m for t in beside if (m := self._mention_at(t)) is not None]
            if not named:
                return False  # a speech verb whose subject is not a name: whose words these are is unclear
            subjects.append(named[0])
        if subjects and len({m.name for m in subjects}) == 1:
            return self._set(quote, subjects[0], "speech-verb")
        return False

    def _governed(self, tokens: Sequence[_Token]) -> Mention | None:
        """The entity a source phrase names: a person among the next words, else the first organisation."""
        named = [m for token in tokens if (m := self._mention_at(token)) is not None]
        persons = [m for m in named if m.type == PERSON]
        return (persons or named or [None])[0]

    def _zero_subject(self, quote: Quote, before: Sequence[_Token] = ()) -> bool:
        """A speech verb without a written subject (pro-drop): the speaker of the quote before, or the
        first person of the sentence before the verb."""
        named = [m for token in before if (m := self._mention_at(token)) is not None and m.type == PERSON]
        if named:
            return self._set(quote, named[0], "zero-subject")
        for index, token in enumerate(before[:-1]):  # وأوضح ميسي …، وقال: an earlier verb of the sentence names him
            if is_speech_verb(token.text, self.language) and self._uncased_name(quote, before[index + 1]):
                quote.attribution = "zero-subject"
                return True
        previous = self._previous_speaker(quote, paragraphs=2)
        if previous is not None:
            return self._set(quote, previous.speaker, "zero-subject", previous.speaker_text)
        if self.language in _PRO_DROP:
            return self._set(quote, self._antecedent(quote), "zero-subject")
        return False

    def _previous_speaker(self, quote: Quote, paragraphs: int) -> Quote | None:
        """The attributed quote just before, within ``paragraphs``, with no other person named since."""
        position = self.quotes.index(quote)
        for previous in reversed(self.quotes[:position]):
            if previous.nested:
                continue
            if previous.speaker is None or quote.paragraph - previous.paragraph > paragraphs:
                return None
            if self._person_between(previous.end, quote.start, exclude=previous.speaker):
                return None
            return previous
        return None

    def _person_between(self, start: int, end: int, exclude: Mention | None = None) -> bool:
        """Whether a person other than ``exclude`` is named between two offsets."""
        return any(start <= m.start < end and m.type == PERSON and (exclude is None or m.name != exclude.name)
                   and not self._possessor(m) for m in self._speakers)

    def _antecedent(self, quote: Quote) -> Mention | None:
        """Who a pronoun or role stands for: the speaker of a quote just before (no one else named since),
        else the first person (the likely subject) of the nearest sentence before that names one, within
        the quote's paragraph and the two before it."""
        previous = self._previous_speaker(quote, paragraphs=2)
        if previous is not None and previous.speaker is not None and previous.speaker.type == PERSON:
            return previous.speaker
        sentence_of: dict[int, list[Mention]] = {}
        for mention in self._speakers:
            if mention.end <= quote.start and mention.type == PERSON and not self._possessor(mention):
                sentence_of.setdefault(mention.sentence, []).append(mention)
        first_paragraph = quote.paragraph - 2
        for index in sorted(sentence_of, reverse=True)[:3]:
            first = sentence_of[index][0]
            sentence = self.document.sentence_at(first.start)
            if sentence is not None and sentence.paragraph < first_paragraph:
                return None
            unknown_before = [m for m in self._mentions if m.sentence == index and m.start < first.start
                              and m.type not in (PERSON, ORGANISATION, PLACE)
                              and m.words[0].casefold() not in FUNCTION_WORDS]
            if unknown_before:  # a name of unknown kind before the first person: it may be the subject
                return None
            return first
        return None

    def _paragraph_of(self, mention: Mention) -> int:
        """The paragraph number of a mention (-1 when outside every sentence)."""
        sentence = self.document.sentence_at(mention.start)
        return sentence.paragraph if sentence is not None else -1

    def _in_other_quote(self, offset: int, quote: Quote) -> bool:
        """Whether an offset lies inside a quote other than ``quote`` (its words are no narration)."""
        return any(other is not quote and not other.nested and other.start <= offset < other.end
                   for other in self.quotes)

    def _continuing(self, quote: Quote) -> bool:
        """A quote with no attribution of its own continues the speaker of the quote just before it, when it
        is in the same paragraph or opens the next one and nobody else is named between them."""
        previous = self._previous_speaker(quote, paragraphs=1)
        if previous is None or self._is_headline(quote):
            return False
        between = re.sub(r"[\"“”«»„]", "", self.text[previous.end : quote.start - 1], count=1)  # its closer
        if re.search(r"[\"“”«»„]", between):
            return False  # an unclosed quote between them: this one may be nested in it, someone else's words
        if previous.paragraph != quote.paragraph:
            line_start, _ = self._line_bounds(quote.start)
            lead = self.text[line_start : quote.start].strip(" \"“”„«»'‘’–—-")
            # the paragraph must open with the quote, or with one short sentence whose subject is a pronoun
            # (*Hon lovade stöd. ”Ingen ska lämnas ensam.”*)
            opener = lead.split(maxsplit=1)[0].casefold() if lead else ""
            if lead and not (opener in PRONOUNS and len(split_sentences(lead, self._split_language)) == 1):
                return False
        quote.speaker, quote.speaker_text, quote.attribution = previous.speaker, previous.speaker_text, "continuation"
        return True

    @property
    def _split_language(self) -> str:
        return self.language if self.language != "und" else "en"

    def _is_headline(self, quote: Quote) -> bool:
        """A short paragraph without a sentence end, such as a quote set as a subheading."""
        start, end = self._line_bounds(quote.start)
        line = self.text[start:end].strip().rstrip("”“\"»«’」")
        return len(line.split()) <= 12 and not line.endswith((".", "!", "?", "…"))


def find_quotes(document: Document, mentions: Sequence[Mention]) -> list[Quote]:
    """The quotes of a document with their speakers (mentions are the document's entity mentions)."""
    return QuoteFinder(document, mentions).find()


# --- the same statement in several articles (any language) ------------------------------------------------


_CLAUSE_BREAK = re.compile(r"(?<=[:;])\s+|\s+[–—]\s+|\s*\.\.\.\s*|\s*…\s*")


def _quote_segments(quote: Quote) -> list[str]:
    """The quote and, when it has several, each of its sentences and clauses (after a colon, a dash)."""
    sentences = split_sentences(quote.text, quote.language if quote.language != "und" else "en")
    clauses = [clause for sentence in sentences for clause in _CLAUSE_BREAK.split(sentence)]
    parts = [quote.text]
    for part in dict.fromkeys([*sentences, *clauses]):
        if part != quote.text and _long_enough(part, quote.language) and len(part.split()) >= 3:
            parts.append(part)
    return parts


def quote_similarities(quotes: Sequence[Quote], encoder: Encoder,
                       texts: ArticleTextVectors | None = None) -> np.ndarray:
    """For every pair of quotes, the best cosine between their texts or any of their sentences.

    ``texts`` (optional) supplies the vectors, reusing those of its articles' texts it holds.
    """
    owners: list[int] = []
    segments: list[str] = []
    for number, quote in enumerate(quotes):
        for segment in _quote_segments(quote):
            owners.append(number)
            segments.append(segment)
    size = len(quotes)
    if not segments:
        return np.zeros((size, size), dtype=np.float32)
    if texts is None:
        vectors = encoder.encode(segments)
    else:
        vectors = texts.encode([quotes[number].article_id for number in owners], segments)
    similarity = vectors @ vectors.T
    # a quote's segments are consecutive: the best of each block of rows, then of each block of columns
    starts = np.searchsorted(np.array(owners), np.arange(size))
    return np.maximum.reduceat(np.maximum.reduceat(similarity, starts, axis=0), starts, axis=1).astype(np.float32)


@lru_cache(maxsize=4096)  # a story's quotes are compared pairwise: each one's words are read once
def _content_words(text: str) -> frozenset[str]:
    """The quote's words of three letters or more (and numbers), case-folded: what an abridgement keeps."""
    return frozenset(word.casefold() for word in re.findall(r"\w+", text) if len(word) > 2 or word.isdigit())


def word_containment(first: str, second: str) -> float:
    """The share of the shorter quote's content words that the other quote has too (0 when it has under 2)."""
    words_a, words_b = _content_words(first), _content_words(second)
    shorter = min(words_a, words_b, key=len)
    if len(shorter) < MIN_SHARED_WORDS:
        return 0.0
    return len(words_a & words_b) / len(shorter)


def _speakers_differ(first: Quote, second: Quote, speaker_ids: dict[str, str | None]) -> bool:
    """Both speakers known and not one entity: not when their names share a word (Kim, Kim Jong-un), since
    the entity linking may have left one person as two entities."""
    ids = speaker_ids.get(first.id), speaker_ids.get(second.id)
    if None in ids or ids[0] == ids[1]:
        return False
    if first.speaker is None or second.speaker is None:
        return True
    names = ({word.casefold() for word in first.speaker.words}, {word.casefold() for word in second.speaker.words})
    return not names[0] & names[1]


def statements_match(first: Quote, second: Quote, similarity: float,
                     threshold: float = QUOTE_MATCH_THRESHOLD) -> bool:
    """Whether two quotes (of different articles) report one statement.

    Across languages the encoder decides (``similarity``: the best cosine between their sentences and
    clauses). In one language the encoder rates any two quotes on one topic alike, so the words decide: an
    abridged or repeated quote keeps most of the other's words (:data:`SAME_LANGUAGE_CONTAINMENT`), or a
    rephrased one keeps many of them and the encoder agrees (:data:`SAME_LANGUAGE_REPHRASED`).
    """
    if first.language != second.language:
        return similarity >= threshold
    shared = word_containment(first.text, second.text)
    return shared >= SAME_LANGUAGE_CONTAINMENT or (shared >= SAME_LANGUAGE_REPHRASED and similarity >= threshold)


def match_quotes(
    quotes: Sequence[Quote],
    encoder: Encoder,
    speaker_ids: dict[str, str | None] | None = None,
    threshold: float = QUOTE_MATCH_THRESHOLD,
    texts: ArticleTextVectors | None = None,
) -> dict[str, list[str]]:
    """Ids of the quotes in other articles (any language) that report the same statement.

    Quotes whose speakers are both known and differ never match (``speaker_ids``: quote id → entity id).
    ``texts`` (optional) supplies the vectors of the quotes' texts (see :func:`quote_similarities`).
    """
    matches: dict[str, list[str]] = {quote.id: [] for quote in quotes}
    if len(quotes) < 2:
        return matches
    speaker_ids = speaker_ids or {}
    similarity = quote_similarities(quotes, encoder, texts)
    for first, quote in enumerate(quotes):
        for second, other in enumerate(quotes):
            if other.article_id == quote.article_id or _speakers_differ(quote, other, speaker_ids):
                continue
            if statements_match(quote, other, float(similarity[first, second]), threshold):
                matches[quote.id].append(other.id)
    return matches
