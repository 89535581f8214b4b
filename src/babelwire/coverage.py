"""What each article of a story adds: its statements aligned with the other articles' by the encoder.

A *statement* is a sentence of an article's text (not its title) long enough to say something and not
page furniture (:func:`furniture_of`: datelines, bylines, timestamps, credits, headings, "read more"
teasers). Every statement is compared with the statements of the story's other articles: its nearest
few by the cosine of sentence vectors are weighed by :func:`same_fact_probability`, which adds to the
cosine and its *margin* (the cosine over the mean of both sentences' nearest neighbours in the pair of
articles, Artetxe & Schwenk 2019) the evidence that tells the same fact from the same topic: the words
and names the two share that the rest of the story does not (:func:`rare_word_overlap`), shared and
conflicting numbers, and whether the two are in one language. A statement is *shared* with the
articles where its most probable counterpart reaches :data:`SHARED_PROBABILITY`, and *unique* when no
other article comes near (:data:`NEAR_PROBABILITY`); the band between is neither, as the evidence is
too weak to claim either. Per language, the statements that no article in another language makes are
what only that language's coverage says. The summary is the story's most central statements, each
group of matched statements with its sources.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from babelwire.documents import Document, Sentence
from babelwire.encoders import Encoder

#: nearest neighbours averaged for the margin
MARGIN_NEIGHBOURS = 4
#: counterparts weighed per statement and other article: the nearest by cosine is not always the one
#: that states the same fact (on the labelled pairs, 74 % of statements with a counterpart have it first)
MATCH_CANDIDATES = 3
#: sentences shorter than this (in words; characters for Chinese and Japanese) are not statements
MIN_STATEMENT_WORDS = 5
MIN_STATEMENT_CHARS_CJK = 12
#: statements read per article (the lead carries most of the news)
MAX_STATEMENTS = 60
#: statements in the summary
SUMMARY_SIZE = 5
_CJK = frozenset({"zh", "ja"})


@dataclass(frozen=True)
class SameFactModel:
    """A logistic model of "these two sentences state the same fact", with its two decision bars.

    The weights apply to the fields of :class:`Evidence` (see :meth:`Evidence.terms`).
    """

    intercept: float
    weights: tuple[float, ...]
    shared: float  # probability from which a statement is shared with the other article
    near: float  # below this in every other article, a statement is unique


#: fitted by ``bench/coverage.py --calibrate`` on bench/data/statement_pairs.jsonl (799 labelled pairs in the
#: 18 reading_dev groups, 177 stating the same fact; 1,317 candidate matches). ``shared``: the lowest bar
#: at which "shared" is right ≥ 92 % of the time on the labels (in-sample 0.947 precision, 0.443 recall;
#: left-one-group-out about 0.90 / 0.40, where the old cosine 0.40 + margin 1.10 rule had 0.55 / 0.53).
#: ``near``: 148 statements called unique, 28 of them (19 %) stated elsewhere after all; the old rule
#: called 150 unique with 40 (27 %) stated elsewhere. Weights: cosine, margin, rare-word overlap, shared
#: numbers (up to 2), same language (a same-language pair needs more: its cosines run higher).
SAME_FACT = SameFactModel(intercept=-7.0436, weights=(6.8487, 2.6275, 4.808, 4.4785, -1.073), shared=0.675,
                          near=0.2)


@dataclass(frozen=True)
class Statement:
    """A sentence of an article that counts as a statement."""

    article_id: str
    language: str
    sentence: int
    text: str


@dataclass(frozen=True)
class StatementMatch:
    """The best match of a statement in another article."""

    article_id: str
    language: str
    text: str
    score: float  # cosine
    margin: float
    confidence: float = 0.0  # probability that the two state the same fact (:func:`same_fact_probability`)


@dataclass
class ArticleCoverage:
    """One article's statements: those shared (with their matches) and those only it makes."""

    article_id: str
    language: str
    shared: list[tuple[Statement, list[StatementMatch]]] = field(default_factory=list)
    unique: list[Statement] = field(default_factory=list)


