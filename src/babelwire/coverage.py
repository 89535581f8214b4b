"""What each article of a story adds: its statements aligned with the other articles' by the encoder.

A *statement* is a sentence of an article's text (not its title) long enough to say something. Every
statement is compared with every statement of the story's other articles: the cosine of language-neutral
sentence vectors, and its *margin*, the cosine over the mean of both sentences' nearest neighbours in
the pair of articles (Artetxe & Schwenk 2019), which tells a real counterpart from a sentence that is
merely on the same topic as everything else. A statement is *shared* with the articles where its best
match reaches both :data:`SHARED_COSINE` and :data:`SHARED_MARGIN`, and *unique* when no other
article comes near (:data:`NEAR_COSINE`, :data:`NEAR_MARGIN`); the band between is neither, as the
evidence is too weak to claim either. Per language, the statements
that no article in another language makes are what only that language's coverage says. The summary is
the story's most central statements, each group of matched statements with its sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from babelwire.documents import Document, Sentence
from babelwire.encoders import Encoder

#: a statement is shared with another article when its best match there reaches this cosine and margin
#: (calibrated on the seed pair: its counterparts score 0.41–0.66 and margins 1.15–1.55, while sentences
#: on the same topic without a counterpart reach 0.36 and 1.11)
SHARED_COSINE = 0.40
SHARED_MARGIN = 1.10
#: a statement is unique when its best match in every other article stays below either of these
NEAR_COSINE = 0.36
NEAR_MARGIN = 1.05
#: nearest neighbours averaged for the margin
MARGIN_NEIGHBOURS = 4
#: sentences shorter than this (in words; characters for Chinese and Japanese) are not statements
MIN_STATEMENT_WORDS = 5
MIN_STATEMENT_CHARS_CJK = 12
#: statements read per article (the lead carries most of the news)
MAX_STATEMENTS = 60
#: statements in the summary
SUMMARY_SIZE = 5
_CJK = frozenset({"zh", "ja"})


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


def is_statement(sentence: Sentence, language: str) -> bool:
    """Whether a sentence is long enough, and in the text rather than the title, to be a statement."""
    if sentence.in_title:
        return False
    if language in _CJK:
        return len(sentence.text.strip()) >= MIN_STATEMENT_CHARS_CJK
    return len(sentence.text.split()) >= MIN_STATEMENT_WORDS


def statements_of(document: Document) -> list[Statement]:
    """A document's statements, at most :data:`MAX_STATEMENTS`."""
    found = [Statement(document.article_id, document.language, sentence.index, sentence.text.strip())
             for sentence in document.sentences if is_statement(sentence, document.language)]
    return found[:MAX_STATEMENTS]


class CoverageComparer:
    """Aligns the statements of a story's articles with an encoder."""

    def __init__(self, encoder: Encoder, shared: tuple[float, float] = (SHARED_COSINE, SHARED_MARGIN),
                 near: tuple[float, float] = (NEAR_COSINE, NEAR_MARGIN)):
        self.encoder = encoder
        self.shared = shared
        self.near = near

    def _reaches(self, match: StatementMatch, bar: tuple[float, float]) -> bool:
        return match.score >= bar[0] and match.margin >= bar[1]

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
        best = _best_matches(statements, similarity)
        for row, statement in enumerate(statements):
            if not best[row]:
                continue  # the only article: nothing to compare with
            coverage = articles[statement.article_id]
            shared = [match for match in best[row] if self._reaches(match, self.shared)]
            if shared:
                coverage.shared.append((statement, sorted(shared, key=lambda m: -m.score)))
            elif not any(self._reaches(match, self.near) for match in best[row]):
                coverage.unique.append(statement)
        by_language = self._language_only(statements, best)
        return Coverage(articles, by_language, self._summary(statements, vectors, best))

    def _language_only(self, statements: list[Statement],
                       best: list[list[StatementMatch]]) -> dict[str, list[Statement]]:
        """Per language, statements that no article in another language comes near."""
        if len({s.language for s in statements}) < 2:
            return {}
        found: dict[str, list[Statement]] = defaultdict(list)
        for row, statement in enumerate(statements):
            elsewhere = [match for match in best[row] if match.language != statement.language]
            if not any(self._reaches(match, self.near) for match in elsewhere):
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
                if column is not None and self._reaches(match, self.shared):
                    parent[find(column)] = find(row)
        groups: dict[int, list[int]] = defaultdict(list)
        for index in range(len(statements)):
            groups[find(index)].append(index)
        return list(groups.values())


def _top_mean(values: np.ndarray) -> float:
    count = min(MARGIN_NEIGHBOURS, values.size)
    return float(np.sort(values)[-count:].mean()) if count else 0.0


def _best_matches(statements: list[Statement], similarity: np.ndarray) -> list[list[StatementMatch]]:
    """For every statement, its best match in each other article, with cosine and margin."""
    rows_of: dict[str, np.ndarray] = {}
    article_ids = [s.article_id for s in statements]
    for article_id in dict.fromkeys(article_ids):
        rows_of[article_id] = np.array([i for i, a in enumerate(article_ids) if a == article_id])
    best: list[list[StatementMatch]] = [[] for _ in statements]
    for own, rows in rows_of.items():
        for other, columns in rows_of.items():
            if other == own:
                continue
            block = similarity[np.ix_(rows, columns)]
            for position, row in enumerate(rows):
                column_position = int(np.argmax(block[position]))
                cosine = float(block[position, column_position])
                spread = 0.5 * _top_mean(block[position]) + 0.5 * _top_mean(block[:, column_position])
                match = statements[columns[column_position]]
                best[row].append(StatementMatch(other, match.language, match.text, cosine,
                                                cosine / spread if spread > 0 else 0.0))
    return best
