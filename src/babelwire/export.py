"""Tables of a store for notebooks: stories, articles, entities and quotes as JSON Lines, CSV or Parquet.

``babelwire export WHAT --format FORMAT`` and ``GET /api/export/{what}?format=`` write the same
tables. Each table has fixed, documented columns (:data:`COLUMNS`, listed in the README) in the
same order in every format; a list (a story's languages, a quote's matches) is one text cell with
its items separated by spaces, so that CSV and Parquet hold the same values as JSON Lines.

Entities and quotes come from each story's reading (:func:`story_readings`), computed and cached in
the store where it is missing, so the first export of a large store takes a while.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from babelwire import views
from babelwire.store import Store
from babelwire.types import Article, Story

#: the tables, and each one's columns with their type (int, float, bool or str; any may be empty)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "stories": (
        ("story_id", "int"), ("title", "str"), ("first_seen", "str"), ("last_seen", "str"),
        ("span_inferred", "bool"), ("languages", "str"), ("article_count", "int"), ("copy_count", "int"),
        ("outlet_count", "int"), ("created_at", "str"), ("updated_at", "str"),
    ),
    "articles": (
        ("article_id", "str"), ("story_id", "int"), ("title", "str"), ("language", "str"),
        ("language_confidence", "float"), ("published", "str"), ("published_source", "str"),
        ("published_reliable", "bool"), ("source", "str"), ("url", "str"), ("ingested_at", "str"),
        ("link_score", "float"), ("copy_of", "str"), ("kept_out", "str"), ("text", "str"),
    ),
    "entities": (
        ("story_id", "int"), ("entity_id", "str"), ("name", "str"), ("type", "str"), ("languages", "str"),
        ("aliases", "str"), ("article_count", "int"), ("mention_count", "int"), ("pinned", "bool"),
    ),
    "quotes": (
        ("story_id", "int"), ("quote_id", "str"), ("article_id", "str"), ("language", "str"), ("speaker", "str"),
        ("speaker_id", "str"), ("attribution", "str"), ("text", "str"), ("matches", "str"),
    ),
}
EXPORTS: tuple[str, ...] = tuple(COLUMNS)
#: each format with its media type and file extension
FORMATS: dict[str, tuple[str, str]] = {
    "jsonl": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown table or format, Parquet without pyarrow)."""


def check_export(what: str, format_name: str) -> None:
    """Raise :class:`ExportError` naming an unknown table or format."""
    if what not in COLUMNS:
        raise ExportError(f"unknown export {what!r}; choose one of {', '.join(EXPORTS)}")
    if format_name not in FORMATS:
        raise ExportError(f"unknown format {format_name!r}; choose one of {', '.join(FORMATS)}")
    if format_name == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ExportError("Parquet needs pyarrow: pip install 'babelwire[parquet]'")


# --- rows ------------------------------------------------------------------------------------


def _story_row(story: Story) -> dict[str, Any]:
    return {
        "story_id": story.id, "title": story.title, "first_seen": story.first_seen, "last_seen": story.last_seen,
        "span_inferred": story.span_inferred, "languages": " ".join(sorted(story.languages)),
        "article_count": len(story.article_ids), "copy_count": story.copies, "outlet_count": story.outlets,
        "created_at": story.created_at.isoformat(timespec="seconds"),
        "updated_at": story.updated_at.isoformat(timespec="seconds"),
    }


def _article_row(article: Article) -> dict[str, Any]:
    detail = views.article_detail(article)
    return {
        "article_id": article.id, "story_id": article.story_id, "title": detail["title"],
        "language": article.language, "language_confidence": detail["language_confidence"],
        "published": detail["published"], "published_source": detail["published_source"],
        "published_reliable": detail["published_reliable"], "source": article.source, "url": article.url,
        "ingested_at": detail["ingested_at"], "link_score": detail["link_score"], "copy_of": article.copy_of,
        "kept_out": article.kept_out, "text": article.text,
    }


def story_readings(store: Store) -> Iterator[tuple[Story, dict[str, Any]]]:
    """Each live story with its reading (:func:`babelwire.views.story_analysis`), oldest story first.

    A reading missing from the store's cache is computed and stored. This is the one place the entity and
    quote tables read from, so that they can later read a stored entity index instead.
    """
    stories = sorted(store.stories(with_kept_out=True), key=lambda story: story.id)
    for story in stories:
        articles = store.story_articles(story.id)
        yield story, views.story_analysis(story, articles, store=store)


