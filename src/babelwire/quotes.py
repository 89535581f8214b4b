"""Direct quotes with their speakers, and the same quote found across languages.

Quotes are text between the quotation marks of any supported language (“…”, „…“, «…», »…«, ”…”, "…",
‘…’, 「…」) or a paragraph opened by a dialogue dash, as Swedish and Norwegian write speech
(``– Det är väldigt enkelt …, säger Lukasjenko``). The speaker is, in that order: the name after or
before a speech verb of the quote's sentence (*säger*, *zei*, *said*, *sagte*, *a déclaré*, *заявил*, *قال*,
*表示* …), the last person named when that is a pronoun or a role (*säger presidenten*), the speaker of
the quote just before when this one continues it, else the person (or organisation) named nearest in
the sentence. Two quotes in different languages are one statement when the encoder finds them alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from babelwire.documents import Document
from babelwire.encoders import Encoder
from babelwire.entities import ORGANISATION, PERSON, PLACE, Mention
from babelwire.lexicon import PRONOUNS, speech_verbs
from babelwire.sentences import split_sentences

#: two quotes in different languages whose best-matching sentences or clauses reach this cosine render one
#: statement (calibrated on tests/fixtures/quote_pairs.csv: translations score 0.66–0.90 but for two very
#: short ones (0.46, 0.52); different quotes on the same topic at most 0.55)
QUOTE_MATCH_THRESHOLD = 0.58
#: opening mark → the marks that may close it
QUOTE_PAIRS: dict[str, str] = {
    "“": "”“", "„": "“”", "«": "»", "»": "«»", "”": "”", '"': '"', "‘": "’", "‚": "‘’", "「": "」", "『": "』",
    "‹": "›",
}
_DASHES = ("– ", "— ", "- ")
#: characters that may stand before an opening mark (start of line, space, bracket, colon, dash)
_BEFORE_OPENING = frozenset(" \t([:–—-/")
#: at most this many characters between a quote and the name after its speech verb
_SPEAKER_REACH = 90
_CJK_LANGUAGES = frozenset({"zh", "ja"})


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
    attribution: str | None = None  # speech-verb | pronoun | role | continuation | nearest-entity


def _closing_mark(line: str, opening: int) -> int | None:
    """The offset of the mark that closes the quote opened at ``opening`` in a line, if any."""
    closers = QUOTE_PAIRS[line[opening]]
    for position in range(opening + 1, len(line)):
        char = line[position]
        if char not in closers:
            continue
        following = line[position + 1 : position + 2]
        if char == "’" and following.isalpha():  # an apostrophe (Loekasjenko’s), not a closing mark
            continue
        return position
    return None


def _marked_spans(line: str) -> list[tuple[int, int]]:
    """Start and end (exclusive) of the words between paired quotation marks in a line, outermost only."""
    spans = []
    position = 0
    while position < len(line):
        char = line[position]
        opens = char in QUOTE_PAIRS and (position == 0 or line[position - 1] in _BEFORE_OPENING
                                         or char in "“„«「『‚‹")
        if char == "‘" and position > 0 and line[position - 1].isalpha():
            opens = False
        closing = _closing_mark(line, position) if opens else None
        if closing is None:
            position += 1
            continue
        spans.append((position + 1, closing))
        position = closing + 1
    return spans


def _verb_pattern(language: str) -> re.Pattern[str]:
    verbs = "|".join(re.escape(verb) for verb in speech_verbs(language))
    return re.compile(rf"(?<!\w)(?:{verbs})(?!\w)", re.IGNORECASE)


def _dash_quote(line: str, language: str) -> tuple[int, int] | None:
    """The quoted part of a line of dialogue: after the dash, up to the ', says X' that attributes it."""
    if not line.startswith(_DASHES):
        return None
    start = 2
    verbs = _verb_pattern(language)
    for comma in re.finditer(r",\s*(?:[–—]\s*)?|\s[–—]\s", line):
        if comma.start() > start and verbs.match(line, comma.end()):
            return start, comma.start()
    return start, len(line.rstrip())


def _long_enough(text: str, language: str) -> bool:
    if language in _CJK_LANGUAGES:
        return len(text.strip()) >= 4
    return len(text.split()) >= 2


def _speaker_rank(mention: Mention) -> int:
    return {PERSON: 0, ORGANISATION: 1}.get(mention.type, 2)


class QuoteFinder:
    """Finds the quotes of one document and attributes them, given the document's entity mentions."""

    def __init__(self, document: Document, mentions: Sequence[Mention]):
        self.document = document
        self.language = document.language
        self.verbs = _verb_pattern(self.language)
        self.quotes: list[Quote] = []
        self._mentions = sorted(mentions, key=lambda mention: mention.start)
        self._mentions_outside: list[Mention] = []  # speakers are named outside the quotes

    def find(self) -> list[Quote]:
        """Every quote, in document order, with its speaker where one is found."""
        offset = 0
        paragraph = -1
        for line in self.document.text.split("\n"):
            paragraph += bool(line.strip())  # blank lines between paragraphs do not count
            spans = [(s, e, "mark") for s, e in _marked_spans(line)]
            dash = _dash_quote(line, self.language)
            if dash is not None and not any(s < dash[1] and dash[0] < e for s, e, _ in spans):
                spans.append((*dash, "dash"))
            for start, end, _kind in sorted(spans):
                self._add(line, offset, paragraph, start, end)
            offset += len(line) + 1
        self._mentions_outside = [m for m in self._mentions if not self._inside_quote(m)]
        for quote in self.quotes:
            self._attribute(quote)
        return self.quotes

    def _add(self, line: str, offset: int, paragraph: int, start: int, end: int) -> None:
        raw = line[start:end]
        text = raw.strip().strip(",")
        if not _long_enough(text, self.language):
            return
        begin = offset + start + raw.index(text[:1]) if text else offset + start
        quote_id = f"{self.document.article_id}:q{len(self.quotes) + 1}"
        self.quotes.append(Quote(quote_id, self.document.article_id, self.language, text, begin,
                                 begin + len(text), paragraph))

    def _inside_quote(self, mention: Mention) -> bool:
        return any(quote.start <= mention.start < quote.end + 1 for quote in self.quotes)

    # --- attribution ----------------------------------------------------------------------------------

    def _attribute(self, quote: Quote) -> None:
        for attempt in (self._after_quote, self._before_quote, self._continuing, self._nearest_entity):
            if attempt(quote):
                return

    def _sentence_bounds(self, quote: Quote) -> tuple[int, int]:
        line_start, line_end = self._line_bounds(quote.start)
        text = self.document.text
        before = max(text.rfind(". ", line_start, quote.start), text.rfind("? ", line_start, quote.start))
        start = line_start if before < 0 else before + 2
        if quote.text.endswith((".", "!", "?", "…")):  # the quote closes its own sentence
            return start, min(line_end, quote.end + 1)
        after = re.search(r"[.!?](?:\s|$)", text[quote.end + 1 : line_end])
        end = line_end if after is None else quote.end + 1 + after.end()
        return start, end

    def _line_bounds(self, offset: int) -> tuple[int, int]:
        text = self.document.text
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        return start, len(text) if end < 0 else end

    def _set(self, quote: Quote, speaker: Mention | None, how: str, said_as: str | None = None) -> bool:
        if speaker is None:
            return False
        quote.speaker, quote.attribution = speaker, how
        quote.speaker_text = said_as or speaker.text
        return True

    def _after_quote(self, quote: Quote) -> bool:
        """``…”, säger Lukasjenko`` / ``…", Biden said`` / ``…», — заявил Путин`` / ``…, säger han``."""
        _, sentence_end = self._sentence_bounds(quote)
        text = self.document.text
        window_start = quote.end + 1
        tail = text[window_start:sentence_end]
        lead = re.match(r"[\s,.”“\"»«’]*(?:[–—]\s*)?", tail)
        cursor = window_start + (lead.end() if lead else 0)
        verb = self.verbs.match(text, cursor)
        if verb is not None:
            return self._speaker_after_verb(quote, verb.end(), sentence_end)
        named = self._first_mention(cursor, min(sentence_end, cursor + 40))
        if named is not None and self.verbs.match(text, named.end + 1):  # "…," Biden said
            return self._set(quote, named, "speech-verb")
        pronoun = re.match(r"(\w+)\s+", text[cursor:sentence_end])
        if pronoun and pronoun.group(1).casefold() in PRONOUNS and self.verbs.match(text, cursor + pronoun.end()):
            return self._set(quote, self._last_person_before(quote.start), "pronoun", pronoun.group(1))
        return False

    def _speaker_after_verb(self, quote: Quote, after_verb: int, sentence_end: int) -> bool:
        text = self.document.text
        rest = text[after_verb:sentence_end]
        first_word = re.match(r"\s*(\w+)", rest)
        if first_word and first_word.group(1).casefold() in PRONOUNS:
            return self._set(quote, self._last_person_before(quote.start), "pronoun", first_word.group(1))
        named = self._first_mention(after_verb, min(sentence_end, after_verb + _SPEAKER_REACH))
        if named is not None:
            return self._set(quote, named, "speech-verb")
        if first_word and first_word.group(1)[:1].islower():  # säger presidenten, said the minister
            role = re.match(r"\s*((?:\w+\s+){0,2}\w+)", rest)
            return self._set(quote, self._last_person_before(quote.start), "role",
                             role.group(1) if role else first_word.group(1))
        return False

    def _before_quote(self, quote: Quote) -> bool:
        """``Lukasjenko sa: ”…”`` / ``zei Loekasjenko … dat het “…”`` / ``Путин заявил: «…»``."""
        sentence_start, _ = self._sentence_bounds(quote)
        text = self.document.text
        window = text[sentence_start : quote.start]
        verbs = list(self.verbs.finditer(window))
        if not verbs:
            return False
        verb = verbs[-1]
        verb_start, verb_end = sentence_start + verb.start(), sentence_start + verb.end()
        candidates = [m for m in self._mentions_outside if sentence_start <= m.start and m.end <= quote.start
                      and m.type != PLACE]
        if not candidates:
            return False

        def distance(mention: Mention) -> tuple[int, int]:
            gap = verb_start - mention.end if mention.end <= verb_start else mention.start - verb_end
            return _speaker_rank(mention), max(gap, 0)

        best = min(candidates, key=distance)
        return distance(best)[1] <= _SPEAKER_REACH and self._set(quote, best, "speech-verb")

    def _continuing(self, quote: Quote) -> bool:
        """A quote with no attribution of its own continues the speaker of the quote just before it."""
        position = self.quotes.index(quote)
        if position == 0:
            return False
        previous = self.quotes[position - 1]
        if previous.speaker is None:
            return False
        next_paragraph = previous.paragraph == quote.paragraph - 1 and not self._is_headline(quote) \
            and not self._person_named_before(quote)
        if previous.paragraph != quote.paragraph and not next_paragraph:
            return False
        quote.speaker, quote.speaker_text, quote.attribution = previous.speaker, previous.speaker_text, "continuation"
        return True

    def _is_headline(self, quote: Quote) -> bool:
        """A short paragraph without a sentence end, such as a quote set as a subheading."""
        start, end = self._line_bounds(quote.start)
        line = self.document.text[start:end].strip().rstrip("”“\"»«’」")
        return len(line.split()) <= 12 and not line.endswith((".", "!", "?", "…"))

    def _person_named_before(self, quote: Quote) -> bool:
        """Whether the quote's paragraph names a person before it (a new speaker may have come in)."""
        start, _ = self._line_bounds(quote.start)
        return any(start <= m.start < quote.start and m.type == PERSON for m in self._mentions_outside)

    def _nearest_entity(self, quote: Quote) -> bool:
        start, end = self._sentence_bounds(quote)
        candidates = [m for m in self._mentions_outside if start <= m.start and m.end <= end and m.type != PLACE]
        if not candidates:
            return False
        def distance(mention: Mention) -> tuple[int, int]:
            return _speaker_rank(mention), min(abs(mention.start - quote.end), abs(quote.start - mention.end))

        best = min(candidates, key=distance)
        return self._set(quote, best, "nearest-entity")

    def _first_mention(self, start: int, end: int) -> Mention | None:
        inside = [m for m in self._mentions_outside if start <= m.start < end and m.type != PLACE]
        if not inside:
            return None
        persons = [m for m in inside if m.type == PERSON]
        return (persons or inside)[0]

    def _last_person_before(self, offset: int) -> Mention | None:
        earlier = [m for m in self._mentions_outside if m.end <= offset and m.type == PERSON]
        return earlier[-1] if earlier else None


