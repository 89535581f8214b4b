"""The web UI: server-rendered pages over the same :class:`~babelwire.web.catalog.Catalog` as the REST API.

Pages: the story river (``/``, filtered by language, dates, outlet and a search), a story
(``/stories/{id}``), an entity (``/entities/{name}``: its entry in the entity index, or a text search
when the index has none), an outlet (``/outlets/{name}``), and the watch-lists (``/watch``), each with its
alerts (``/watch/{name}``) and their Atom feed (``/watch/{name}.atom``). Jinja2 escapes every value (no template
marks data ``|safe``), and a URL becomes a link only when it is http or https; anything else is shown as text.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates

from babelwire import views
from babelwire.reader_languages import reader_languages
from babelwire.settings import MAX_OFFSET, MAX_QUERY_CHARS
from babelwire.web import CatalogDep
from babelwire.web.catalog import Catalog, StoryFilters
from babelwire.web.story_view import story_reading

WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
#: stories per page on the river and the entity page
PAGE_SIZE = 20
#: alerts in a watch-list's Atom feed
FEED_SIZE = 50
#: paths whose errors stay JSON (FastAPI's default handlers)
API_PATH_PREFIXES = ("/api/", "/openapi.json")

LANGUAGE_NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "en": "English", "es": "Spanish",
    "fi": "Finnish", "fr": "French", "it": "Italian", "ja": "Japanese", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese", "und": "Undetermined",
}


# --- template filters ----------------------------------------------------------------


def language_name(code: str) -> str:
    """The English name of a language code (any lingua identifies), or the code itself when it is not a known one."""
    from babelwire import langid

    return LANGUAGE_NAMES.get(code) or langid.language_name(code)


def http_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL, safe to put in a link; ``None`` for anything else."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def human_date(value: str | None) -> str:
    """An ISO date at its precision, for people: ``2023``, ``May 2023``, ``25 May 2023``, ``25 May 2023, 10:00``."""
    if not value:
        return "undated"
    try:
        if len(value) == 4:
            return str(int(value))
        if len(value) == 7:
            return datetime.strptime(value, "%Y-%m").strftime("%B %Y")
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{moment.day} {moment:%B %Y}"
    return day if len(value) == 10 else f"{day}, {moment:%H:%M}"


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs (lines) of an article's text."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def path_segment(value: str) -> str:
    """A value quoted to stand as one segment of a URL path (a ``/`` in it is quoted too)."""
    return quote(value, safe="")


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        language_name=language_name, http_url=http_url, human_date=human_date, paragraphs=paragraphs,
        path_segment=path_segment,
    )
    return environment


templates = Jinja2Templates(env=_environment())


def compile_templates() -> None:
    """Compile every page template now rather than on its first request."""
    for name in ("river.html", "story.html", "entity.html", "error.html", "watchlist.html"):
        templates.get_template(name)
page_router = APIRouter(include_in_schema=False)


# --- page data -------------------------------------------------------------------------


def _parse_date(value: str, label: str) -> date | None:
    """A ``YYYY-MM-DD`` form value; ``ValueError`` with a message for people."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{label}: {value!r} is not a date (YYYY-MM-DD)") from None


def _story_card(story: dict[str, Any]) -> dict[str, Any]:
    """A story summary with what its card shows besides: outlets, and the span of its articles'
    publication dates (``first_seen``/``last_seen`` count an undated article at its ingest time,
    which would read as a publication date here)."""
    dated = sorted(a["published"] for a in story["articles"] if a["published"])
    return {
        **story, "outlets": views.story_outlets(story["articles"] + story.get("copies", [])),
        "published_span": (dated[0], dated[-1]) if dated else (None, None),
    }


def _readers(request: Request, catalog: Catalog) -> tuple[str, ...]:
    """The reader's languages: the browser's Accept-Language, else the server's ``reader_languages``."""
    return reader_languages(request.headers.get("accept-language"), catalog.settings.reader_languages)


