"""Fuzzing with hypothesis: every reader and the REST API take junk without crashing, name it, and store none of it.

Readers: random bytes and structured junk (text headers, JSON lines with wrong types, feeds with random
fields, HTML fragments, WARC records with random headers) go through ``read_inputs`` and a tracker's
ingest; every problem names the input, and the store grows by what the report says was added, never
by more than was read. API: random query parameters and POST bodies never give a 500, every error is
JSON with a message, and a rejected POST stores nothing.

Each example is small and the encoder is the model-free hashing one, so the file runs in seconds;
``BABELWIRE_FUZZ_SCALE=20`` runs twenty times as many examples, for a deeper search.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from babelwire.encoders import HashingEncoder
from babelwire.readers import read_inputs
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, IngestProblem
from samples import ARTICLE_DE, ARTICLE_EN
from story_corpus import HASHING_SETTINGS, build_store, corpus, make_app

READ_SETTINGS = Settings()
SCALE = int(os.environ.get("BABELWIRE_FUZZ_SCALE", "1"))
TOKEN = "fuzz-admin-token"


def fuzz_settings(examples: int) -> settings:
    """Few, small examples; no example database, so a run neither saves nor replays failures."""
    return settings(
        max_examples=examples * SCALE, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- strategies: values -----------------------------------------------------------------------

#: values that broke or could break parsers: lone surrogates, calendar ends with offsets, control characters
NASTY = [
    "", " ", "\x00", "\ud800", "\udfff x", "\u202e", "e\u0301", "\r\n", "\x1b[31m", "日本語のテキスト", "NaN", "-1",
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-14:00", "2024-13-45", "2024-02-30", "0000-00-00", "1e999",
    "&#55296;", "&#0;", "<![CDATA[", "]]>", "<script>alert(1)</script>", "%00", "../../etc/passwd", "x" * 300,
]
nasty = st.sampled_from(NASTY)
plain_text = st.text(max_size=40)  # hypothesis leaves out surrogates: these can go into URLs
words = st.sampled_from([ARTICLE_EN, ARTICLE_DE, "Kort nyhet om vädret i dag.", "Новости дня: погода.", "天气新闻。"])
strings = st.one_of(plain_text, nasty, words)
date_strings = st.one_of(
    nasty,
    st.dates().map(date.isoformat),
    st.builds(lambda moment, zone: moment.isoformat() + zone, st.datetimes(),
              st.sampled_from(["", "Z", "+05:00", "-14:00", "+23:59", "+99:99"])),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | strings,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(plain_text, children, max_size=3),
    max_leaves=8,
)
FIELDS = ["text", "title", "url", "source", "published", "language", "id"]
records = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS) | plain_text, json_values | strings | date_strings, max_size=8),
    st.fixed_dictionaries(
        {"text": words | strings},
        optional={"title": strings, "url": strings, "source": strings, "published": date_strings,
                  "language": st.sampled_from(["en", "de", "sv", "zz", "EN", "", "x" * 40]) | strings,
                  "id": strings},
    ),
)
#: JSON that the json module itself cannot take: too many digits, too deep
JSON_BOMBS = [
    '{"text": "A text long enough to be an article.", "n": ' + "1" * 5000 + "}",
    "[" * 5000 + "]" * 5000,
    '{"text": ' * 3000 + '"x"' + "}" * 3000,
    '{"text": "Lone surrogate \\ud800 in an otherwise fine article text."}',
]


def encode(text: str, encoding: str) -> bytes:
    """Text as bytes; lone surrogates become invalid UTF-8 rather than an error."""
    return text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace")


encodings = st.sampled_from(["utf-8", "utf-8", "utf-16", "cp1252", "cp1251"])


# --- strategies: files ------------------------------------------------------------------------


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    """Header lines with random keys and values, then a body."""
    keys = st.sampled_from(["date", "title", "source", "url", "language", "lang", "Date:", "TITLE =", "date"])
    headers = draw(st.lists(st.tuples(keys, date_strings | strings), max_size=5))
    lines = [f"{key} {value}" for key, value in headers]
    body = draw(st.lists(strings, max_size=4))
    content = "\n".join(lines) + draw(st.sampled_from(["\n\n", "\n", " "])) + "\n\n".join(body)
    return encode(content, draw(encodings))


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    """JSON lines of records with wrong types, other JSON, junk bytes and JSON that cannot be decoded."""
    line = st.one_of(
        records.map(json.dumps),
        json_values.map(json.dumps),
        st.sampled_from(JSON_BOMBS),
        st.binary(max_size=40).map(lambda raw: raw.replace(b"\n", b" ").decode("latin-1")),
    )
    lines = draw(st.lists(line, min_size=1, max_size=6))
    return encode(draw(st.sampled_from(["\n", "\r\n"])).join(lines), "utf-8")


def char_ref(number: int) -> str:
    return f"&#{number};"


feed_values = st.one_of(
    strings.map(escape),  # well-formed
    strings,  # raw: may break the XML
    st.integers(0, 0x11FFFF).map(char_ref) | st.sampled_from([0, 8, 55296, 57343, 65534, 0x110000]).map(char_ref),
)
rfc822_dates = st.builds(
    "{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} {}".format,
    st.sampled_from(["Mon", "Tue", "Xyz"]), st.integers(0, 40), st.sampled_from(["Jan", "Feb", "Foo"]),
    st.integers(0, 99999), st.integers(0, 30), st.integers(0, 70), st.integers(0, 70),
    st.sampled_from(["GMT", "+0000", "-1200", "+1400", "EST", "XYZ"]),
)


@st.composite
def feed_files(draw: st.DrawFn) -> bytes:
    """RSS or Atom with random titles, links, dates and contents."""
    atom = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        title, link, text = draw(feed_values), draw(feed_values), draw(feed_values | words.map(escape))
        when = draw(rfc822_dates | date_strings.map(escape))
        if atom:
            entries.append(f'<entry><title>{title}</title><link href="{link}"/><updated>{when}</updated>'
                           f'<content type="html">{text}</content></entry>')
        else:
            entries.append(f"<item><title>{title}</title><link>{link}</link><pubDate>{when}</pubDate>"
                           f"<description>{text}</description></item>")
    name = draw(feed_values)
    if atom:
        xml = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>{"".join(entries)}</feed>'
    else:
        xml = f'<rss version="2.0"><channel><title>{name}</title>{"".join(entries)}</channel></rss>'
    cut = draw(st.integers(0, len(xml)))
    if draw(st.booleans()):
        xml = xml[:cut]  # truncated
    return encode('<?xml version="1.0" encoding="utf-8"?>' + xml, draw(st.sampled_from(["utf-8", "utf-16"])))


TAGS = ["p", "div", "article", "h1", "title", "meta", "script", "style", "span", "a", "br", "time", "html", "body",
        "head", "table", "td", "main", "!--", "![CDATA["]
ATTRIBUTES = ["property", "content", "name", "itemprop", "datetime", "charset", "href", "class", "http-equiv"]


@st.composite
def html_fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 3 if depth < 3 else 1))
        if kind == 0:
            parts.append(escape(draw(strings)) if draw(st.booleans()) else draw(strings))
        elif kind == 1:
            parts.append(f"<p>{escape(draw(words))}</p>")
        else:
            tag = draw(st.sampled_from(TAGS))
            attributes = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), date_strings | strings), max_size=3))
            rendered = "".join(f' {key}="{escape(value, {chr(34): "&quot;"})}"' for key, value in attributes)
            inner = draw(html_fragments(depth + 1))
            closing = f"</{tag}>" if draw(st.booleans()) else ""
            parts.append(f"<{tag}{rendered}>{inner}{closing}")
    return "".join(parts)


@st.composite
def html_files(draw: st.DrawFn) -> bytes:
    head = draw(st.sampled_from(["", "<!DOCTYPE html>", "<html><head>", '<meta charset="cp1251">']))
    meta = draw(st.sampled_from(["", '<meta property="article:published_time" content="{}">']))
    page = head + meta.format(escape(draw(date_strings))) + draw(html_fragments())
    return encode(page, draw(encodings))


def chunked(body: bytes, sizes: list[int]) -> bytes:
    out, rest = b"", body
    for size in sizes:
        out += f"{size:x}\r\n".encode() + rest[:size] + b"\r\n"
        rest = rest[size:]
    return out + f"{len(rest):x}\r\n".encode() + rest + b"\r\n0\r\n\r\n"


@st.composite
def warc_records(draw: st.DrawFn) -> bytes:
    """One WARC record with random header values, HTTP headers and body (or, one time in three, a good page)."""
    if draw(st.integers(0, 2)) == 0:
        page = f"<html><body><article><p>{escape(draw(words))}</p></article></body></html>".encode()
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
        return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/{draw(st.integers())}\r\n"
                f"Content-Length: {len(block)}\r\n\r\n").encode() + block + b"\r\n\r\n"
    body = draw(st.one_of(html_files(), st.binary(max_size=200), words.map(lambda text: f"<p>{text}</p>".encode())))
    media_types = ["text/html", "text/html; charset=koi8-r", "image/jpeg", "application/pdf", "", "text/plain", "HTML"]
    http_headers = [f"Content-Type: {draw(st.sampled_from(media_types))}"]
    encoding = draw(st.sampled_from(["", "gzip", "chunked", "chunked-broken", "gzip-broken"]))
    if encoding.startswith("gzip"):
        body = gzip.compress(body)[: None if encoding == "gzip" else 15]
        http_headers.append("Content-Encoding: gzip")
    elif encoding.startswith("chunked"):
        sizes = draw(st.lists(st.integers(0, 50), max_size=3))
        body = chunked(body, sizes)[: None if encoding == "chunked" else len(body) // 2]
        http_headers.append("Transfer-Encoding: chunked")
    status = draw(st.sampled_from(["HTTP/1.1 200 OK", "HTTP/1.0 404 Not Found", "HTTP/1.1 abc", "", "200 OK"])
                  | plain_text.map(lambda text: text.replace("\n", " ")))
    block = (status + "\r\n" + "\r\n".join(http_headers) + "\r\n\r\n").encode("utf-8", "replace") + body
    declared = draw(st.sampled_from([len(block)] * 4 + [len(block) - 5, len(block) + 7, -1, 10**12, "abc", None]))
    warc_headers = {
        "WARC-Type": draw(st.sampled_from(["response"] * 4 + ["request", "warcinfo", "metadata", "revisit", "x"])),
        "WARC-Target-URI": draw(st.sampled_from(["https://example.org/a", "", "<https://example.org/b>",
                                                 "https://example.org/with space", "dns:example.org"]) | plain_text),
        "WARC-Date": draw(date_strings),
        "Content-Type": "application/http; msgtype=response",
        "WARC-Truncated": draw(st.sampled_from([None, None, None, "length", ""])),
        "Content-Length": declared,
    }
    lines = [f"{key}: {value}" for key, value in warc_headers.items()
             if value is not None and not (key == "WARC-Target-URI" and not value and draw(st.booleans()))]
    version = draw(st.sampled_from(["WARC/1.0", "WARC/1.0", "WARC/1.1", "WARC/0.9", "warc/1.0"]))
    head = (version + "\r\n" + "\r\n".join(line.replace("\n", " ") for line in lines) + "\r\n\r\n")
    return head.encode("utf-8", "surrogatepass") + block + b"\r\n\r\n"


@st.composite
def warc_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A few records, gzipped per record or plain, sometimes damaged: cut, overwritten or with bytes put in."""
    members = draw(st.lists(warc_records(), min_size=1, max_size=4))
    gzipped = draw(st.booleans())
    data = b"".join(gzip.compress(member) if gzipped else member for member in members)
    damage = draw(st.sampled_from(["none", "none", "cut", "overwrite", "insert"]))
    at = draw(st.integers(0, len(data)))
    junk = draw(st.binary(min_size=1, max_size=30))
    if damage == "cut":
        data = data[:at]
    elif damage == "overwrite":
        data = data[:at] + junk + data[at + len(junk):]
    elif damage == "insert":
        data = data[:at] + junk + data[at:]
    return data, ".warc.gz" if gzipped else ".warc"


