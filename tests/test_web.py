"""The web pages as HTML: what they show, their links and labels, and that no field can inject markup."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from babelwire import views
from babelwire.web.pages import TEMPLATES_DIR, http_url, human_date
from story_corpus import (
    XSS_IMG,
    XSS_SCRIPT,
    article,
    build_store,
    corpus,
    hostile_analysis,
    hostile_articles,
    make_app,
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = build_store(tmp_path_factory.mktemp("web") / "web.db", corpus() + hostile_articles())
    with TestClient(make_app(db)) as test_client:
        yield test_client


def story_id(client: TestClient, title_start: str) -> int:
    """The story with an article whose headline starts so."""
    return next(s["id"] for s in client.get("/api/stories").json()
                if any(a["title"].startswith(title_start) for a in s["articles"]))


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="story-title"[^>]*>\s*<a href="/stories/\d+"[^>]*>([^<]+)</a>', html)


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, to check what a browser would build."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def assert_nothing_injected(html: str) -> None:
    """No script but the app's own, no event handler attribute, no link to a non-http(s) URL."""
    elements = Elements(html)
    assert [attrs.get("src") for attrs in elements.all("script")] == ["/static/app.js"]
    assert elements.all("img") == []
    for tag, attrs in elements.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    for attrs in elements.all("a"):
        href = (attrs.get("href") or "").strip().lower()
        assert href.startswith(("/", "#", "http://", "https://")), href
    assert "window.__xss=1</script>" not in html


# --- the river ------------------------------------------------------------------------------------


