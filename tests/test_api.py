"""The REST API: endpoints, filters, pagination, equality with the CLI's JSON, the admin ingest, and load."""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire import views
from babelwire.api import CONTENT_SECURITY_POLICY
from babelwire.cli import app as cli
from babelwire.encoders import HashingEncoder
from babelwire.tracker import Tracker
from babelwire.types import Story
from story_corpus import HASHING_SETTINGS, article, build_store, corpus, make_app, running_server

TOKEN = "s3cret-admin-token"


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("api") / "corpus.db", corpus())


@pytest.fixture(scope="module")
def client(corpus_db: str) -> TestClient:
    with TestClient(make_app(corpus_db)) as test_client:
        yield test_client


@pytest.fixture
def admin_client(tmp_path: Path) -> TestClient:
    """An app with the admin token on a store of its own, which the test may change."""
    db = build_store(tmp_path / "admin.db", corpus()[:3])
    with TestClient(make_app(db, admin_token=TOKEN)) as test_client:
        yield test_client


def titles(response: httpx2.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [story["title"] for story in response.json()]


# --- reads ------------------------------------------------------------------------------------


def test_stories_are_the_same_as_the_cli_json(client: TestClient, corpus_db: str, monkeypatch) -> None:
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    result = CliRunner().invoke(cli, ["stories", "--db", corpus_db, "--json"])
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.stdout)
    response = client.get("/api/stories")
    assert response.json() == from_cli
    assert len(from_cli) == 4 and response.headers["x-total-count"] == "4"
    first = from_cli[0]
    assert set(first) == {"id", "title", "languages", "language_counts", "article_count", "copy_count",
                          "outlet_count", "first_seen", "last_seen", "span_inferred", "articles"}


def test_story_is_the_cli_story_json_plus_timeline(client: TestClient, corpus_db: str, monkeypatch) -> None:
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    flood = next(s for s in client.get("/api/stories").json() if s["title"] == "Inundaciones en Rivamonte")
    from_cli = json.loads(CliRunner().invoke(cli, ["story", str(flood["id"]), "--db", corpus_db, "--json"]).stdout)
    story = client.get(f"/api/stories/{flood['id']}").json()
    assert {key: value for key, value in story.items() if key != "timeline"} == from_cli
    assert all("shared" in a and "unique" in a for a in story["articles"])
    assert [a["published"] for a in story["timeline"]] == ["2024-04-10", "2024-04-11", "2024-04-12", None]
    assert story["timeline"][0] == {key: story["articles"][0][key] for key in story["timeline"][0]}


def test_timeline_orders_by_publication_instant_across_time_zones() -> None:
    late = article("Late", "The later of two reports on one event.", "en", "2024-05-25T23:30:00-05:00",
                   article_id="late")
    early = article("Early", "The earlier of two reports on one event.", "de", "2024-05-26T01:00:00+00:00",
                    article_id="early")
    undated = article("Undated", "A report on the event without any date.", "fr", article_id="undated")
    story = Story(1, "Two reports", early.ingested_at, early.ingested_at)
    page = views.story_page(story, [undated, late, early])
    assert [a["id"] for a in page["timeline"]] == ["early", "late", "undated"]


def test_language_filter(client: TestClient) -> None:
    assert titles(client.get("/api/stories", params={"language": "pl"})) == ["Referendum w Wierzbowie"]
    assert titles(client.get("/api/stories", params={"language": "EN"})) == [
        "Inundaciones en Rivamonte", "Varnaholm bridge collapses into the river"]
    assert titles(client.get("/api/stories", params={"language": "ja"})) == []


