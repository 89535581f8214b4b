"""A story's title for a reader: its headline in the reader's first language it has, else its most
representative headline (the article closest to the story's centroid), never merely the first ingested."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from babelwire.types import Article, display_title


@dataclass(frozen=True)
class StoryTitle:
    """The headline chosen, its language and article, and why it was chosen."""

    text: str
    language: str
    article_id: str
    #: ``reader-language`` (a headline in one of the reader's languages) or ``representative``
    reason: str


def closest_to_centroid(articles: Sequence[Article], vectors: Mapping[str, np.ndarray]) -> list[Article]:
    """The articles, those whose vector is closest to the centroid of all the story's vectors first.

    Articles without a vector come last, in their given order.
    """
    known = [article for article in articles if article.id in vectors]
    if not known:
        return list(articles)
    matrix = np.stack([vectors[article.id] for article in known]).astype(np.float32)
    centroid = matrix.mean(axis=0)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(centroid) or 1.0)
    similarity = matrix @ centroid / np.where(norms > 0, norms, 1.0)
    order = sorted(range(len(known)), key=lambda i: (-float(similarity[i]), i))
    ranked = [known[i] for i in order]
    return ranked + [article for article in articles if article.id not in vectors]


def story_title(
    articles: Sequence[Article],
    vectors: Mapping[str, np.ndarray],
    reader_languages: Sequence[str],
    fallback: str,
) -> StoryTitle | None:
    """The title of a story's articles for a reader (``None`` when the story has no article).

    Articles with a headline are preferred to untitled ones (whose "title" is their first words) in the
    same language; ``fallback`` is the stored story title, used only when an article has no text at all.
    """
    if not articles:
        return None
    ranked = closest_to_centroid(articles, vectors)
    titled = [article for article in ranked if article.title.strip()]
    for language in reader_languages:  # an untitled article's first words in the reader's language still beat
        # a headline the reader cannot read
        match = next((article for article in titled + ranked if article.language == language), None)
        if match is not None:
            return StoryTitle(display_title(match).strip() or fallback, match.language, match.id, "reader-language")
    best = titled[0] if titled else ranked[0]
    return StoryTitle(display_title(best).strip() or fallback, best.language, best.id, "representative")