def _entity_rows(readings: Iterable[tuple[Story, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for story, analysis in readings:
        for entity in analysis.get("entities", []):
            aliases = entity.get("aliases") or {}
            yield {
                "story_id": story.id, "entity_id": entity["id"], "name": entity["name"], "type": entity["type"],
                "languages": " ".join(sorted(entity.get("mentions") or {})),
                # language:name|name, one language after another: the aliases in one flat cell
                "aliases": " ".join(f"{code}:{'|'.join(names)}" for code, names in sorted(aliases.items())),
                "article_count": entity["article_count"], "mention_count": entity["mention_count"],
                "pinned": bool(entity.get("pinned")),
            }


def _quote_rows(readings: Iterable[tuple[Story, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for story, analysis in readings:
        for quote in analysis.get("quotes", []):
            yield {
                "story_id": story.id, "quote_id": quote["id"], "article_id": quote["article_id"],
                "language": quote["language"], "speaker": quote.get("speaker"), "speaker_id": quote.get("speaker_id"),
                "attribution": quote.get("attribution"), "text": quote["text"],
                "matches": " ".join(quote.get("matches") or []),
            }


def export_rows(store: Store, what: str) -> Iterator[dict[str, Any]]:
    """The rows of one table (``stories``, ``articles``, ``entities`` or ``quotes``), keyed by its columns.

    Stories come oldest id first, each story's articles (copies after them) in publication order.
    """
    check_export(what, "jsonl")
    if what == "stories":
        stories = store.stories(with_kept_out=True)
        yield from (_story_row(story) for story in sorted(stories, key=lambda story: story.id))
    elif what == "articles":
        for story in sorted(store.stories(with_kept_out=True), key=lambda story: story.id):
            for article in store.story_articles(story.id) + store.story_articles(story.id, copies=True):
                yield _article_row(article)
    elif what == "entities":
        yield from _entity_rows(story_readings(store))
    else:
        yield from _quote_rows(story_readings(store))


# --- formats -----------------------------------------------------------------------------------


def _row_writer(names: list[str], format_name: str, out: IO[bytes]) -> Callable[[dict[str, Any]], None]:
    """A function writing one row to ``out`` as JSON Lines or CSV (the CSV header is written first)."""
    if format_name == "jsonl":
        def write_jsonl(row: dict[str, Any]) -> None:
            out.write(json.dumps({name: row[name] for name in names}, ensure_ascii=False).encode() + b"\n")
        return write_jsonl
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=names, extrasaction="ignore")

    def write_csv(row: dict[str, Any] | None) -> None:
        if row is not None:  # a missing value is an empty cell; booleans as true/false, as in JSON
            writer.writerow({name: _csv_cell(row[name]) for name in names})
        out.write(text.getvalue().encode())
        text.seek(0)
        text.truncate()

    writer.writeheader()
    write_csv(None)
    return write_csv


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_parquet(rows: Iterable[dict[str, Any]], what: str, out: IO[bytes]) -> None:
    import pyarrow as pa  # an optional extra: check_export said whether it is there
    import pyarrow.parquet as pq
    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS[what]])
    table = pa.Table.from_pylist(list(rows), schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    out.write(sink.getvalue().to_pybytes())


def write_export(rows: Iterable[dict[str, Any]], what: str, format_name: str, out: IO[bytes]) -> None:
    """Write a table's rows to a binary stream in ``jsonl``, ``csv`` or ``parquet``."""
    check_export(what, format_name)
    if format_name == "parquet":
        _write_parquet(rows, what, out)
        return
    write = _row_writer([name for name, _ in COLUMNS[what]], format_name, out)
    for row in rows:
        write(row)


def export_chunks(store: Store, what: str, format_name: str, chunk_bytes: int = 1 << 16) -> Iterator[bytes]:
    """A whole table in pieces of about ``chunk_bytes``, read from the store as they are sent (what the API
    streams: a large store's export never sits in memory whole). Parquet comes in one piece: its footer
    indexes the whole file."""
    check_export(what, format_name)
    if format_name == "parquet":
        yield export_bytes(store, what, format_name)
        return
    buffer = io.BytesIO()
    write = _row_writer([name for name, _ in COLUMNS[what]], format_name, buffer)
    for row in export_rows(store, what):
        write(row)
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def export_bytes(store: Store, what: str, format_name: str) -> bytes:
    """A whole table in one format, in memory."""
    check_export(what, format_name)
    buffer = io.BytesIO()
    write_export(export_rows(store, what), what, format_name, buffer)
    return buffer.getvalue()