@dataclass(frozen=True)
class SummaryPoint:
    """A central statement of the story with every article that makes it."""

    statement: Statement
    sources: list[Statement]
    centrality: float

    @property
    def languages(self) -> list[str]:
        return sorted({source.language for source in self.sources})


@dataclass
class Coverage:
    """The comparison of a story's articles."""

    articles: dict[str, ArticleCoverage]
    by_language: dict[str, list[Statement]]
    summary: list[SummaryPoint]


# --- page furniture -------------------------------------------------------------------------------------------

#: a sentence alone in its paragraph, of at most this many words and with no closing punctuation, is a
#: heading (the labelled headings have 2–6 words; body lines cut by a scrape without a full stop have 7+)
HEADING_MAX_WORDS = 6
#: lines of at most this many words are read as datelines, bylines, credits or timestamps when they look so
SHORT_LINE_WORDS = 10
#: a "read more" marker this near the end of an article starts its teaser list: all that follows goes too
TEASER_TAIL = 4
#: share of upper-case letters (of at least :data:`_CAPS_MIN_LETTERS` cased ones) that marks a shouted heading
CAPS_SHARE = 0.8
_CAPS_MIN_LETTERS = 8

_CLOSING = re.compile(r"[.!?…;:。！？][\"'”’»)\]]*$")
_COPYRIGHT = re.compile(r"©|\(c\)\s|\bcopyright\b|all rights reserved|alle rechte vorbehalten|"
                        r"todos los derechos|tous droits|wszelkie prawa", re.IGNORECASE)
# times (17h00, 22:21) and dates (02.01.2020, 2004-05-24, 01 Aug 04, Nov 18, 2004, 17 November 2004)
_TIMESTAMP = re.compile(r"\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b|"
                        r"\b\d{1,2}\.?\s+[^\W\d_]{3,9}\.?,?\s+'?\d{2}(?:\d{2})?\b|"
                        r"\b[^\W\d_]{3,9}\.?\s+\d{1,2},?\s+'?\d{2}(?:\d{2})?\b")
_SEPARATORS = re.compile(r"\s[|>»/]\s")  # breadcrumbs and section headers: "(01 Aug 04 | Business )"
_BYLINE = re.compile(r"^(?:by|von|por|par|door|di|av|af|przez|da)\s+\S", re.IGNORECASE)
#: e-mail and memo headers quoted in a page ("From: … To: …", "CC: …", "RE: …")
_MAIL_HEADER = re.compile(r"^(?:[Ff]rom|FROM|[Tt]o|TO|[Cc]c|CC|[Ss]ubject|SUBJECT|[Ss]ent|[Dd]ate|DATE):|"
                          r"\b(?:CC|RE|Re|FW|Fw|FWD|Fwd):\s")  # capitalised: "re: hiring" is prose
#: "read more", "sign up", photo credits and the like, in the languages babelwire reads most
_READ_MORE = re.compile(
    r"^(?:read (?:more|also)|see also|sign up|subscribe|advertisement|play video|"
    r"related(?:(?: [^\W\d_]+)?:| (?:stories|articles|links|news|content|coverage|topics)\b)|"
    r"lesen sie (?:auch|mehr)|mehr zum thema|weitere artikel|lire (?:aussi|également)|à lire aussi|"
    r"leia (?:também|mais)|veja também|lee (?:también|más)|ver también|te puede interesar|"
    r"czytaj (?:także|też|więcej)|zobacz (?:też|także)|reklama|lees (?:ook|meer)|ook interessant|"
    r"läs (?:också|mer)|les (?:også|mer)|ayrıca bakınız|ilginizi çekebilir|"
    r"قد يهمك|اقرأ أيضا|اقرأ ايضا|مواضيع ذات صلة)(?![^\W\d_])", re.IGNORECASE)  # "Reklama", not "Reklamahanna"
