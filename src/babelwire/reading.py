"""Cross-lingual reading of one story: entities, quotes, dates and coverage, as plain data, cached.

:func:`read_story` runs the analysis (:mod:`babelwire.entities`, :mod:`babelwire.canonical`,
:mod:`babelwire.quotes`, :mod:`babelwire.coverage`, :mod:`babelwire.reldates`) over a story's articles
with one encoder call for all their sentences and quotes; :func:`analyse_story` turns it into the JSON
that ``babelwire story --json`` and the API serve, caching it in memory and, when given a store, in the
store's ``story_analyses`` table, keyed by a fingerprint of the articles, the encoder and the alias file
(:mod:`babelwire.reading_memory`, which shows a stored reading without importing this module).
A store also keeps the vectors of the articles' sentences and quotes (:mod:`babelwire.sentence_vectors`), so
that reading a story again after it gained articles encodes only the new articles' texts.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from babelwire import reading_memory
from babelwire.canonical import AliasBook, Entity, EntityLinker
from babelwire.coverage import Coverage, CoverageComparer, statements_of
from babelwire.documents import Document, make_document
from babelwire.encoders import Encoder
from babelwire.entities import Mention, extract_mentions
from babelwire.quotes import Quote, find_quotes, match_quotes
from babelwire.reading_memory import (
    AnalysisCache,
    fingerprint,
    memorised_reading,
    read_cache,
    remember_reading,
    write_cache,
)
from babelwire.reldates import (
    Dateline,
    DateRange,
    InferredDate,
    ResolvedDate,
    anchor_of,
    find_dateline,
    infer_from_dateline,
    infer_story_date,
    resolve_relative_dates,
)
from babelwire.sentence_vectors import ArticleTextVectors, SentenceVectorStore
from babelwire.types import Article

log = logging.getLogger(__name__)

#: articles whose sentences and entity mentions are kept in memory per process: a story read again after it
#: grew re-uses its earlier articles' (finding the mentions of 200 articles costs about 5 s of CPU)
ARTICLE_MEMORY_SIZE = 1000
#: sentences of one article embedded for coverage and entity contexts
MAX_SENTENCES_PER_ARTICLE = 80


@dataclass
class StoryReading:
    """Everything the analysis found in one story's articles."""

    documents: list[Document]
    mentions: list[Mention]
    entities: list[Entity]
    quotes: list[Quote]
    quote_matches: dict[str, list[str]]
    speaker_of: dict[str, Entity | None]  # quote id → the speaker's entity
    coverage: Coverage
    dates: dict[str, list[ResolvedDate]]
    inferred: dict[str, InferredDate]
    datelines: dict[str, Dateline] = field(default_factory=dict)


def _sentence_vectors(documents: Sequence[Document], texts: ArticleTextVectors) -> dict[tuple[str, int], np.ndarray]:
    """One vector per body sentence (the first :data:`MAX_SENTENCES_PER_ARTICLE` of each article)."""
    keys, sentences = [], []
    for document in documents:
        for sentence in document.body_sentences[:MAX_SENTENCES_PER_ARTICLE]:
            keys.append((document.article_id, sentence.index))
            sentences.append(sentence.text)
    if not sentences:
        return {}
    return dict(zip(keys, texts.encode([article_id for article_id, _ in keys], sentences), strict=True))


def _entity_of_mentions(entities: Sequence[Entity]) -> dict[tuple[str, int], Entity]:
    return {(mention.article_id, mention.start): entity for entity in entities for mention in entity.mentions}


def read_story(articles: Sequence[Article], encoder: Encoder, aliases: AliasBook | None = None,
               texts: ArticleTextVectors | None = None) -> StoryReading:
    """Analyse a story's articles (see the module's doc).

    ``texts`` holds vectors of the articles' texts known already (of ``encoder``) and keeps those encoded now.
    """
    texts = texts if texts is not None else ArticleTextVectors(encoder)
    read = [_document_and_mentions(article) for article in articles]
    documents = [document for document, _ in read]
    mentions_by_article = {document.article_id: found for document, found in read}
    mentions = [mention for found in mentions_by_article.values() for mention in found]
    vectors = _sentence_vectors(documents, texts)
    entities = EntityLinker(aliases).link(mentions, vectors)
    entity_at = _entity_of_mentions(entities)
    quotes = [quote for document in documents
              for quote in find_quotes(document, mentions_by_article[document.article_id])]
    speaker_of = {quote.id: entity_at.get((quote.speaker.article_id, quote.speaker.start)) if quote.speaker else None
                  for quote in quotes}
    speaker_ids = {quote_id: entity.id if entity else None for quote_id, entity in speaker_of.items()}
    quote_matches = match_quotes(quotes, encoder, speaker_ids, texts=texts)
    statement_vectors = _statement_vectors(documents, vectors, texts)
    coverage = CoverageComparer(encoder).compare(documents, statement_vectors)
    dates, inferred, datelines = _dates(articles, documents)
    return StoryReading(documents, mentions, entities, quotes, quote_matches, speaker_of, coverage, dates, inferred,
                        datelines)