# --- readers ----------------------------------------------------------------------------------

_names = itertools.count()


def write_input(directory: Path, data: bytes, suffix: str) -> Path:
    path = directory / f"fuzz-{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def assert_named(problems: list[IngestProblem], path: Path) -> None:
    for problem in problems:
        assert str(path) in problem.origin, problem
        assert problem.reason.strip(), problem


def check_input(tracker: Tracker, path: Path) -> None:
    """Read and ingest one input: no exception, problems name it, the store grows only by what was added."""
    results = list(read_inputs([path], READ_SETTINGS))
    articles = [item for item in results if isinstance(item, Article)]
    problems = [item for item in results if isinstance(item, IngestProblem)]
    assert len(articles) + len(problems) == len(results)
    assert_named(problems, path)
    before = tracker.store.count_articles()
    report = tracker.ingest([path])
    assert_named(report.problems, path)
    stored = tracker.store.count_articles() - before
    assert stored == report.added + report.copies <= len(articles)
    if not articles:  # a rejected input
        assert stored == 0 and report.problems


FILES: dict[str, tuple[st.SearchStrategy[bytes], list[str]]] = {
    "text": (text_files(), [".txt", ""]),
    "jsonl": (jsonl_files(), [".jsonl"]),
    "feed": (feed_files(), [".rss", ".atom", ".xml"]),
    "html": (html_files(), [".html"]),
}