def _page_url(path: str, params: dict[str, str], offset: int) -> str:
    query = {key: value for key, value in params.items() if value}
    if offset > 0:
        query["offset"] = str(offset)
    return f"{path}?{urlencode(query)}" if query else path


def _pager(path: str, params: dict[str, str], total: int, offset: int) -> dict[str, str | None]:
    """Links to the newer and older pages of a story list, where they exist."""
    return {
        "newer": _page_url(path, params, max(0, offset - PAGE_SIZE)) if offset > 0 else None,
        "older": _page_url(path, params, offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
    }


def _language_columns(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A story's articles grouped by language, the languages with the most articles first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        groups.setdefault(article["language"], []).append(article)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [{"language": code, "articles": members} for code, members in ordered]


# --- pages -------------------------------------------------------------------------------


@page_router.get("/", response_class=HTMLResponse)
def river(
    request: Request,
    catalog: CatalogDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    language: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    outlet: str = "",
    sort: str = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """The story river: the latest stories, filtered by language, dates, outlet and a search; with
    ``sort=developing`` the stories growing fastest now."""
    form = {"q": q.strip(), "language": language.strip().lower(), "from": date_from.strip(), "to": date_to.strip(),
            "outlet": outlet.strip(), "sort": "developing" if sort.strip() == "developing" else ""}
    context: dict[str, Any] = {
        "form": form, "query": form["q"], "languages": list(catalog.languages().items()),
        "stories": [], "total": 0, "pages": {"newer": None, "older": None}, "error": None,
        "every_outlet": _page_url("/", {**form, "outlet": ""}, 0),
        "sort_links": {"activity": _page_url("/", {**form, "sort": ""}, 0),
                       "developing": _page_url("/", {**form, "sort": "developing"}, 0)},
        "window_hours": f"{catalog.settings.developing_window_hours:g}",
    }
    try:
        filters = StoryFilters(
            language=form["language"] or None, published_from=_parse_date(form["from"], "From"),
            published_to=_parse_date(form["to"], "To"), query=form["q"] or None, outlet=form["outlet"] or None,
            sort=form["sort"] or "activity",
        )
    except ValueError as exc:
        context["error"] = str(exc)
        return templates.TemplateResponse(request, "river.html", context, status_code=400)
    page = catalog.stories(filters, PAGE_SIZE, offset, _readers(request, catalog))
    context.update(
        stories=[_story_card(story) for story in page.stories], total=page.total,
        pages=_pager("/", form, page.total, offset),
    )
    return templates.TemplateResponse(request, "river.html", context)


@page_router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, catalog: CatalogDep, story_id: int) -> Response:
    """One story read for the reader: who said what in each language side by side, what each language alone
    reports, its entities with their spellings, its timeline and its articles by language."""
    found = catalog.story(story_id, _readers(request, catalog))
    if found is None:
        raise HTTPException(404, f"There is no story {story_id}.")
    if found["id"] != story_id:  # merged into another story
        return RedirectResponse(f"/stories/{found['id']}", status_code=308)
    anchors = {article["id"]: f"article-{number}" for number, article in enumerate(found["articles"], start=1)}
    columns = _language_columns(found["articles"])
    context = {
        "story": _story_card(found), "anchors": anchors, "columns": columns,
        "reading": story_reading(found, [column["language"] for column in columns]),
        "language_sizes": {column["language"]: len(column["articles"]) for column in columns},
        "inferred": {a["id"]: a["published_inferred"] for a in found["articles"] if not a["published"]
                     and a.get("published_inferred")},
        "query": "",
        "reading_pending": found.get("reading_pending", False),
    }
    return templates.TemplateResponse(request, "story.html", context)


@page_router.get("/entities/{name:path}", response_class=HTMLResponse)
def entity(request: Request, catalog: CatalogDep, name: str,
           offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> Response:
    """An entity in every spelling: its entry in the entity index, else the stories whose text has the name."""
    name = name.strip()
    if not name:
        raise HTTPException(404, "No entity given.")
    found = catalog.entity(name, PAGE_SIZE, offset, _readers(request, catalog))
    path = f"/entities/{path_segment(name)}"
    if found is not None:
        context = {
            "entity": found, "stories": [_story_card(story) for story in found["stories"]],
            "total": found["story_total"], "pages": _pager(path, {}, found["story_total"], offset), "query": "",
        }
        return templates.TemplateResponse(request, "entity.html", context)
    page = catalog.stories(StoryFilters(entity=name), PAGE_SIZE, offset, _readers(request, catalog))
    coverage = catalog.entity_index_coverage()
    if page.total == 0:
        raise HTTPException(404, f"No entity called “{name}” is in the entity index ({coverage['indexed_stories']} "
                                 f"of {coverage['stories']} stories read), and no article title or text has it.")
    context = {
        "name": name, "stories": [_story_card(story) for story in page.stories], "total": page.total,
        "pages": _pager(path, {}, page.total, offset), "query": "", "coverage": coverage,
    }
    return templates.TemplateResponse(request, "entity_search.html", context)


@page_router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet(request: Request, catalog: CatalogDep, name: str,
           offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> Response:
    """An outlet: its counts and languages, and its stories."""
    found = catalog.outlet(name, PAGE_SIZE, offset, _readers(request, catalog)) if name.strip() else None
    if found is None:
        raise HTTPException(404, f"No stored article comes from an outlet called “{name}”.")
    context = {
        "outlet": found, "stories": [_story_card(story) for story in found["stories"]], "total": found["story_total"],
        "pages": _pager(f"/outlets/{path_segment(name)}", {}, found["story_total"], offset), "query": "",
    }
    return templates.TemplateResponse(request, "outlet.html", context)


@page_router.get("/watch", response_class=HTMLResponse)
def watchlists(request: Request, catalog: CatalogDep) -> Response:
    """The watch-lists, each with its conditions, alert count and feed."""
    context = {"watchlists": catalog.watchlists(), "query": ""}
    return templates.TemplateResponse(request, "watchlists.html", context)


@page_router.get("/watch/{name}.atom")
def watchlist_feed(request: Request, catalog: CatalogDep, name: str) -> Response:
    """A watch-list's latest alerts as an Atom feed; entries link to the story pages, titled for the reader."""
    from babelwire.watchlists import WatchlistError, atom_feed

    try:
        watchlist, alerts, _ = catalog.watchlist_alerts(name, FEED_SIZE, 0, _readers(request, catalog))
    except WatchlistError as exc:
        raise HTTPException(404, f"There is no watch-list called “{name}”.") from exc
    body = atom_feed(watchlist, alerts, str(request.base_url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@page_router.get("/watch/{name}", response_class=HTMLResponse)
def watchlist(request: Request, catalog: CatalogDep, name: str,
              offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> Response:
    """A watch-list's alerts, newest first, each linking to its story."""
    from babelwire.watchlists import WatchlistError

    try:
        found, alerts, total = catalog.watchlist_alerts(name, PAGE_SIZE, offset, _readers(request, catalog))
    except WatchlistError as exc:
        raise HTTPException(404, f"There is no watch-list called “{name}”.") from exc
    context = {"watchlist": found, "alerts": alerts, "total": total, "query": "",
               "pages": _pager(f"/watch/{path_segment(found.name)}", {}, total, offset)}
    return templates.TemplateResponse(request, "watchlist.html", context)


# --- errors --------------------------------------------------------------------------------


def _is_api_path(request: Request) -> bool:
    return request.url.path.startswith(API_PATH_PREFIXES)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_api_path(request):
        return await http_exception_handler(request, exc)
    context = {"status": exc.status_code, "detail": exc.detail, "query": ""}
    return templates.TemplateResponse(request, "error.html", context, status_code=exc.status_code,
                                      headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _is_api_path(request):
        return await request_validation_exception_handler(request, exc)
    problems = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors())
    context = {"status": 400, "detail": f"The address is not valid ({problems}).", "query": ""}
    return templates.TemplateResponse(request, "error.html", context, status_code=400)


def install_error_pages(app: FastAPI) -> None:
    """Errors outside ``/api`` become HTML pages; the API keeps FastAPI's JSON errors."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