def test_river_lists_stories_with_languages_outlets_span_and_size(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="en">' in html and "<h1>Latest stories</h1>" in html
    bridge = html[html.index("Varnaholm bridge collapses"):]
    bridge = bridge[: bridge.index("</article>")]
    assert re.findall(r'badge-code" aria-hidden="true">(\w+)<', bridge) == ["de", "en", "fr"]
    # a gist in the reader's language (no Accept-Language: the default, English) under each title
    # (places and people lead it once the story's reading is stored: another test may have read it)
    assert re.search(r'<p class="gist" lang="en">[^<]*German, English, French</p>', bridge)
    spanish = client.get("/", headers={"Accept-Language": "es"}).text
    assert re.search(r'<p class="gist" lang="es">[^<]*alemán, inglés, francés</p>', spanish)
    assert "3 articles" in bridge
    outlets = re.findall(r'<a class="outlet-link" href="([^"]+)">([^<]+)</a>', bridge)
    assert outlets == [("/outlets/Daily%20Wire", "Daily Wire"), ("/outlets/Le%20Quotidien", "Le Quotidien"),
                       ("/outlets/Tagesblatt", "Tagesblatt")]
    assert '<time datetime="2024-03-05">5 March 2024</time> – <time datetime="2024-03-06">6 March 2024</time>' in bridge
    assert f'href="/stories/{story_id(client, "Varnaholm")}" lang="en" dir="auto"' in html
    assert '<label for="filter-language">Language</label>' in html
    assert '<option value="pl">Polish (1)</option>' in html
    assert 'role="search"' in html and '<label for="site-search"' in html


def test_river_filters_and_search(client: TestClient) -> None:
    polish = client.get("/", params={"language": "pl"}).text
    assert "Referendum w Wierzbowie" in polish and "Varnaholm" not in polish
    assert '<option value="pl" selected>' in polish
    march = client.get("/", params={"from": "2024-03-01", "to": "2024-03-31"}).text
    assert "Varnaholm bridge" in march and "Stormen Greta" not in march and "1 story," in march
    found = client.get("/", params={"q": "Stormen Greta Gotland"}).text
    assert "Stories about “Stormen Greta Gotland”" in found
    assert card_titles(found)[0] == "Stormen Greta drog in över Gotland"
    # the header search keeps the filters of the river
    assert '<input type="hidden" name="language" value="pl">' in polish


def test_river_rejects_a_bad_date_with_a_message(client: TestClient) -> None:
    response = client.get("/", params={"from": "31/12/2024"})
    assert response.status_code == 400
    assert "From: &#39;31/12/2024&#39; is not a date (YYYY-MM-DD)" in response.text


def test_river_pages(client: TestClient, tmp_path: Path) -> None:
    bulletins = [  # texts of unrelated letters: each is a story of its own
        article(f"Bulletin {n}", " ".join(hashlib.sha256(f"{n}-{word}".encode()).hexdigest()[:9] for word in range(12)),
                "en", f"2024-08-{1 + n:02d}")
        for n in range(25)
    ]
    db = build_store(tmp_path / "many.db", corpus() + bulletins)
    with TestClient(make_app(db)) as many_client:
        first = many_client.get("/").text
        assert first.count('class="story-card"') == 20 and 'href="/?offset=20" rel="next"' in first
        second = many_client.get("/", params={"offset": 20}).text
        assert 'href="/" rel="prev"' in second and 'rel="next"' not in second
        assert many_client.get("/", params={"offset": -1}).status_code == 400


# --- story and entity pages ------------------------------------------------------------------------


def test_story_page_timeline_columns_and_links(client: TestClient) -> None:
    html = client.get(f"/stories/{story_id(client, 'Inundaciones')}").text
    # titled for an English reader (the default reader_languages) by its English headline
    assert '<h1 id="story-title" lang="en" dir="auto">Rivamonte flood: thousands evacuated</h1>' in html
    timeline = html[html.index('<ol class="timeline">'):html.index("</ol>")]
    dated = re.sub(r'<span class="when inferred">.*?</span></span>', "", timeline, flags=re.S)
    assert [m for m in re.findall(r'<time datetime="([^"]+)"', dated)] == ["2024-04-10", "2024-04-11", "2024-04-12"]
    # the undated article's date is inferred from the others, and marked so
    inferred = re.search(r'<span class="when inferred">(.*?)</span></span>', timeline, flags=re.S).group(1)
    assert re.sub(r"<[^>]+>", "", inferred).startswith("between 10 April 2024 and 12 April 2024")
    assert "(undated; inferred from the story&#39;s other articles)" in inferred
    # the span shown is that of the dated articles (the API's last_seen counts the undated one at its ingest time)
    assert '<time datetime="2024-04-10">10 April 2024</time> – <time datetime="2024-04-12">12 April 2024</time>' in html
    columns = re.findall(r'<h3 id="column-\d+">(\w+) <span class="count">(\d+)</span></h3>', html)
    assert columns == [("English", "2"), ("Spanish", "1"), ("Italian", "1")]  # most articles, then by code
    assert '<div class="article-text" lang="it" dir="auto">' in html
    assert '<h4 id="article-2-title" lang="it" dir="auto">' in html
    assert '<a class="original" href="https://example.it/alluvione" rel="noopener noreferrer nofollow">' in html
    assert 'id="entities"' in html  # found by the reading analysis (babelwire.reading)
    assert '<a href="/entities/Tarrasco-Bellini">' in html
    assert client.get("/stories/999").status_code == 404
    assert "Not found" in client.get("/stories/999").text


def test_story_page_shows_entities_quotes_and_statements_when_there_are_some(client: TestClient,
                                                                             monkeypatch) -> None:
    monkeypatch.setattr(views, "story_analysis", hostile_analysis)
    html = client.get(f"/stories/{story_id(client, 'Varnaholm')}").text
    assert '<a href="/entities/Kessler-Lindqvist">Kessler-Lindqvist</a>' in html
    assert '<a href="/entities/%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E">' in html
    assert "Only in this article" in html and "Also in other articles" in html and 'id="quotes"' in html
    assert_nothing_injected(html)


def test_entity_page_without_an_index_entry_is_a_text_search_that_says_so(client: TestClient) -> None:
    html = client.get("/entities/Kessler-Lindqvist").text
    assert "<h1>Stories mentioning “Kessler-Lindqvist”</h1>" in html
    # (other tests of this module may have read, and so indexed, some stories)
    assert re.search(r"is not in the entity index yet \(\d+ of", html) and "so this is a text search" in html
    assert "Varnaholm bridge" in html and "Rivamonte" not in html
    missing = client.get("/entities/Nobody%20At%2FAll")
    assert missing.status_code == 404 and "No entity called “Nobody At/All” is in the entity index" in missing.text


def test_json_errors_stay_json_and_page_errors_are_html(client: TestClient) -> None:
    assert client.get("/api/stories/999").headers["content-type"] == "application/json"
    assert client.get("/nowhere").headers["content-type"].startswith("text/html")


# --- escaping --------------------------------------------------------------------------------------


def test_no_field_injects_markup(client: TestClient) -> None:
    hostile = story_id(client, "Breaking")
    pages = {
        "/": client.get("/").text,
        "story": client.get(f"/stories/{hostile}").text,
        "search": client.get("/", params={"q": XSS_SCRIPT}).text,
        "entity": client.get("/entities/" + XSS_SCRIPT.replace("/", "%2F")).text,
        "bad date": client.get("/", params={"from": XSS_IMG}).text,
    }
    for html in pages.values():
        assert_nothing_injected(html)
    story = pages["story"]
    assert "Breaking &lt;script&gt;window.__xss=1&lt;/script&gt; news" in story
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in story
    assert 'title="Not an http(s) address, so not a link">javascript:window.__xss=1</span>' in story
    assert "JavaScript:void(window.__xss=1)</span>" in story
    # an http URL carrying markup stays a link, with its quotes escaped inside the attribute
    assert 'href="https://example.org/?q=&#34;&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;"' in story
    # a language code carrying markup is escaped where it is an attribute value, too
    assert 'lang="x&#34;&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;"' in story


def test_templates_never_mark_data_safe() -> None:
    for template in TEMPLATES_DIR.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"\|\s*safe\b", text), template.name
        assert "autoescape false" not in text, template.name


@pytest.mark.parametrize(("url", "linked"), [
    ("https://example.org/a", True), ("http://example.org", True), ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("java\nscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("//example.org/x", False), ("https:evil", False),
    ("vbscript:msgbox", False), ("", False), (None, False),
])
def test_only_http_urls_become_links(url: str | None, linked: bool) -> None:
    assert (http_url(url) is not None) is linked


def test_dates_read_at_their_precision() -> None:
    assert [human_date(v) for v in ("2024", "2024-05", "2024-05-25", "2024-05-25T10:00:00+00:00", None, "soon")] == [
        "2024", "May 2024", "25 May 2024", "25 May 2024, 10:00", "undated", "soon"]