@pytest.mark.parametrize("kind", sorted(FILES))
def test_structured_junk_through_each_reader(kind: str, tmp_path: Path, hashing_tracker: Tracker) -> None:
    files, suffixes = FILES[kind]

    @fuzz_settings(examples=50)
    @given(data=files, suffix=st.sampled_from(suffixes))
    def run(data: bytes, suffix: str) -> None:
        check_input(hashing_tracker, write_input(tmp_path, data, suffix))

    run()


@fuzz_settings(examples=80)
@given(file=warc_files())
def test_structured_junk_warc(file: tuple[bytes, str], tmp_path: Path, hashing_tracker: Tracker) -> None:
    data, suffix = file
    check_input(hashing_tracker, write_input(tmp_path, data, suffix))


@fuzz_settings(examples=80)
@given(data=st.binary(max_size=3000),
       suffix=st.sampled_from(["", ".txt", ".jsonl", ".rss", ".xml", ".html", ".warc", ".warc.gz", ".gz"]),
       prefix=st.sampled_from([b"", b"WARC/1.0\r\n", b"\x1f\x8b\x08", b"<rss>", b"<html>", b'{"text": "', b"date "]))
def test_random_bytes_through_every_reader(data: bytes, suffix: str, prefix: bytes, tmp_path: Path,
                                           hashing_tracker: Tracker) -> None:
    check_input(hashing_tracker, write_input(tmp_path, prefix + data, suffix))


