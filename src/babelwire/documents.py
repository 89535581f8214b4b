"""An article as a sequence of located sentences: what entity, quote, date and coverage analysis read.

Offsets are character offsets into :attr:`Document.text`, which is the article's title, a newline, then
its text (:attr:`babelwire.types.Article.lead`), so a mention found in the title has offsets too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babelwire.sentences import split_sentences
from babelwire.types import UNDETERMINED, Article

#: the language whose sentence rules stand in for an undetermined one
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Sentence:
    """One sentence with where it lies in its document."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int  # 0 is the title when the article has one
    in_title: bool = False


@dataclass
class Document:
    """An article's title and text split into located sentences and paragraphs."""

    article_id: str
    language: str
    text: str
    sentences: list[Sentence] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that holds a character offset, if any."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def paragraph_span(self, paragraph: int) -> tuple[int, int]:
        """First and last character offsets of a paragraph."""
        members = [s for s in self.sentences if s.paragraph == paragraph]
        if not members:
            return 0, 0
        return members[0].start, members[-1].end

    @property
    def body_sentences(self) -> list[Sentence]:
        """The sentences of the text, without the title."""
        return [sentence for sentence in self.sentences if not sentence.in_title]


def _locate(paragraph: str, base: int, pieces: list[str]) -> list[tuple[int, int, str]]:
    """Offsets of each split piece inside the paragraph (pieces are in order; spacing may differ)."""
    located = []
    cursor = 0
    for piece in pieces:
        found = paragraph.find(piece, cursor)
        if found < 0:  # the splitter changed the spacing: fall back to a prefix search
            found = paragraph.find(piece[:20], cursor)
        if found < 0:
            found = cursor
        end = min(len(paragraph), found + len(piece))
        located.append((base + found, base + end, paragraph[found:end]))
        cursor = end
    return located


def make_document(article: Article) -> Document:
    """Split an article into located sentences, the title (if any) first."""
    language = article.language if article.language != UNDETERMINED else FALLBACK_LANGUAGE
    text = article.lead
    document = Document(article.id, article.language, text)
    offset = 0
    paragraph_index = 0 if article.title else 1
    for line_number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            in_title = bool(article.title) and line_number == 0
            for begin, end, piece in _locate(stripped, start, split_sentences(stripped, language)):
                if piece.strip():
                    document.sentences.append(
                        Sentence(len(document.sentences), begin, end, piece, paragraph_index, in_title)
                    )
            paragraph_index += 1
        offset += len(line) + 1
    return document