def test_date_range_keeps_stories_whose_span_overlaps(client: TestClient) -> None:
    march = titles(client.get("/api/stories", params={"from": "2024-03-06", "to": "2024-03-31"}))
    assert march == ["Varnaholm bridge collapses into the river"]
    # the vote story's span starts with an article dated only to May 2024, which overlaps 1 to 10 May;
    # the flood story (10-12 April) has an undated article too, which does not stretch its span to today
    early_may = titles(client.get("/api/stories", params={"from": "2024-05-01", "to": "2024-05-10"}))
    assert early_may == ["Referendum w Wierzbowie"]
    before = titles(client.get("/api/stories", params={"to": "2024-02-15"}))
    assert before == ["Stormen Greta drog in över Gotland"]
    assert client.get("/api/stories", params={"from": "2024-13-01"}).status_code == 422


def test_entity_matches_names_in_titles_and_texts(client: TestClient) -> None:
    assert titles(client.get("/api/stories", params={"entity": "tarrasco-bellini"})) == ["Inundaciones en Rivamonte"]
    assert titles(client.get("/api/stories", params={"entity": "Gotland"})) == ["Stormen Greta drog in över Gotland"]
    assert titles(client.get("/api/stories", params={"entity": "58,4 %"})) == ["Referendum w Wierzbowie"]
    assert titles(client.get("/api/stories", params={"entity": "100%_"})) == []  # LIKE wildcards are literal


def test_text_query_puts_the_matching_story_first(client: TestClient) -> None:
    found = titles(client.get("/api/stories", params={"q": "Varnaholm bridge"}))
    assert found[0] == "Varnaholm bridge collapses into the river"
    only_polish = titles(client.get("/api/stories", params={"q": "Varnaholm bridge", "language": "pl"}))
    assert "Varnaholm bridge collapses into the river" not in only_polish


def test_pagination(client: TestClient) -> None:
    everything = titles(client.get("/api/stories"))
    pages = [client.get("/api/stories", params={"limit": 3, "offset": offset}) for offset in (0, 3)]
    assert [title for page in pages for title in titles(page)] == everything
    assert all(page.headers["x-total-count"] == "4" for page in pages)
    assert titles(client.get("/api/stories", params={"offset": 10})) == []
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422
    assert client.get("/api/stories", params={"limit": 100_000}).status_code == 422


def test_article_search_compare_and_languages(client: TestClient) -> None:
    bridge = client.get("/api/articles/wire/bridge-1")  # an id with a slash
    assert bridge.status_code == 200
    assert bridge.json()["title"] == "Varnaholm bridge collapses into the river"
    assert bridge.json()["text"].startswith("The old M-17 bridge")
    hits = client.get("/api/search", params={"q": "Varnaholm M-17 bridge", "limit": 3}).json()
    assert len(hits) == 3 and hits[0]["article_id"] == "wire/bridge-1"
    assert set(hits[0]) == {"article_id", "score", "title", "language", "story_id", "published", "source"}
    other = hits[1]["article_id"]
    pair = client.get("/api/compare", params={"a": "wire/bridge-1", "b": other})
    assert pair.status_code == 200 and pair.json()["first"] == "wire/bridge-1" and 0 <= pair.json()["score"] <= 1
    assert client.get("/api/languages").json()["en"] == 3


def test_missing_things_are_404(client: TestClient) -> None:
    assert client.get("/api/stories/999").status_code == 404
    assert client.get("/api/articles/nope").json() == {"detail": "no article nope"}
    assert client.get("/api/compare", params={"a": "wire/bridge-1", "b": "nope"}).status_code == 404
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/search").status_code == 422


def test_oversized_queries_and_offsets_are_422_not_500(client: TestClient) -> None:
    """A 15 KB search held the shared lock for 11 s; an 1,100-word river query and an offset past SQLite's
    integers were 500s. Each is now refused before any work (issue 16)."""
    long_query = "word " * 1100
    for path, params in [("/api/search", {"q": long_query}), ("/api/stories", {"q": long_query}),
                         ("/api/stories", {"entity": long_query}), ("/", {"q": long_query}),
                         ("/", {"offset": "9223372036854775808"}), ("/api/stories", {"offset": "9223372036854775808"})]:
        response = client.get(path, params=params)  # the HTML pages answer a bad request with their 400 page
        assert response.status_code == (400 if path == "/" else 422), (path, response.status_code)
    assert client.get("/api/search", params={"q": "earthquake"}).status_code == 200