#: inputs fuzzing found that crashed a reader, with what each now reports
REGRESSIONS = {
    "digits.jsonl": (JSON_BOMBS[0].encode(), "line is JSON that cannot be read (Exceeds the limit (4300 digits)"),
    "deep.jsonl": (JSON_BOMBS[1].encode(), "line is JSON nested too deeply"),
    "surrogate.jsonl": (JSON_BOMBS[3].encode(), "'text' is not valid Unicode"),
    "offset-date.jsonl": (b'{"text": "Some article text.", "published": "0001-01-01T00:00:00+05:00"}', "not a date"),
    "empty.jsonl": (b"\n\n", "empty input"),
    "offset-date.txt": (b"date 9999-12-31T23:59:59-14:00\n\nSome article text.", "is not a date"),
    "surrogate.rss": (b'<rss version="2.0"><channel><item><title>&#55296;</title></item></channel></rss>',
                      "malformed feed (UnicodeEncodeError"),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_inputs_that_crashed_a_reader(name: str, tmp_path: Path, hashing_tracker: Tracker) -> None:
    data, expected = REGRESSIONS[name]
    path = tmp_path / name
    path.write_bytes(data)
    (problem,) = read_inputs([path], READ_SETTINGS)
    assert isinstance(problem, IngestProblem) and expected in problem.reason, problem
    check_input(hashing_tracker, path)


def test_a_feed_date_before_year_one_is_no_date(tmp_path: Path) -> None:
    path = tmp_path / "zero.rss"
    path.write_text('<rss version="2.0"><channel><item><title>Zero</title><pubDate>0000-00-00</pubDate>'
                    "<description>An entry with an impossible date.</description></item></channel></rss>")
    (article,) = read_inputs([path], READ_SETTINGS)
    assert isinstance(article, Article) and article.title == "Zero" and article.published is None


@pytest.mark.parametrize("kind", [*sorted(FILES), "warc"])
def test_the_fuzzers_also_make_articles(kind: str, tmp_path: Path) -> None:
    """Not all is junk: each file strategy also makes inputs that give articles, or the checks above prove little."""
    files = warc_files() if kind == "warc" else FILES[kind][0].map(lambda data: (data, FILES[kind][1][0]))

    def gives_articles(file: tuple[bytes, str]) -> bool:
        path = write_input(tmp_path, *file)
        return any(isinstance(item, Article) for item in read_inputs([path], READ_SETTINGS))

    # the first one found will do: shrinking it would read hundreds more inputs for nothing
    data, _ = find(files, gives_articles, settings=settings(fuzz_settings(examples=300), phases=[Phase.generate]))
    assert data


# --- the REST API -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("fuzz-api") / "api.db", corpus()[:4])


@pytest.fixture(scope="module")
def api(api_db: str) -> TestClient:
    with TestClient(make_app(api_db, admin_token=TOKEN), raise_server_exceptions=False) as client:
        yield client


def article_count(db: str) -> int:
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        return tracker.store.count_articles()


def assert_json_answer(response: Any) -> Any:
    """No server error; the body is JSON, and an error says what is wrong in ``detail``."""
    assert response.status_code < 500, (response.request.url, response.text[:500])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    if response.status_code >= 400:
        detail = body["detail"]
        assert detail, body
        if isinstance(detail, list):  # validation errors: one message per bad parameter
            assert all(item["msg"] and item["loc"] for item in detail), body
    return body


url_nasty = nasty.filter(lambda text: not any(0xD800 <= ord(char) < 0xE000 for char in text))  # URLs are UTF-8
numbers = st.one_of(st.integers(-5, 600), st.integers(), st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**30]))
parameter_values = st.one_of(plain_text, numbers.map(str), st.dates().map(str), url_nasty)
STORY_PARAMETERS = ["language", "from", "to", "entity", "q", "limit", "offset", "ids", "lang"]