_ARTICLES: OrderedDict[tuple[str, str, str], tuple[Document, list[Mention]]] = OrderedDict()
_ARTICLES_LOCK = threading.Lock()


def _document_and_mentions(article: Article) -> tuple[Document, list[Mention]]:
    """The article's document and entity mentions, kept for the next reading of a story that holds it.

    Both depend on the article's title, text and language alone (the content hash covers title and text).
    """
    key = (article.id, article.content_hash, article.language)
    with _ARTICLES_LOCK:
        found = _ARTICLES.get(key)
        if found is not None:
            _ARTICLES.move_to_end(key)
            return found
    document = make_document(article)
    found = (document, extract_mentions(document))
    with _ARTICLES_LOCK:
        _ARTICLES[key] = found
        while len(_ARTICLES) > ARTICLE_MEMORY_SIZE:
            _ARTICLES.popitem(last=False)
    return found


def _statement_vectors(documents: Sequence[Document], vectors: dict[tuple[str, int], np.ndarray],
                       texts: ArticleTextVectors) -> np.ndarray:
    statements = [s for document in documents for s in statements_of(document)]
    missing = [s for s in statements if (s.article_id, s.sentence) not in vectors]
    extra = iter(texts.encode([s.article_id for s in missing], [s.text for s in missing])) if missing else iter(())
    rows = [vectors.get((s.article_id, s.sentence)) for s in statements]
    rows = [row if row is not None else next(extra) for row in rows]
    return np.stack(rows) if rows else np.zeros((0, texts.encoder.dim), dtype=np.float32)


def _dates(articles: Sequence[Article], documents: Sequence[Document]
           ) -> tuple[dict[str, list[ResolvedDate]], dict[str, InferredDate], dict[str, Dateline]]:
    """Each article's dates resolved against its publication date; an undated article's publication date is
    inferred from its dateline's date when it has one, else from its story's span."""
    dates: dict[str, list[ResolvedDate]] = {}
    inferred: dict[str, InferredDate] = {}
    datelines: dict[str, Dateline] = {}
    for article, document in zip(articles, documents, strict=True):
        dateline = find_dateline(document)
        if dateline is not None:
            datelines[article.id] = dateline
        anchor = anchor_of(article)
        story = infer_story_date(article, articles)
        guessed = (infer_from_dateline(dateline, story) if article.published is None else None) or story
        if guessed is not None:
            inferred[article.id] = guessed
        if anchor is None and guessed is not None:
            anchor = guessed.range
        dates[article.id] = resolve_relative_dates(document, anchor, guessed is not None) if anchor else []
    return dates, inferred, datelines


# --- plain data -------------------------------------------------------------------------------------------------


def _range_json(span: DateRange) -> dict[str, Any]:
    return {"start": span.start.isoformat(), "end": span.end.isoformat(), "value": span.value}


def _entity_json(entity: Entity) -> dict[str, Any]:
    mentions: dict[str, list[dict[str, Any]]] = {}
    for mention in entity.mentions:
        mentions.setdefault(mention.language, []).append({
            "article_id": mention.article_id, "text": mention.text, "start": mention.start, "end": mention.end,
            "sentence": mention.sentence,
        })
    return {
        "id": entity.id, "name": entity.name, "type": entity.type, "kind": entity.type,
        "aliases": entity.aliases, "mentions": dict(sorted(mentions.items())),
        "article_count": len(entity.article_ids), "mention_count": len(entity.mentions), "pinned": entity.pinned,
    }


def _quote_json(quote: Quote, reading: StoryReading) -> dict[str, Any]:
    entity = reading.speaker_of.get(quote.id)
    speaker = entity.name if entity else quote.speaker.name if quote.speaker else None
    return {
        "id": quote.id, "text": quote.text, "speaker": speaker, "speaker_id": entity.id if entity else None,
        "speaker_text": quote.speaker_text, "attribution": quote.attribution, "language": quote.language,
        "article_id": quote.article_id, "start": quote.start, "end": quote.end,
        "matches": reading.quote_matches.get(quote.id, []),
    }


def _statements_json(reading: StoryReading) -> dict[str, dict[str, Any]]:
    statements = {}
    for article_id, coverage in reading.coverage.articles.items():
        statements[article_id] = {
            "shared": [statement.text for statement, _ in coverage.shared],
            "unique": [statement.text for statement in coverage.unique],
            "shared_with": [
                {"text": statement.text, "matches": [
                    {"article_id": m.article_id, "language": m.language, "text": m.text, "score": round(m.score, 4),
                     "confidence": round(m.confidence, 4)}
                    for m in matches]}
                for statement, matches in coverage.shared
            ],
        }
    return statements