def test_openapi_and_security_headers(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/compare"} <= set(paths)
    assert "post" not in paths.get("/api/articles", {})
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"


def test_search_sees_what_another_process_wrote(client: TestClient, tmp_path: Path) -> None:
    db = build_store(tmp_path / "shared.db", corpus()[:2])
    with TestClient(make_app(db)) as reader:
        assert all(hit["title"] != "Quellmoor" for hit in reader.get("/api/search", params={"q": "Quellmoor"}).json())
        with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as writer:  # like `babelwire ingest`
            writer.add([article("Quellmoor", "Quellmoor dam Quellmoor dam opens after twelve years.", "en")])
        assert reader.get("/api/search", params={"q": "Quellmoor"}).json()[0]["title"] == "Quellmoor"


# --- admin ingest -----------------------------------------------------------------------------------


def test_ingest_is_absent_without_an_admin_token(client: TestClient) -> None:
    response = client.post("/api/articles", json=[{"text": "Some article text that is long enough."}],
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code in (404, 405)


def test_ingest_needs_the_token(admin_client: TestClient) -> None:
    record = [{"text": "A perfectly good article text, long enough to store."}]
    assert admin_client.post("/api/articles", json=record).status_code == 401
    wrong = admin_client.post("/api/articles", json=record, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert admin_client.get("/api/stories").headers["x-total-count"] == "1"


def test_ingest_json_and_json_lines(admin_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    records = [
        {"title": "Storm Greta reaches Gotland", "text": "Storm Greta felled thousands of trees on Gotland overnight.",
         "language": "en", "published": "2024-02-01", "source": "Wire", "url": "https://example.org/greta"},
        {"title": "no text"},
        {"text": "Bad date but otherwise a fine article text.", "published": "not a date"},
    ]
    response = admin_client.post("/api/articles", json=records, headers=auth)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["added"] == 1 and summary["new_stories"] == 1
    assert [problem["input"] for problem in summary["problems"]] == ["request:2", "request:3"]
    lines = "\n".join(json.dumps(record) for record in [
        {"text": "Das Wasser der Piave stieg über Nacht um zwei Meter.", "language": "de", "id": "line-1"},
        records[0],
    ]) + "\n{broken"
    response = admin_client.post("/api/articles", content=lines.encode(),
                                 headers={**auth, "Content-Type": "application/x-ndjson"})
    summary = response.json()
    assert summary["added"] == 1 and summary["duplicates"] == 1
    assert summary["problems"][0]["input"] == "request:3"
    assert admin_client.get("/api/articles/line-1").json()["language"] == "de"
    assert admin_client.post("/api/articles", content=b"{not json", headers=auth).status_code == 400


def test_ingest_body_size_limit(admin_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    huge = json.dumps([{"text": "x" * (1024 * 1024)}])
    assert admin_client.post("/api/articles", content=huge, headers=auth).status_code == 413
    assert admin_client.get("/api/stories").headers["x-total-count"] == "1"


# --- load -------------------------------------------------------------------------------------------


def test_concurrent_reads_while_ingesting(tmp_path: Path) -> None:
    """100 concurrent GETs against the live server while 200 articles are ingested through the API."""
    db = build_store(tmp_path / "load.db", corpus())
    batches = [
        [{"title": f"Bulletin {n}", "language": "en", "published": f"2024-07-{1 + n % 28:02d}",
          "text": f"Bulletin number {n}: the council of town {n * 7919 % 1000} met about road {n}."}
         for n in range(start, start + 20)]
        for start in range(0, 200, 20)
    ]
    paths = ["/api/stories?limit=20", "/api/stories/1", "/", "/stories/2", "/api/search?q=bridge",
             "/api/stories?q=Rivamonte", "/entities/Varnaholm", "/api/articles/wire/bridge-1"]
    with running_server(make_app(db, admin_token=TOKEN)) as base, httpx2.Client(
        base_url=base, timeout=60, limits=httpx2.Limits(max_connections=100)
    ) as http:
        ingest_results: list[dict] = []

        def ingest() -> None:
            for batch in batches:
                response = http.post("/api/articles", json=batch, headers={"Authorization": f"Bearer {TOKEN}"})
                response.raise_for_status()
                ingest_results.append(response.json())

        def timed_get(path: str) -> tuple[int, float]:
            start = time.perf_counter()
            response = http.get(path)
            return response.status_code, time.perf_counter() - start

        writer = threading.Thread(target=ingest)
        writer.start()
        with ThreadPoolExecutor(max_workers=100) as pool:
            results = list(pool.map(timed_get, [paths[n % len(paths)] for n in range(100)]))
        writer.join(timeout=120)
        assert not writer.is_alive()
        final = http.get("/api/stories?limit=1").headers["x-total-count"]
    statuses = [status for status, _ in results]
    latencies = sorted(seconds for _, seconds in results)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"\n100 concurrent GETs during an ingest of 200 articles: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    assert statuses == [200] * 100
    assert sum(result["added"] for result in ingest_results) == 200
    assert int(final) >= 5


# --- export and friction ------------------------------------------------------------------------------


def test_export_endpoint_serves_each_table_in_each_format(client: TestClient) -> None:
    import io

    import pyarrow.parquet as pq

    from babelwire.export import COLUMNS

    lines = client.get("/api/export/stories")
    assert lines.status_code == 200 and lines.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in lines.text.splitlines()]
    assert len(rows) == 4 and list(rows[0]) == [name for name, _ in COLUMNS["stories"]]
    table = client.get("/api/export/articles", params={"format": "csv"})
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert 'filename="babelwire-articles.csv"' in table.headers["content-disposition"]
    assert table.text.splitlines()[0] == ",".join(name for name, _ in COLUMNS["articles"])
    parquet = client.get("/api/export/stories", params={"format": "parquet"})
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    assert pq.read_table(io.BytesIO(parquet.content)).to_pylist() == rows
    assert client.get("/api/export/people").status_code == 404
    bad = client.get("/api/export/stories", params={"format": "xlsx"})
    assert bad.status_code == 422 and "xlsx" in bad.text


def test_language_filter_takes_names_and_rejects_unknown_ones(client: TestClient) -> None:
    english = titles(client.get("/api/stories", params={"language": "en"}))
    assert english and titles(client.get("/api/stories", params={"language": "English"})) == english
    unknown = client.get("/api/stories", params={"language": "klingon"})
    assert unknown.status_code == 422 and "klingon" in unknown.text


def test_search_min_score(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Varnaholm M-17 bridge", "min_score": 0.0}).json()
    assert hits
    assert client.get("/api/search", params={"q": "Varnaholm M-17 bridge", "min_score": 0.99}).json() == []
    assert client.get("/api/search", params={"q": "x", "min_score": 2}).status_code == 422


def test_head_host_check_and_headers_on_errors(corpus_db: str, monkeypatch) -> None:
    """HEAD answers like GET without a body; a server bound to 127.0.0.1 refuses another Host (DNS
    rebinding); a 500 carries the security headers too (issue 16)."""
    from babelwire.api import local_host_names

    app = make_app(corpus_db, allowed_hosts=local_host_names("127.0.0.1"))
    local = TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)
    head = local.head("/api/languages")
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"] == "application/json"
    assert local.head("/").status_code == 200
    rebound = TestClient(app, base_url="http://attacker.example:8000").get("/api/languages")
    assert rebound.status_code == 400 and rebound.headers["x-content-type-options"] == "nosniff"
    assert local_host_names("0.0.0.0") == ["*"]

    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.state.catalog, "languages", broken)
    failed = local.get("/api/languages")
    assert failed.status_code == 500 and "disk on fire" not in failed.text
    assert failed.headers["x-frame-options"] == "DENY" and "content-security-policy" in failed.headers