@fuzz_settings(examples=100)
@given(
    path=st.sampled_from(["/api/stories", "/api/search", "/api/compare", "/api/languages", "/api/articles"]),
    params=st.dictionaries(st.sampled_from([*STORY_PARAMETERS, "a", "b"]) | plain_text, parameter_values, max_size=5),
    item=st.one_of(numbers.map(str), plain_text, url_nasty),
)
def test_api_reads_never_fail(api: TestClient, path: str, params: dict[str, str], item: str) -> None:
    assert_json_answer(api.get(path, params=params))
    if path in ("/api/stories", "/api/articles"):
        assert_json_answer(api.get(f"{path}/{quote(item, safe='')}", params=params))


def test_api_answers_that_were_server_errors(api: TestClient) -> None:
    assert api.get("/api/stories/99999999999999999999").json() == {"detail": "no story 99999999999999999999"}
    too_far = api.get("/api/stories", params={"offset": 2**63})
    assert too_far.status_code == 422 and "less than or equal" in too_far.json()["detail"][0]["msg"]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for body, detail in [(JSON_BOMBS[0], "the body is JSON that cannot be read"),
                         (JSON_BOMBS[1], "the body is JSON nested too deeply")]:
        response = api.post("/api/articles", content=body, headers=auth)
        assert response.status_code == 400 and response.json()["detail"].startswith(detail)
    empty = api.post("/api/articles", content=b"", headers={**auth, "Content-Type": "application/x-ndjson"})
    assert empty.status_code == 400 and empty.json() == {"detail": "the body holds no JSON lines (empty input)"}
    surrogate = api.post("/api/articles", content=JSON_BOMBS[3], headers=auth).json()
    assert surrogate["added"] == 0 and "not valid Unicode" in surrogate["problems"][0]["reason"]


bodies = st.one_of(
    st.lists(records, max_size=4).map(json.dumps),
    records.map(json.dumps),
    json_values.map(json.dumps),
    st.lists(records, max_size=4).map(lambda items: "\n".join(json.dumps(item) for item in items)),
    st.sampled_from(JSON_BOMBS),
    plain_text,
)


@fuzz_settings(examples=100)
@given(
    body=st.one_of(bodies.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=300)),
    content_type=st.sampled_from(["application/json", "application/x-ndjson", "application/jsonl; charset=utf-8",
                                  "text/plain", "", "multipart/form-data"]),
    token=st.sampled_from([TOKEN, TOKEN, TOKEN, "", "wrong"]),
)
def test_api_ingest_rejects_junk_and_stores_only_what_it_reports(
    api: TestClient, api_db: str, body: bytes, content_type: str, token: str
) -> None:
    before = article_count(api_db)
    headers = {"Content-Type": content_type} if content_type else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    summary = assert_json_answer(api.post("/api/articles", content=body, headers=headers))
    stored = article_count(api_db) - before
    if isinstance(summary, dict) and "added" in summary:
        assert stored == summary["added"] + summary["copies"], f"the store grew by {stored}; the reply: {summary}"
        assert all(problem["input"].startswith("request:") and problem["reason"] for problem in summary["problems"])
    else:  # rejected: bad token, body not JSON
        assert stored == 0