def _dates_json(reading: StoryReading) -> dict[str, dict[str, Any]]:
    articles = {}
    for document in reading.documents:
        guessed = reading.inferred.get(document.article_id)
        articles[document.article_id] = {
            # the range's start and end (ISO days) replace the character offsets under the same keys, which
            # is how this JSON has always been read; "offsets" keeps where the expression is
            "dates": [{"text": found.text, "start": found.start, "end": found.end, "kind": found.kind,
                       **_range_json(found.range), "inferred": found.inferred, "offsets": [found.start, found.end]}
                      for found in reading.dates.get(document.article_id, [])],
            "published_inferred": None if guessed is None else {
                **_range_json(guessed.range), "source": guessed.source, "reliable": guessed.reliable,
                "method": guessed.method, "from_articles": guessed.articles,
            },
            "dateline": _dateline_json(reading.datelines.get(document.article_id)),
        }
    return articles


def _dateline_json(dateline: Dateline | None) -> dict[str, Any] | None:
    """The place, agency and date as written an article opens with (its date, resolved, is in ``dates``)."""
    if dateline is None:
        return None
    return {"text": dateline.text, "offsets": [dateline.start, dateline.end], "place": dateline.place,
            "agency": dateline.agency, "date_text": dateline.date_text}


def _coverage_json(coverage: Coverage) -> dict[str, Any]:
    return {
        "by_language": {language: [{"article_id": s.article_id, "text": s.text} for s in statements]
                        for language, statements in coverage.by_language.items()},
        "summary": [
            {"text": point.statement.text, "language": point.statement.language,
             "article_id": point.statement.article_id, "languages": point.languages,
             "sources": [{"article_id": s.article_id, "language": s.language, "text": s.text}
                         for s in point.sources]}
            for point in coverage.summary
        ],
    }


def reading_json(reading: StoryReading) -> dict[str, Any]:
    """A reading as the plain data the views serve (see :func:`babelwire.views.story_analysis`)."""
    return {
        "entities": [_entity_json(entity) for entity in reading.entities],
        "quotes": [_quote_json(quote, reading) for quote in reading.quotes],
        "statements": _statements_json(reading),
        "articles": _dates_json(reading),
        "coverage": _coverage_json(reading.coverage),
    }


# --- cached analysis ----------------------------------------------------------------------------------------------

def compute_reading(articles: Sequence[Article], encoder: Encoder, aliases: AliasBook | None,
                    vectors: SentenceVectorStore | None = None) -> dict[str, Any]:
    """A story's reading as plain data, computed now (the reading itself is not cached or stored).

    With ``vectors``, the articles' sentence vectors stored there are reused and those encoded now are
    stored there (a store that cannot be read or written only costs the encoding).
    """
    texts = _stored_vectors(encoder, vectors, articles)
    data = reading_json(read_story(articles, encoder, aliases, texts))
    if vectors is not None:
        try:
            texts.save(vectors)
        except Exception as exc:  # a read-only or busy store: the next reading encodes them again
            log.warning("cannot store the sentence vectors of %d articles: %s", len(articles), exc)
    return data


def _stored_vectors(encoder: Encoder, vectors: SentenceVectorStore | None,
                    articles: Sequence[Article]) -> ArticleTextVectors:
    if vectors is None:
        return ArticleTextVectors(encoder)
    try:
        return ArticleTextVectors.load(encoder, vectors, [article.id for article in articles])
    except Exception as exc:  # as with the cached reading: a store that cannot be read is no reason to fail
        log.warning("cannot read the stored sentence vectors: %s", exc)
        return ArticleTextVectors(encoder)


def analyse_story(
    story_id: int,
    articles: Sequence[Article],
    encoder: Encoder | None = None,
    aliases: AliasBook | None = None,
    cache: AnalysisCache | None = None,
) -> dict[str, Any]:
    """The story's analysis as plain data, from the memory cache, the store's cache, or computed."""
    # looked up in their module on each call: one place to replace the defaults (tests do)
    encoder = encoder or reading_memory.default_encoder()
    aliases = aliases if aliases is not None else reading_memory.default_aliases()
    key = fingerprint(articles, encoder, aliases)
    stored = read_cache(cache, key)
    if stored is not None:
        remember_reading(key, stored)
        _index_entities(cache, story_id, key, stored)  # a reading cached before the index existed
        return stored
    # this process may have read the same articles for another store: store that reading here too
    vectors = cache if isinstance(cache, SentenceVectorStore) else None
    data = memorised_reading(key) or compute_reading(articles, encoder, aliases, vectors)
    write_cache(cache, story_id, key, data)
    _index_entities(cache, story_id, key, data)
    remember_reading(key, data)
    return data


def _index_entities(cache: AnalysisCache | None, story_id: int, key: str, data: dict[str, Any]) -> None:
    """Bring the store's entity index up to this reading of the story (:mod:`babelwire.entity_index`)."""
    from babelwire.entity_index import EntityIndex, ensure_indexed

    if not isinstance(cache, EntityIndex):
        return
    try:
        ensure_indexed(cache, story_id, data, key)
    except Exception as exc:  # as with the cache: a read-only or busy store only misses the index
        log.warning("cannot index the entities of story %s: %s", story_id, exc)
