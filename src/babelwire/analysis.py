"""Analysis stages: small callables over a batch of articles, registered by name.

A stage takes a list of :class:`Article` and returns it, annotated. The
pipeline is a list of stage names (``Settings``-driven), so a user can add,
drop or replace a stage without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from babelwire.encoders import Encoder
from babelwire.junk import MarkJunk
from babelwire.langid import LanguageIdentifier, unreadable_script
from babelwire.sentences import split_sentences
from babelwire.settings import Settings
from babelwire.types import UNDETERMINED, Article


class Stage(Protocol):
    """One analysis step over a batch."""

    def __call__(self, articles: list[Article]) -> list[Article]: ...


@dataclass
class Components:
    """The swappable models the stages are built from."""

    settings: Settings
    encoder: Encoder
    language_identifier: LanguageIdentifier


class IdentifyLanguage:
    """Sets ``language`` and ``language_confidence`` unless the input already gave them.

    An article whose text is in a script none of the identifier's languages is written in stays ``und``
    and gets a note for the ingest report, so that the user learns why (identifiers that say which
    scripts they read, with a ``scripts`` attribute, as the bundled ones do).
    """

    def __init__(self, identifier: LanguageIdentifier, sample_chars: int):
        self.identifier = identifier
        self.sample_chars = sample_chars
        self.scripts: frozenset[str] | None = getattr(identifier, "scripts", None)

    def __call__(self, articles: list[Article]) -> list[Article]:
        for article in articles:
            if article.language != UNDETERMINED and article.language_confidence >= 1.0:
                continue
            sample = article.lead[: self.sample_chars]
            code, confidence = self.identifier.identify(sample)
            article.language, article.language_confidence = code, confidence
            if code == UNDETERMINED and self.scripts is not None:
                script = unreadable_script(sample, self.scripts)
                note = (f"language undetermined (und): the text is in the {script} script, "
                        f"which none of the identified languages is written in")
                if script is not None and note not in article.notes:  # analysed twice: said once
                    article.notes.append(note)
        return articles


class SplitSentences:
    """Fills ``sentences`` with the text's sentences (title excluded)."""

    def __call__(self, articles: list[Article]) -> list[Article]:
        for article in articles:
            article.sentences = split_sentences(article.text, article.language)
        return articles


def split_lead(article: Article, max_chars: int, sentences: list[str] | None = None) -> tuple[str, int]:
    """Title and the leading whole sentences, up to ``max_chars``; and how many sentences that took."""
    sentences = sentences if sentences is not None else (article.sentences or [article.text])
    # headline-only items (feeds, UCI) repeat the title as their text: count it once
    used = int(bool(article.title and sentences and sentences[0].strip() == article.title.strip()))
    parts = [article.title] if article.title else []
    length = len(article.title)
    for sentence in sentences[used:]:
        if length and length + len(sentence) + 1 > max_chars:
            break
        parts.append(sentence)
        length += len(sentence) + 1
        used += 1
    return "\n".join(parts)[:max_chars], used


def embedding_text(article: Article, max_chars: int) -> str:
    """Title and the leading whole sentences of the text, up to ``max_chars``: the article's vector."""
    return split_lead(article, max_chars)[0]


class Embed:
    """Sets ``embedding`` from the title and lead, in encoder-sized batches."""

    def __init__(self, encoder: Encoder, max_chars: int, batch_size: int):
        self.encoder = encoder
        self.max_chars = max_chars
        self.batch_size = batch_size

    def __call__(self, articles: list[Article]) -> list[Article]:
        # pages kept out of stories (babelwire.junk) are never linked: no vector to compute
        linked = [article for article in articles if article.kept_out is None]
        for start in range(0, len(linked), self.batch_size):
            chunk = linked[start : start + self.batch_size]
            vectors = self.encoder.encode([embedding_text(a, self.max_chars) for a in chunk], "passage")
            for article, vector in zip(chunk, vectors, strict=True):
                article.embedding = vector
        return articles


StageFactory = Callable[[Components], Stage]
STAGES: dict[str, StageFactory] = {
    "language": lambda c: IdentifyLanguage(c.language_identifier, c.settings.language_sample_chars),
    "sentences": lambda c: SplitSentences(),
    "embed": lambda c: Embed(c.encoder, c.settings.embed_max_chars, c.settings.embed_batch_size),
    "junk": lambda c: MarkJunk(c.settings),
}
DEFAULT_STAGES: tuple[str, ...] = ("language", "sentences", "junk", "embed")


def register_stage(name: str, factory: StageFactory) -> None:
    """Make a stage available by name to :func:`build_stages`."""
    STAGES[name] = factory


def build_stages(names: Sequence[str], components: Components) -> list[Stage]:
    """Instantiate the named stages, in order."""
    unknown = [name for name in names if name not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; known: {sorted(STAGES)}")
    return [STAGES[name](components) for name in names]



def run_stages(stages: Sequence[Stage], articles: list[Article]) -> list[Article]:
    """Run analysis stages in order over one batch of articles."""
    for stage in stages:
        articles = stage(articles)
    return articles
