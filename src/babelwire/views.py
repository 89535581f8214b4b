"""Plain-data views of stories and articles: the JSON the CLI prints and the API serves."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from babelwire.types import Article, IngestReport, SearchHit, Story, display_title

if TYPE_CHECKING:
    import numpy as np

    from babelwire.canonical import AliasBook
    from babelwire.encoders import Encoder
    from babelwire.reading_memory import AnalysisCache
    from babelwire.relinking import RelinkReport
    from babelwire.similarity import PairScore
    from babelwire.store import Store
    from babelwire.tracker import Tracker
    from babelwire.translate import Translator

log = logging.getLogger(__name__)


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
        "kept_out": article.kept_out,
    }


def story_summary(story: Story, articles: list[Article] | None = None) -> dict[str, Any]:
    """A story with its languages, time span (its dated articles'; ``span_inferred`` when none has a date and
    the span is their ingest times) and (when given) its articles."""
    data: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "languages": sorted(story.languages),
        "language_counts": dict(sorted(story.languages.items())),
        "article_count": len(story.article_ids),
        "copy_count": story.copies,
        "outlet_count": story.outlets,
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "span_inferred": story.span_inferred,
    }
    if articles is not None:
        data["articles"] = [article_summary(article) for article in articles]
    return data


def reader_title(
    story: Story,
    articles: Sequence[Article],
    vectors: dict[str, np.ndarray],
    reader_languages: Sequence[str],
    reading: dict[str, Any] | None = None,
    translator: Translator | None = None,
) -> dict[str, Any]:
    """What a reader is shown as a story's title: the fields :func:`story_summary` adds for them.

    ``title`` is the headline in the reader's first language the story has, else its most
    representative one (:func:`babelwire.titles.story_title`), with its ``title_language``,
    ``title_article_id`` and ``title_reason``; ``gist`` is one line in the reader's first language
    (:func:`babelwire.gist.story_gist`; places and people only when the story's ``reading`` is known);
    ``translated_title`` is the ``translator``'s version of a title in another language, if any.
    """
    from babelwire.gist import story_gist
    from babelwire.titles import story_title

    language = reader_languages[0] if reader_languages else "en"
    chosen = story_title(articles, vectors, reader_languages, story.title)
    translated = None
    if chosen is not None and translator is not None and chosen.language != language:
        try:
            translated = translator.translate(chosen.text, chosen.language, language)
        except Exception:  # a translator is an extra: its failure never hides the story
            log.exception("translator %s failed", getattr(translator, "name", translator))
    return {
        "title": chosen.text if chosen else story.title,
        "title_language": chosen.language if chosen else None,
        "title_article_id": chosen.article_id if chosen else None,
        "title_reason": chosen.reason if chosen else None,
        "translated_title": translated,
        "reader_language": language,
        "gist": story_gist((reading or {}).get("entities", []), story.languages, language),
    }


def copy_summary(copy: Article) -> dict[str, Any]:
    """A syndicated copy as listed under its story: where it ran, and which article it repeats."""
    return {
        **article_summary(copy),
        "copy_of": copy.copy_of,
        "similarity": None if copy.copy_similarity is None else round(copy.copy_similarity, 4),
    }


def story_detail(
    story: Story,
    articles: list[Article],
    analysis: dict[str, Any] | None = None,
    copies: Sequence[Article] = (),
) -> dict[str, Any]:
    """One story with its full articles and what they say (``babelwire story --json``).

    Besides :func:`story_summary`, each article carries its ``shared`` and ``unique`` statements,
    ``shared_with`` (each shared statement with its matches in the other articles), the relative ``dates``
    it mentions resolved against its publication date, and for an undated article ``published_inferred``
    (a range from its dateline's date, ``source: html-text``, or else from its story, ``source: inferred``,
    with the articles it came from) and the ``dateline`` it opens with, if any; the story carries its
    ``entities``, ``quotes`` and ``coverage`` (statements only one language's articles make, and a
    ``summary`` of the most central statements with their sources), and its syndicated ``copies``
    (:func:`copy_summary`; they are not analysed: they say what their originals say). ``analysis`` is
    :func:`story_analysis`'s result, computed when not given.
    """
    analysis = story_analysis(story, articles) if analysis is None else analysis
    statements = analysis.get("statements", {})
    per_article = analysis.get("articles", {})
    details = []
    for article in articles:
        detail = article_detail(article)
        said = statements.get(article.id, {})
        extra = per_article.get(article.id, {})
        detail.update(
            shared=list(said.get("shared", [])), unique=list(said.get("unique", [])),
            shared_with=list(said.get("shared_with", [])), dates=list(extra.get("dates", [])),
            published_inferred=extra.get("published_inferred"), dateline=extra.get("dateline"),
        )
        details.append(detail)
    return {
        **story_summary(story), "articles": details, "copies": [copy_summary(copy) for copy in copies],
        "entities": list(analysis.get("entities", [])), "quotes": list(analysis.get("quotes", [])),
        "coverage": analysis.get("coverage", {"by_language": {}, "summary": []}),
    }


def story_analysis(
    story: Story,
    articles: list[Article],
    *,
    encoder: Encoder | None = None,
    aliases: AliasBook | None = None,
    store: AnalysisCache | None = None,
    tracker: Tracker | None = None,
) -> dict[str, Any]:
    """What a story's articles say: its entities, quotes, and each article's shared and unique statements.

    With a ``tracker``, its stored reading (:meth:`babelwire.tracker.Tracker.reading_of`: computed once and
    stored when missing). Else computed on demand by :func:`babelwire.reading.analyse_story` (cached in memory,
    and in ``store`` when given) with ``encoder`` (default: the bundled e5) and ``aliases`` (default:
    ``$BABELWIRE_ALIASES``)::

        {"entities": [{"id", "name", "type", "kind", "aliases": {lang: [str]}, "mentions": {lang: [...]},
                       "article_count": int, "mention_count": int, "pinned": bool}],
         "quotes": [{"id", "text", "speaker": str | None, "speaker_id", "speaker_text", "attribution",
                     "article_id", "language", "start", "end", "matches": [quote id]}],
         "statements": {article_id: {"shared": [str], "unique": [str], "shared_with": [...]}},
         "articles": {article_id: {"dates": [...], "published_inferred": {...} | None,
                                   "dateline": {...} | None}},
         "coverage": {"by_language": {lang: [...]}, "summary": [...]}}

    An analysis that fails is logged and served empty: a story is always shown.
    """
    from babelwire.reading import analyse_story
    from babelwire.reading_memory import empty_reading

    if tracker is not None:
        return tracker.reading_of(story, articles)
    try:
        return analyse_story(story.id, articles, encoder, aliases, store)
    except Exception:  # the story page and JSON must not fail because the analysis of odd text did
        log.exception("analysis of story %s failed", story.id)
        return empty_reading()


def _timeline_key(article: Article) -> tuple[bool, datetime]:
    """Dated articles by their first possible instant, then the undated ones."""
    if article.published is None:
        return True, datetime.min.replace(tzinfo=UTC)
    return False, article.published.interval()[0]


def story_page(
    story: Story,
    articles: list[Article],
    copies: Sequence[Article] = (),
    analysis: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One story as ``GET /api/stories/{id}`` serves it and the story page shows it.

    :func:`story_detail` (with ``analysis``, :func:`story_analysis`'s result, computed when not given)
    plus a ``timeline`` (article summaries by publication time, undated last).
    """
    analysis = story_analysis(story, articles) if analysis is None else analysis
    page = story_detail(story, articles, analysis, copies=copies)
    page["timeline"] = [article_summary(article) for article in sorted(articles, key=_timeline_key)]
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


def feature_label(name: str) -> str:
    """What a similarity feature is, in words (the name itself when it has no label)."""
    from babelwire.similarity import FEATURE_LABELS

    return FEATURE_LABELS.get(name, name)


def published_label(article: Article, story_articles: Sequence[Article]) -> str:
    """An article's publication date, or for an undated one the range inferred from its story's dated
    articles, marked ``(inferred)`` (``undated`` when none of them has a date)."""
    from babelwire.reldates import infer_story_date

    if article.published is not None:
        return article.published.value
    guessed = infer_story_date(article, story_articles)
    if guessed is None:
        return "undated"
    start, end = guessed.range.start.isoformat(), guessed.range.end.isoformat()
    return f"{start if start == end else f'{start}..{end}'} (inferred)"


def pair_score(score: PairScore, first_id: str, second_id: str) -> dict[str, Any]:
    """A pair's similarity with every feature and its contribution; ``base`` (an average pair's score) plus
    the contributions is the score before it is kept within [0, 1]."""
    return {
        "first": first_id, "second": second_id, "score": round(score.score, 4), "base": round(score.base, 4),
        "labels": {name: feature_label(name) for name in score.features},
        "top_reasons": [{"feature": name, "contribution": round(value, 4)} for name, value in score.top_reasons()],
        "features": {name: round(value, 4) for name, value in score.features.items()},
        "contributions": {name: round(value, 4) for name, value in score.contributions.items()},
    }


def ingest_summary(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "duplicates": report.duplicates,
        "copies": report.copies,
        "new_stories": report.new_stories,
        "merges": sum(len(d.merged_story_ids) for d in report.decisions),
        "problems": [{"input": p.origin, "reason": p.reason} for p in report.problems],
        "warnings": [{"input": w.origin, "reason": w.reason} for w in report.warnings],
        "unsupported_languages": dict(sorted(report.unsupported_languages.items())),
        "kept_out": [{"input": k.origin, "reason": k.reason} for k in report.kept_out],
    }


def languages_table(identified: Sequence[str]) -> list[dict[str, Any]]:
    """Every language babelwire identifies or reads: its name, whether it is identified (one of
    ``identified``, the identifier's languages) and whether the reading supports it."""
    from babelwire.langid import language_name
    from babelwire.settings import SUPPORTED_LANGUAGES

    return [{"code": code, "name": language_name(code), "identified": code in identified,
             "reading": code in SUPPORTED_LANGUAGES}
            for code in sorted(set(identified) | set(SUPPORTED_LANGUAGES))]


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 story``, ``2 stories``: a count with its noun in the right number."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def relink_lines(report: RelinkReport) -> list[str]:
    """What a relink changed, for people: a summary line, then each new, merged and split story."""
    lines = [
        f"{counted(report.stories, 'story', 'stories')} after relinking: {len(report.kept)} kept their id, "
        f"{len(report.created)} new, {len(report.merged)} merged, {len(report.split)} split; "
        f"{counted(report.moved, 'article')} moved"
    ]
    lines += [f"new story {story}" for story in report.created]
    lines += [f"story {old} merged into story {into} ({share:.0%} of its articles; its id leads there)"
              for old, (into, share) in sorted(report.merged.items())]
    lines += [f"story {old} split: its articles are now in stories {', '.join(map(str, parts))}"
              for old, parts in sorted(report.split.items())]
    return lines


# --- the entity index and outlets ------------------------------------------------------------------------------


def entity_rows(
    store: Store,
    query: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Entries of the entity index (``GET /api/entities``), those in the most stories first.

    Each row: ``id``, ``key`` (what ``/entities/{key}`` resolves), ``name``, ``type``, ``story_count``,
    ``article_count``, ``mention_count``, ``languages`` (articles per language), ``first_seen``/``last_seen``
    (publication dates of its dated articles) and ``spellings`` (names as written, by language).
    ``query`` keeps the entries with a name or spelling containing it (case and accents ignored);
    ``kind``: person, organisation or place.
    """
    rows = store.entity_summaries(query=query, kind=kind, limit=limit, offset=offset)
    spellings = store.spellings_of_entities([row["id"] for row in rows])
    for row in rows:
        row["spellings"] = spellings[row["id"]]
    return rows


def outlet_detail(summary: dict[str, Any], stories: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """An outlet (:meth:`babelwire.store.Store.outlet_summary`) with one page of its stories."""
    return {**summary, "stories": stories, "story_total": total}