def find_quotes(document: Document, mentions: Sequence[Mention]) -> list[Quote]:
    """The quotes of a document with their speakers (mentions are the document's entity mentions)."""
    return QuoteFinder(document, mentions).find()


# --- the same quote across languages ------------------------------------------------------------------------


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


def quote_similarities(quotes: Sequence[Quote], encoder: Encoder) -> np.ndarray:
    """For every pair of quotes, the best cosine between their texts or any of their sentences."""
    owners: list[int] = []
    texts: list[str] = []
    for number, quote in enumerate(quotes):
        for segment in _quote_segments(quote):
            owners.append(number)
            texts.append(segment)
    size = len(quotes)
    best = np.zeros((size, size), dtype=np.float32)
    if not texts:
        return best
    vectors = encoder.encode(texts)
    similarity = vectors @ vectors.T
    owner = np.array(owners)
    for first in range(size):
        rows = similarity[owner == first]
        for second in range(size):
            best[first, second] = rows[:, owner == second].max()
    return best


def match_quotes(
    quotes: Sequence[Quote],
    encoder: Encoder,
    speaker_ids: dict[str, str | None] | None = None,
    threshold: float = QUOTE_MATCH_THRESHOLD,
) -> dict[str, list[str]]:
    """Ids of the quotes in other languages (and other articles) that render the same statement.

    Quotes whose speakers are both known and differ never match (``speaker_ids``: quote id → entity id).
    """
    matches: dict[str, list[str]] = {quote.id: [] for quote in quotes}
    if len(quotes) < 2:
        return matches
    speaker_ids = speaker_ids or {}
    similarity = quote_similarities(quotes, encoder)
    for first, quote in enumerate(quotes):
        for second, other in enumerate(quotes):
            if other.language == quote.language or other.article_id == quote.article_id:
                continue
            speakers = speaker_ids.get(quote.id), speaker_ids.get(other.id)
            if None not in speakers and speakers[0] != speakers[1]:
                continue
            if similarity[first, second] >= threshold:
                matches[quote.id].append(other.id)
    return matches
