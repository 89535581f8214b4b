"""The seed pair (a Swedish and a Dutch article on Lukashenko's "nuclear weapons for everyone") read once
per test session by :func:`babelwire.reading.read_story`, for the entity, quote and coverage tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babelwire.encoders import Encoder
from babelwire.langid import LanguageIdentifier
from babelwire.readers import read_inputs
from babelwire.reading import StoryReading, read_story
from babelwire.settings import Settings
from babelwire.types import Article

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def seed_articles(identifier: LanguageIdentifier) -> list[Article]:
    """The seed articles with their languages identified, Swedish first."""
    articles = [item for item in read_inputs([SEEDS], Settings()) if isinstance(item, Article)]
    for article in articles:
        article.language, article.language_confidence = identifier.identify(article.lead)
    return sorted(articles, key=lambda article: article.language != "sv")


@cache
def _reading(encoder: Encoder, identifier: LanguageIdentifier) -> tuple[list[Article], StoryReading]:
    articles = seed_articles(identifier)
    return articles, read_story(articles, encoder)


def seed_reading(encoder: Encoder, identifier: LanguageIdentifier) -> tuple[list[Article], StoryReading]:
    """The seed articles and their reading (computed once per encoder and identifier)."""
    return _reading(encoder, identifier)
