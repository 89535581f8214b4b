"""Plain-data views of stories and articles: the JSON the CLI prints and the API serves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
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


def story_analysis(story: Story, articles: list[Article]) -> dict[str, Any]:
    """What a story's articles say: its entities, quotes, and each article's shared and unique statements.

    Empty until entity and statement extraction exists (issue 4). The API and the story page show whatever
    this returns, in these shapes::

        {"entities": [{"name": str, "kind": str | None, "article_count": int}],
         "quotes": [{"text": str, "speaker": str | None, "article_id": str, "language": str}],
         "statements": {article_id: {"shared": [str], "unique": [str]}}}
    """
    return {"entities": [], "quotes": [], "statements": {}}


def _timeline_key(article: Article) -> tuple[bool, datetime]:
    """Dated articles by their first possible instant, then the undated ones."""
    if article.published is None:
        return True, datetime.min.replace(tzinfo=UTC)
    return False, article.published.interval()[0]


def story_page(story: Story, articles: list[Article]) -> dict[str, Any]:
    """One story as ``GET /api/stories/{id}`` serves it and the story page shows it.

    :func:`story_detail` plus a ``timeline`` (article summaries by publication time, undated last),
    the story's ``entities`` and ``quotes``, and per article the statements it ``shared`` with
    others and those only it made (``unique``); see :func:`story_analysis`.
    """
    analysis = story_analysis(story, articles)
    page = story_detail(story, articles)
    for article in page["articles"]:
        statements = analysis["statements"].get(article["id"], {})
        article["shared"] = list(statements.get("shared", []))
        article["unique"] = list(statements.get("unique", []))
    page["timeline"] = [article_summary(article) for article in sorted(articles, key=_timeline_key)]
    page["entities"] = list(analysis["entities"])
    page["quotes"] = list(analysis["quotes"])
    return page


def story_outlets(articles: list[dict[str, Any]]) -> list[str]:
    """The outlets among article summaries, those with the most articles first."""
    counts = Counter(article["source"] for article in articles if article.get("source"))
    return [source for source, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))]


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