_CREDIT = re.compile(r"^(?:foto|photo|bild|image|imagen|credit|crédit|fotó|zdjęcie|fotoğraf)s?\s*:", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return text.split()


def _looks_like_furniture(sentence: Sentence, alone: bool) -> bool:
    """Whether one sentence is page furniture by its own form (``alone``: it is its paragraph)."""
    text = sentence.text.strip()
    words = _words(text)
    closed = bool(_CLOSING.search(text))
    short = len(words) <= SHORT_LINE_WORDS
    if _READ_MORE.match(text) or _CREDIT.match(text):
        return True
    if short and (_COPYRIGHT.search(text) or _MAIL_HEADER.search(text)):
        return True
    if short and not closed and (_TIMESTAMP.search(text) or _SEPARATORS.search(text) or _BYLINE.match(text)):
        return True
    if text.startswith("(") and len(words) <= 4:  # "(AP)", "(Jane Doe/Reuters)": agency and photo credits
        return True
    cased = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    if len(cased) >= _CAPS_MIN_LETTERS and sum(c.isupper() for c in cased) >= CAPS_SHARE * len(cased):
        return True  # a shouted heading: "ROAD CLOSED AFTER THE STORM"
    return alone and not closed and len(words) <= HEADING_MAX_WORDS


def furniture_of(document: Document) -> set[int]:
    """Indices of the body sentences that are page furniture rather than statements of the news.

    Generic signals, so that any language is served: copyright and agency lines, datelines and
    timestamps ("Sáb, 13 Nov - 16h00"), section headers ("(01 Aug 04 | Business )"), bylines, photo
    credits, shouted or short headings alone in their paragraph with no closing punctuation, "read
    more" teasers (with the list that follows them at an article's end) and lines repeated verbatim.
    """
    body = document.body_sentences
    per_paragraph = Counter(sentence.paragraph for sentence in body)
    furniture: set[int] = set()
    seen: set[str] = set()
    for position, sentence in enumerate(body):
        text = " ".join(sentence.text.split())
        if text in seen:  # a repeated line (a masthead, a pull quote) says nothing new
            furniture.add(sentence.index)
            continue
        seen.add(text)
        if _READ_MORE.match(text) and position >= len(body) - TEASER_TAIL:
            furniture.update(s.index for s in body[position:])  # the teaser list that closes the page
            break
        if _looks_like_furniture(sentence, per_paragraph[sentence.paragraph] == 1):
            furniture.add(sentence.index)
    return furniture


def is_statement(sentence: Sentence, language: str) -> bool:
    """Whether a sentence is long enough, and in the text rather than the title, to be a statement."""
    if sentence.in_title:
        return False
    if language in _CJK:
        return len(sentence.text.strip()) >= MIN_STATEMENT_CHARS_CJK
    return len(sentence.text.split()) >= MIN_STATEMENT_WORDS


def statements_of(document: Document) -> list[Statement]:
    """A document's statements, page furniture left out, at most :data:`MAX_STATEMENTS`."""
    furniture = furniture_of(document)
    found = [Statement(document.article_id, document.language, sentence.index, sentence.text.strip())
             for sentence in document.sentences
             if is_statement(sentence, document.language) and sentence.index not in furniture]
    return found[:MAX_STATEMENTS]


# --- same fact or same topic ----------------------------------------------------------------------------------

#: words are compared by their first letters, so that inflections meet (Nordkoreas, Nordkorea; Kims, Kim)
STEM_LETTERS = 5
#: words shorter than this carry little of a fact (articles, prepositions) and are not compared
MIN_WORD_LETTERS = 4
_WORD = re.compile(r"[^\W\d_]+")
# a number not glued to a name ("COVID-19", "G7"); a clock time ("12:34") is one number
_NUMBER = re.compile(r"(?<![\w-])\d+(?::\d{2}|(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?)(?:\s?([^\W\d_]+))?")
#: words after a number that scale it, so that "$20bn" is not "20 minutes" and "20 mil" is "20.000"
_SCALES = {
    **dict.fromkeys(("k", "thousand", "tausend", "mil", "bin", "tys", "duizend", "mille", "ألف"), 1e3),
    **dict.fromkeys(("m", "mn", "mln", "mio", "million", "millions", "millionen", "millones", "milhões", "milioni",
                     "milyon", "miljoen", "milionów", "mln.", "مليون"), 1e6),
    **dict.fromkeys(("bn", "billion", "billions", "mrd", "milliarden", "milliard", "milliards", "miliardów",
                     "milyar", "miljard", "مليار"), 1e9),
}


def _fold(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def stems_of(text: str) -> frozenset[str]:
    """The words of a text as comparable stems (case, accents and endings dropped)."""
    return frozenset(_fold(word)[:STEM_LETTERS] for word in _WORD.findall(text) if len(word) >= MIN_WORD_LETTERS)


def numbers_of(text: str) -> frozenset[float]:
    """The numbers a text states, with thousands separators read in either convention (20.000, 20,000)
    and scale words applied (20 mil, $20bn, 6,06 milionów)."""
    found = set()
    for match in _NUMBER.finditer(text):
        number = match.group()[: match.start(1) - match.start()] if match.group(1) else match.group()
        digits = re.sub(r"[.,\u00a0 ](?=\d{3}(?!\d))", "", number.strip()).replace(",", ".").replace(":", ".")
        try:
            value = float(digits)
        except ValueError:
            continue
        word = (match.group(1) or "").casefold()
        spaced = bool(match.group(1)) and text[match.start(1) - 1].isspace()
        scale = 1.0 if word in {"k", "m"} and spaced else _SCALES.get(word, 1.0)  # "40 m" is metres, "$600m" money
        found.add(round(value * scale, 6))
    return frozenset(found)


def rare_word_overlap(first: frozenset[str], second: frozenset[str], weight: dict[str, float]) -> float:
    """Weighted share of the shorter sentence's words that the other one has too.

    A word's weight is its rarity in the story (inverse document frequency over the story's statements),
    so the topic's words (the mosquito, the court) count little and a fact's particular names and terms
    count much; across languages the shared words are mostly names and numbers written alike.
    """
    if not first or not second:
        return 0.0
    shared = sum(weight.get(stem, 0.0) for stem in first & second)
    smaller = min(sum(weight.get(stem, 0.0) for stem in first), sum(weight.get(stem, 0.0) for stem in second))
    return shared / smaller if smaller > 0 else 0.0


@dataclass(frozen=True)
class Evidence:
    """What speaks for two statements of one story stating the same fact."""

    cosine: float
    margin: float
    overlap: float  # :func:`rare_word_overlap`
    shared_numbers: int
    same_language: bool

    def terms(self) -> tuple[float, ...]:
        """The model's inputs, in the order of :attr:`SameFactModel.weights`.

        Shared numbers count up to two: a third adds no more certainty. Numbers stated by one side and
        not the other were tried as evidence against and earned no weight (−0.02 per conflict).
        """
        return (self.cosine, self.margin, self.overlap, float(min(self.shared_numbers, 2)),
                float(self.same_language))


def same_fact_probability(evidence: Evidence, model: SameFactModel = SAME_FACT) -> float:
    """The probability, under ``model``, that the two statements state the same fact."""
    z = model.intercept + sum(w * x for w, x in zip(model.weights, evidence.terms(), strict=True))
    # exp() overflows past 709 (a reading of 55 real articles with the hashing encoder got there): clamped,
    # such a pair is as improbable as it gets, and every other probability is exactly as before
    return 1.0 / (1.0 + math.exp(min(-z, 709.0)))


@dataclass(frozen=True)
class Candidate:
    """A statement and one of its nearest statements in another article, with the evidence on the pair."""

    row: int
    column: int
    evidence: Evidence


@dataclass(frozen=True)
class CandidateTable:
    """Every candidate match of a story's statements, as parallel arrays with one entry per candidate.

    The candidates of one statement (``row``) in one other article are consecutive, nearest first; such a
    run is a *group*, and ``starts`` holds the index of each group's first candidate.
    """

    row: np.ndarray
    column: np.ndarray
    starts: np.ndarray
    cosine: np.ndarray
    margin: np.ndarray
    overlap: np.ndarray
    shared_numbers: np.ndarray
    same_language: np.ndarray

    def evidence(self, index: int) -> Evidence:
        """The evidence on candidate ``index``."""
        return Evidence(float(self.cosine[index]), float(self.margin[index]), float(self.overlap[index]),
                        int(self.shared_numbers[index]), bool(self.same_language[index]))

    def probabilities(self, model: SameFactModel = SAME_FACT) -> np.ndarray:
        """:func:`same_fact_probability` of every candidate, computed at once (the same terms, summed in
        the same order; numpy's ``exp`` may differ from ``math.exp`` in the last bit)."""
        terms = (self.cosine, self.margin, self.overlap, np.minimum(self.shared_numbers, 2).astype(np.float64),
                 self.same_language.astype(np.float64))
        total = np.zeros(len(self.row))
        for weight, values in zip(model.weights, terms, strict=True):
            total = total + weight * values
        z = model.intercept + total
        return 1.0 / (1.0 + np.exp(np.minimum(-z, 709.0)))


def _top_means(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The mean of the highest ``counts`` values along the last axis, where values past a row's own (padding)
    are ``-inf``: summed and divided in the values' own precision, as ``np.sort(row)[-count:].mean()`` does."""
    highest = np.sort(values, axis=-1)[..., -MARGIN_NEIGHBOURS:]
    highest = np.where(np.isneginf(highest), 0, highest)  # padding adds exact zeros, ahead of the values
    return (highest.sum(axis=-1) / counts.astype(values.dtype)).astype(np.float64)


def _story_weights(stems: list[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency of each stem over the story's statements."""
    frequency = Counter(stem for found in stems for stem in found)
    return {stem: math.log((1 + len(stems)) / (1 + count)) for stem, count in frequency.items()}


def _incidence(sets: Sequence[frozenset], weight: dict | None = None) -> sparse.csr_matrix:
    """A statements × items sparse matrix: each item's weight (or 1) where the statement has it."""
    index: dict = {}
    columns = [index.setdefault(item, len(index)) for found in sets for item in found]
    values = [weight[item] for found in sets for item in found] if weight is not None else np.ones(len(columns))
    pointers = np.cumsum([0, *(len(found) for found in sets)])
    return sparse.csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(columns, dtype=np.int64), pointers),
                             shape=(len(sets), max(len(index), 1)))


def candidate_table(statements: Sequence[Statement], similarity: np.ndarray) -> CandidateTable:
    """For every statement, its :data:`MATCH_CANDIDATES` nearest statements in each other article, with the
    evidence on each pair.

    Computed one article at a time against all the others with array operations (the others' statements
    side by side, padded to the longest): a story of 200 articles has about two million candidates, which
    one Python object each made cost a minute.
    """
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, statement in enumerate(statements):
        rows_of[statement.article_id].append(row)
    stems = [stems_of(s.text) for s in statements]
    weight = _story_weights(stems)
    # the words each statement has, weighted by rarity, and its total: the two sides of rare_word_overlap
    weighted = _incidence(stems, weight)
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    has_word = weighted.copy()  # the same words, each counted once
    has_word.data[:] = 1.0
    numbers = _incidence([numbers_of(s.text) for s in statements])
    language_codes = {language: code for code, language in enumerate(sorted({s.language for s in statements}))}
    languages = np.array([language_codes[s.language] for s in statements])
    width = max((len(rows) for rows in rows_of.values()), default=0)
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    sizes: list[np.ndarray] = []
    for own, own_rows in rows_of.items():
        others = [columns for other, columns in rows_of.items() if other != own]
        if not others:
            continue
        rows = np.asarray(own_rows)
        # each other article's statements on a line, padded with -1 (a similarity of -inf)
        laid = np.full((len(others), width), -1)
        for line, columns in enumerate(others):
            laid[line, : len(columns)] = columns
        padding = laid < 0
        own_similarity = similarity[rows]
        block = own_similarity[:, laid]
        block[:, padding] = -np.inf
        order = np.argsort(-block, axis=2, kind="stable")[:, :, :MATCH_CANDIDATES]
        chosen = np.take_along_axis(np.broadcast_to(laid, block.shape), order, axis=2)
        real = chosen >= 0
        chosen = np.where(real, chosen, 0)
        cosine = np.take_along_axis(block, order, axis=2).astype(np.float64)
        other_counts = np.minimum(MARGIN_NEIGHBOURS, (~padding).sum(axis=1))
        row_top = _top_means(block, other_counts)
        column_top = _top_means(own_similarity.T, np.full(similarity.shape[0], min(MARGIN_NEIGHBOURS, len(rows))))
        spread = 0.5 * row_top[:, :, None] + 0.5 * column_top[chosen]
        margin = np.divide(cosine, spread, out=np.zeros_like(cosine), where=spread > 0)
        within = np.arange(len(rows))[:, None, None]
        smaller = np.minimum(totals[rows][:, None, None], totals[chosen])
        shared = (weighted[rows] @ has_word.T).toarray()[within, chosen]
        overlap = np.divide(shared, smaller, out=np.zeros_like(cosine), where=smaller > 0)
        parts["row"].append(np.broadcast_to(rows[:, None, None], chosen.shape)[real])
        parts["column"].append(chosen[real])
        parts["cosine"].append(cosine[real])
        parts["margin"].append(margin[real])
        parts["overlap"].append(overlap[real])
        parts["shared_numbers"].append((numbers[rows] @ numbers.T).toarray()[within, chosen][real].astype(np.int64))
        parts["same_language"].append((languages[rows][:, None, None] == languages[chosen])[real])
        sizes.append(real.sum(axis=2).ravel())
    if not sizes:
        empty = np.zeros(0)
        return CandidateTable(empty.astype(np.int64), empty.astype(np.int64), empty.astype(np.int64), empty,
                              empty, empty, empty.astype(np.int64), empty.astype(bool))
    counts = np.concatenate(sizes)
    return CandidateTable(starts=np.concatenate([[0], np.cumsum(counts)[:-1]]),
                          **{name: np.concatenate(values) for name, values in parts.items()})


def candidate_matches(statements: Sequence[Statement], similarity: np.ndarray) -> list[list[Candidate]]:
    """For every statement, its :data:`MATCH_CANDIDATES` nearest statements in each other article
    (:func:`candidate_table`, one object a candidate: for calibration, not for reading a story)."""
    table = candidate_table(statements, similarity)
    found: list[list[Candidate]] = [[] for _ in statements]
    for index, (row, column) in enumerate(zip(table.row.tolist(), table.column.tolist(), strict=True)):
        found[row].append(Candidate(row, column, table.evidence(index)))
    return found


class CoverageComparer:
    """Aligns the statements of a story's articles with an encoder."""

    def __init__(self, encoder: Encoder, model: SameFactModel = SAME_FACT):
        self.encoder = encoder
        self.model = model

    def compare(self, documents: Sequence[Document], vectors: np.ndarray | None = None) -> Coverage:
        """Shared and unique statements per article and per language, and a summary.

        ``vectors`` (optional) are the statement vectors in the order of :func:`statements_of` over the
        documents, when the caller has encoded them already.
        """
        statements = [statement for document in documents for statement in statements_of(document)]
        if vectors is None:
            vectors = self.encoder.encode([s.text for s in statements]) if statements else np.zeros((0, 1))
        similarity = vectors @ vectors.T if len(statements) else np.zeros((0, 0))
        articles = {document.article_id: ArticleCoverage(document.article_id, document.language)
                    for document in documents}
        # counterparts too improbable to count as "near" change nothing below: they are not made at all
        best = self.best_matches(statements, similarity, floor=self.model.near)
        compared = len({statement.article_id for statement in statements}) > 1
        for row, statement in enumerate(statements):
            if not compared:
                break  # the only article: nothing to compare with
            coverage = articles[statement.article_id]
            shared = [match for match in best[row] if match.confidence >= self.model.shared]
            if shared:
                coverage.shared.append((statement, sorted(shared, key=lambda m: -m.confidence)))
            elif not best[row]:
                coverage.unique.append(statement)
        by_language = self._language_only(statements, best)
        return Coverage(articles, by_language, self._summary(statements, vectors, best))

    def best_matches(self, statements: Sequence[Statement], similarity: np.ndarray,
                     floor: float = 0.0) -> list[list[StatementMatch]]:
        """For every statement, its most probable counterpart in each other article, where that one's
        probability reaches ``floor`` (of two equally probable counterparts, the nearer)."""
        best: list[list[StatementMatch]] = [[] for _ in statements]
        table = candidate_table(statements, similarity)
        if not len(table.row):
            return best
        probability = table.probabilities(self.model)
        group = np.repeat(np.arange(len(table.starts)), np.diff(np.append(table.starts, len(table.row))))
        highest = np.maximum.reduceat(probability, table.starts)
        index = np.arange(len(table.row))
        first_highest = np.minimum.reduceat(np.where(probability == highest[group], index, len(index)), table.starts)
        for chosen in first_highest[highest >= floor].tolist():
            match, evidence = statements[int(table.column[chosen])], table.evidence(chosen)
            best[int(table.row[chosen])].append(StatementMatch(
                match.article_id, match.language, match.text, evidence.cosine, evidence.margin,
                float(probability[chosen])))
        return best

    def _language_only(self, statements: list[Statement],
                       best: list[list[StatementMatch]]) -> dict[str, list[Statement]]:
        """Per language, statements that no article in another language comes near."""
        if len({s.language for s in statements}) < 2:
            return {}
        found: dict[str, list[Statement]] = defaultdict(list)
        for row, statement in enumerate(statements):
            elsewhere = [match for match in best[row] if match.language != statement.language]
            if not any(match.confidence >= self.model.near for match in elsewhere):
                found[statement.language].append(statement)
        return dict(sorted(found.items()))

    def _summary(self, statements: list[Statement], vectors: np.ndarray,
                 best: list[list[StatementMatch]]) -> list[SummaryPoint]:
        """Groups of statements joined by shared matches, those in the most languages and articles first."""
        if not statements:
            return []
        centroid = vectors.mean(axis=0)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
        centrality = vectors @ centroid
        points = []
        for members in self._groups(statements, best):
            sources = [statements[i] for i in members]
            representative = max(members, key=lambda i: centrality[i])
            points.append(SummaryPoint(statements[representative], sources, float(np.mean(centrality[members]))))
        points.sort(key=lambda point: (-len(point.languages), -len({s.article_id for s in point.sources}),
                                       -point.centrality))
        return points[:SUMMARY_SIZE]

    def _groups(self, statements: list[Statement], best: list[list[StatementMatch]]) -> list[list[int]]:
        """Statements joined by shared matches (union-find), each group once."""
        parent = list(range(len(statements)))
        row_of = {(s.article_id, s.text): row for row, s in enumerate(statements)}

        def find(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for row, matches in enumerate(best):
            for match in matches:
                column = row_of.get((match.article_id, match.text))
                if column is not None and match.confidence >= self.model.shared:
                    parent[find(column)] = find(row)
        groups: dict[int, list[int]] = defaultdict(list)
        for index in range(len(statements)):
            groups[find(index)].append(index)
        return list(groups.values())

