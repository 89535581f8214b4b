"""Plain-data views of stories and articles: the JSON the CLI prints and the API serves."""

from __future__ import annotations

from typing import Any

from babelwire.similarity import PairScore
from babelwire.tracker import display_title
from babelwire.types import Article, IngestReport, SearchHit, Story


def article_summary(article: Article) -> dict[str, Any]:
    """The short form of an article, as listed inside a story."""
    return {
        "id": article.id,
        "title": display_title(article),
        "language": article.language,
        "published": article.published.value if article.published else None,
        "source": article.source,
        "url": article.url,
    }


def article_detail(article: Article) -> dict[str, Any]:
    """Everything stored about an article except its vector."""
    published = article.published
    return {
        **article_summary(article),
        "text": article.text,
        "language_confidence": round(article.language_confidence, 4),
        "published_source": str(published.source) if published else "none",
        "published_reliable": bool(published and published.reliable),
        "ingested_at": article.ingested_at.isoformat(timespec="seconds"),
        "origin": article.origin,
        "content_hash": article.content_hash,
        "story_id": article.story_id,
        "link_score": None if article.link_score is None else round(article.link_score, 4),
    }


def story_summary(story: Story, articles: list[Article] | None = None) -> dict[str, Any]:
    """A story with its languages, time span and (when given) its articles."""
    data: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "languages": sorted(story.languages),
        "language_counts": dict(sorted(story.languages.items())),
        "article_count": len(story.article_ids),
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
    }
    if articles is not None:
        data["articles"] = [article_summary(article) for article in articles]
    return data


def story_detail(story: Story, articles: list[Article]) -> dict[str, Any]:
    """One story with its full articles."""
    return {**story_summary(story), "articles": [article_detail(article) for article in articles]}


def search_hit(hit: SearchHit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id, "score": round(hit.score, 4), "title": hit.title,
        "language": hit.language, "story_id": hit.story_id, "published": hit.published, "source": hit.source,
    }


def pair_score(score: PairScore, first_id: str, second_id: str) -> dict[str, Any]:
    """A pair's similarity with every feature and its contribution."""
    return {
        "first": first_id, "second": second_id, "score": round(score.score, 4),
        "top_reasons": [{"feature": name, "contribution": round(value, 4)} for name, value in score.top_reasons()],
        "features": {name: round(value, 4) for name, value in score.features.items()},
        "contributions": {name: round(value, 4) for name, value in score.contributions.items()},
    }


def ingest_summary(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "duplicates": report.duplicates,
        "new_stories": report.new_stories,
        "merges": sum(len(d.merged_story_ids) for d in report.decisions),
        "problems": [{"input": p.origin, "reason": p.reason} for p in report.problems],
    }
