"""The REST API and the web UI in one FastAPI app over one store; ``babelwire serve`` runs it.

Read-only by default. Given an admin token, ``POST /api/articles`` also ingests articles (JSON, in
the JSONL schema of the README) from a client that sends ``Authorization: Bearer <token>``, within
a body size limit. Nothing a request says is ever opened as a file or fetched as a URL.

The JSON is :mod:`babelwire.views`, the same as the CLI's ``--json`` output::

    GET  /api/stories            language, from, to, entity, outlet, q, limit, offset (X-Total-Count header)
    GET  /api/stories/{id}       articles, timeline, entities, quotes
    GET  /api/entities           the entity index: q, type, limit, offset (X-Total-Count header)
    GET  /api/entities/{name}    one entry (any spelling, or its key): spellings, stories, quotes
    GET  /api/outlets            outlets with their article counts (X-Total-Count header)
    GET  /api/outlets/{name}     one outlet: counts, languages, its stories
    GET  /api/articles/{id}
    GET  /api/search?q=          articles in any language
    GET  /api/compare?a=&b=      two articles' similarity and its reasons
    GET  /api/export/{what}      stories, articles, entities or quotes; format=jsonl|csv|parquet
    GET  /api/languages          articles per language
    GET  /api/watchlists         the watch-lists with their alert counts
    GET  /api/watchlists/{name}/alerts   a watch-list's alerts, newest first (X-Total-Count header)
    POST /api/articles           admin only
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import babelwire
from babelwire.encoders import Encoder
from babelwire.entities import ORGANISATION, PERSON, PLACE
from babelwire.langid import LanguageIdentifier
from babelwire.language_names import UnknownLanguageError, language_code
from babelwire.reader_languages import reader_languages
from babelwire.readers.base import ReadError, Source
from babelwire.readers.jsonl import JsonlReader, article_from_record, parse_json
from babelwire.settings import MAX_OFFSET, MAX_QUERY_CHARS, Settings
from babelwire.store_failures import describe_store_failure
from babelwire.translate import Translator
from babelwire.types import Article, IngestProblem
from babelwire.web import CatalogDep
from babelwire.web.background import BackgroundReader
from babelwire.web.catalog import Catalog, StoryFilters
from babelwire.web.pages import STATIC_DIR, compile_templates, install_error_pages, page_router

DEFAULT_PAGE_SIZE = 50
#: the entity types of the reading (babelwire.entities)
ENTITY_TYPES = (PERSON, ORGANISATION, PLACE)
MAX_PAGE_SIZE = 500
#: largest accepted ``POST /api/articles`` body
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: the largest integer SQLite stores: a bigger id or offset cannot even be looked up
SQLITE_MAX_INTEGER = MAX_OFFSET
#: media types read as JSON Lines by ``POST /api/articles`` (anything else is read as JSON)
JSON_LINES_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl"})
#: scripts and styles only from this server: an injected inline script or handler would not run
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """ASGI middleware that adds fixed headers (CSP and friends) to every HTTP response."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]):
        self.app = app
        self.headers = dict(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """ASGI middleware that answers ``HEAD`` as ``GET`` without the body (the routes are declared for GET)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def local_host_names(bound_host: str) -> list[str]:
    """The Host header values a server bound to ``bound_host`` answers when it listens on this machine only:
    a web page elsewhere that rebinds its own name to 127.0.0.1 sends its own name and is refused. A server
    bound to every address (0.0.0.0) answers any name (put a proxy with its own checks before it)."""
    if bound_host in ("0.0.0.0", "::", ""):
        return ["*"]
    return sorted({bound_host, "127.0.0.1", "localhost", "::1", "[::1]"})


# --- read endpoints ----------------------------------------------------------------------

read_router = APIRouter(prefix="/api", tags=["read"])


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {what}")


LanguageParam = Annotated[
    str | None, Query(description="Only stories with an article in this language: a code or a name (en, English).")
]
FromParam = Annotated[date | None, Query(alias="from", description="Only stories whose span reaches this date.")]
ToParam = Annotated[date | None, Query(alias="to", description="Only stories whose span starts by this date.")]
EntityParam = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                          description="Only stories with an article naming this (title or text).")]
QueryParam = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                         description="Text in any language; results come most relevant first.")]
OutletParam = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                          description="Only stories with an article from this outlet (its source).")]
SortParam = Annotated[Literal["activity", "developing"], Query(
    description="activity (newest activity first) or developing (growing fastest now first).")]
LimitParam = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
OffsetParam = Annotated[int, Query(ge=0, le=SQLITE_MAX_INTEGER)]


def _given(value: str | None) -> str | None:
    """A query parameter's text, or ``None`` when it is missing or blank."""
    return value.strip() if value and value.strip() else None


@read_router.get("/stories")
def list_stories(
    request: Request,
    catalog: CatalogDep,
    response: Response,
    language: LanguageParam = None,
    published_from: FromParam = None,
    published_to: ToParam = None,
    entity: EntityParam = None,
    outlet: OutletParam = None,
    q: QueryParam = None,
    sort: SortParam = "activity",
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
) -> list[dict[str, Any]]:
    """Stories with their articles, newest activity first, as ``babelwire stories --json``, each titled
    for the reader's languages (the Accept-Language header, else the server's ``reader_languages``).

    ``from``/``to`` keep the stories whose publication span (``first_seen``..``last_seen``) overlaps
    the range. ``sort=developing`` lists only the stories that grew in the last ``developing_window_hours``
    (by arrival), the fastest growing first, each with its ``growth``. The ``X-Total-Count`` header has the
    number of stories that pass the filters.
    """
    try:
        code = language_code(language) if _given(language) else None
    except UnknownLanguageError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    filters = StoryFilters(
        language=code, published_from=published_from,
        published_to=published_to, entity=_given(entity), query=_given(q), outlet=_given(outlet), sort=sort,
    )
    page = catalog.stories(filters, limit, offset, _readers(request, catalog))
    response.headers["X-Total-Count"] = str(page.total)
    return page.stories


def _readers(request: Request, catalog: Catalog) -> tuple[str, ...]:
    """The reader's languages: the request's Accept-Language, else the server's ``reader_languages``."""
    return reader_languages(request.headers.get("accept-language"), catalog.settings.reader_languages)


@read_router.get("/entities")
def list_entities(
    catalog: CatalogDep,
    response: Response,
    q: Annotated[str | None, Query(description="A name or part of one, in any spelling (case and accents "
                                                 "ignored).")] = None,
    kind: Annotated[str | None, Query(alias="type", description="person, organisation or place.")] = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
) -> list[dict[str, Any]]:
    """The entity index: entities across stories, those in the most stories first, with their spellings.

    The index holds the stories whose reading was computed (``babelwire reindex`` reads the rest).
    The ``X-Total-Count`` header has the number of entries that pass the filters.
    """
    kind = (_given(kind) or "").lower() or None
    if kind is not None and kind not in ENTITY_TYPES:
        raise HTTPException(status_code=422, detail=f"type {kind!r} is not one of {', '.join(ENTITY_TYPES)}")
    rows, total = catalog.entities(_given(q), kind, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@read_router.get("/entities/{name:path}")
def get_entity(request: Request, catalog: CatalogDep, name: str, limit: LimitParam = DEFAULT_PAGE_SIZE,
               offset: OffsetParam = 0) -> dict[str, Any]:
    """One entry of the entity index, found by any of its spellings or its key: its spellings by language,
    a page of its stories (``limit``, ``offset``; ``story_total``) titled for the reader (Accept-Language),
    the quotes by it and about it, and ``also``, other entries the name fits."""
    found = catalog.entity(name, limit, offset, _readers(request, catalog)) if name.strip() else None
    if found is None:
        raise _not_found(f"entity {name!r} in the entity index")
    return found


@read_router.get("/outlets")
def list_outlets(catalog: CatalogDep, response: Response, limit: LimitParam = DEFAULT_PAGE_SIZE,
                 offset: OffsetParam = 0) -> list[dict[str, Any]]:
    """Outlets (the articles' sources) with their article counts, the most prolific first (``X-Total-Count``)."""
    rows, total = catalog.outlets(limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@read_router.get("/outlets/{name:path}")
def get_outlet(request: Request, catalog: CatalogDep, name: str, limit: LimitParam = DEFAULT_PAGE_SIZE,
               offset: OffsetParam = 0) -> dict[str, Any]:
    """One outlet: its article, copy and story counts, articles per language, first/last publication, and a
    page of its stories (``limit``, ``offset``; ``story_total``) titled for the reader (Accept-Language)."""
    found = catalog.outlet(name, limit, offset, _readers(request, catalog))
    if found is None:
        raise _not_found(f"outlet {name!r}")
    return found


@read_router.get("/stories/{story_id}")
def get_story(request: Request, catalog: CatalogDep, story_id: int) -> dict[str, Any]:
    """One story (a merged story's id gives its successor): full articles, timeline, entities, quotes,
    coverage, titled for the reader's languages (Accept-Language)."""
    found = catalog.story(story_id, _readers(request, catalog)) if abs(story_id) <= SQLITE_MAX_INTEGER else None
    if found is None:
        raise _not_found(f"story {story_id}")
    return found


@read_router.get("/articles/{article_id:path}")
def get_article(catalog: CatalogDep, article_id: str) -> dict[str, Any]:
    """One article with everything stored about it but its vector."""
    found = catalog.article(article_id)
    if found is None:
        raise _not_found(f"article {article_id}")
    return found


@read_router.get("/search")
def search(
    catalog: CatalogDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                            description="What to look for, in any language.")],
    limit: LimitParam = 10,
    min_score: Annotated[
        float | None, Query(ge=-1.0, le=1.0, description="Leave out weaker matches (default: search_min_score).")
    ] = None,
) -> list[dict[str, Any]]:
    """Articles in any language closest in meaning to the query, as ``babelwire search --json``."""
    return catalog.search(q, limit, min_score)


@read_router.get("/compare")
def compare(
    catalog: CatalogDep,
    a: Annotated[str, Query(min_length=1, description="An article id.")],
    b: Annotated[str, Query(min_length=1, description="Another article id.")],
) -> dict[str, Any]:
    """How alike two stored articles are (1 = same event) and the features behind it, as ``babelwire compare``."""
    try:
        return catalog.compare(a, b)
    except KeyError as exc:
        raise HTTPException(status_code=404, detail=exc.args[0]) from exc


@read_router.get("/export/{what}", response_class=Response)
def export(
    catalog: CatalogDep,
    what: Annotated[str, Path(description="stories, articles, entities or quotes")],
    format_name: Annotated[str, Query(alias="format", description="jsonl, csv or parquet")] = "jsonl",
) -> Response:
    """A whole table of the store as a file, as ``babelwire export WHAT --format FORMAT`` writes it."""
    from babelwire.export import EXPORTS, FORMATS, ExportError

    if what not in EXPORTS:
        raise _not_found(f"export {what!r} (choose one of {', '.join(EXPORTS)})")
    if format_name not in FORMATS:
        raise HTTPException(status_code=422, detail=f"unknown format {format_name!r}; choose one of "
                                                    f"{', '.join(FORMATS)}")
    try:
        body = catalog.export(what, format_name)
    except ExportError as exc:  # Parquet without pyarrow
        raise HTTPException(status_code=501, detail=str(exc)) from exc
    media_type, extension = FORMATS[format_name]
    return StreamingResponse(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="babelwire-{what}.{extension}"'})


@read_router.get("/languages")
def languages(catalog: CatalogDep) -> dict[str, int]:
    """Articles per language code, most frequent first."""
    return catalog.languages()


@read_router.get("/watchlists")
def list_watchlists(catalog: CatalogDep) -> list[dict[str, Any]]:
    """The watch-lists (``babelwire watchlist list --json``): conditions, triggers, whether they have a webhook
    (not its URL nor secret), their feed and alert count."""
    return catalog.watchlists()


@read_router.get("/watchlists/{name}/alerts")
def watchlist_alerts(request: Request, catalog: CatalogDep, response: Response, name: str,
                     limit: LimitParam = DEFAULT_PAGE_SIZE, offset: OffsetParam = 0) -> list[dict[str, Any]]:
    """A watch-list's alerts, newest first, as ``babelwire alerts NAME --json``, each with its story titled for
    the reader (Accept-Language). The ``X-Total-Count`` header has how many the list raised."""
    from babelwire.watchlists import WatchlistError, public_alert

    try:
        _, alerts, total = catalog.watchlist_alerts(name, limit, offset, _readers(request, catalog))
    except WatchlistError as exc:
        raise _not_found(f"watch-list {name!r}") from exc
    response.headers["X-Total-Count"] = str(total)
    return [public_alert(alert) for alert in alerts]


# --- ingest (admin only) -------------------------------------------------------------------

admin_router = APIRouter(prefix="/api", tags=["admin"])
bearer = HTTPBearer(auto_error=False, description="The admin token given to `babelwire serve --admin-token`.")


def require_admin(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Let through only a request that carries the admin token as a bearer token."""
    expected: str = request.app.state.admin_token
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="a valid admin token is required",
                            headers={"WWW-Authenticate": "Bearer"})


def parse_articles(body: bytes, media_type: str, settings: Settings) -> list[Article | IngestProblem]:
    """Articles from JSON Lines, a JSON array of objects or one object, each in the JSONL schema.

    A record that is not an article becomes a problem naming it (``request:N``); the rest go on.
    """
    if media_type in JSON_LINES_TYPES:
        try:
            return list(JsonlReader().read(Source(origin="request", data=body), settings))
        except ReadError as exc:  # no line at all
            raise HTTPException(status_code=400, detail=f"the body holds no JSON lines ({exc})") from exc
    try:
        data = parse_json(body)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"the body is {exc}") from exc
    records = data if isinstance(data, list) else [data]
    items: list[Article | IngestProblem] = []
    for number, record in enumerate(records, start=1):
        origin = f"request:{number}"
        try:
            items.append(article_from_record(record, origin))
        except ValueError as exc:
            items.append(IngestProblem(origin, str(exc)))
    return items


@admin_router.post("/articles", dependencies=[Depends(require_admin)])
async def ingest_articles(request: Request, catalog: CatalogDep) -> dict[str, Any]:
    """Ingest articles: a JSON array (or object), or JSON Lines with ``Content-Type: application/x-ndjson``.

    Each record is ``{"text": required, "title", "url", "source", "published", "language", "id"}``;
    the reply is ``babelwire ingest --json``'s summary.
    """
    body = await request.body()  # over the app's max_body_size: 413
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    items = parse_articles(body, media_type, catalog.settings)
    return await run_in_threadpool(catalog.ingest, items)


# --- the app ---------------------------------------------------------------------------------


def create_app(
    db_path: str | FilePath,
    admin_token: str | None = None,
    *,
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    language_identifier: LanguageIdentifier | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    content_security_policy: str | None = CONTENT_SECURITY_POLICY,
    allowed_hosts: Sequence[str] | None = None,
    translator: Translator | None = None,
) -> FastAPI:
    """The API (``/api``, described at ``/openapi.json``) and the web UI over the store at ``db_path``.

    ``admin_token`` enables ``POST /api/articles``; ``settings`` default to ``Settings.from_env()``;
    ``encoder`` and ``language_identifier`` replace the models the settings name.
    ``content_security_policy=None`` leaves the CSP header out (tests of escaping alone use it).
    ``allowed_hosts`` are the Host header values served (see :func:`local_host_names`); None serves any.
    ``translator`` adds translated titles (:mod:`babelwire.translate`). With ``settings.read_in_background``
    a thread reads the stories whose reading is not stored (:mod:`babelwire.web.background`).
    """
    catalog = Catalog(db_path, settings, encoder=encoder, language_identifier=language_identifier,
                      translator=translator)
    background = BackgroundReader(catalog) if catalog.settings.read_in_background else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        compile_templates()  # before the server accepts connections: its first page is not slower than the rest
        await run_in_threadpool(catalog.warm_up)
        if background is not None:
            catalog.after_ingest = background.request
            background.start()
        yield
        if background is not None:
            background.stop()
        catalog.close()

    app = FastAPI(
        title="babelwire", version=babelwire.__version__, lifespan=lifespan,
        description="Multilingual news stories: articles in many languages grouped by event.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN, which the CSP and offline use rule out
        max_body_size=max_body_bytes,  # every request body; only POST /api/articles reads one
    )
    app.state.catalog = catalog
    app.state.background_reader = background
    app.state.admin_token = admin_token or None
    app.include_router(read_router)
    if app.state.admin_token:
        app.include_router(admin_router)
    app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_pages(app)
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
    if content_security_policy:
        headers["Content-Security-Policy"] = content_security_policy
    if allowed_hosts is not None and "*" not in allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(HeadAsGet)

    store_name = catalog.store_name

    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette answers unhandled errors outside every middleware: add the fixed headers here
        failure = describe_store_failure(exc, store_name)
        if failure is not None:  # a full or damaged store: say so, and that it is not this request's fault
            return JSONResponse({"detail": failure}, status_code=503, headers=headers)
        return PlainTextResponse("Internal Server Error", status_code=500, headers=headers)

    app.add_exception_handler(Exception, server_error)
    app.add_middleware(SecurityHeaders, headers=headers)
    return app
