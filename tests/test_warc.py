"""WARC ingest (CC-NEWS style): HTML responses become articles; everything else is skipped with a count and a reason."""

from __future__ import annotations

import gzip
import io
import itertools
import threading
import uuid
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from babelwire.readers import Source, pick_reader, read_inputs
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, IngestProblem
from samples import ARTICLE_DE, ARTICLE_EN

SETTINGS = Settings()

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title} | Wire</title>{meta}
<meta property="og:site_name" content="{site}"></head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1><p>{p1}</p><p>{p2}</p></article>
<footer>Contact us</footer></body></html>"""

EN_2 = (
    "The city council approved a new budget on Monday after a long debate about public transport. "
    "Several members said the plan to extend the tram line was too expensive for the coming year."
)
DE_2 = (
    "Der Stadtrat hat am Montag nach einer langen Debatte über den Nahverkehr einen neuen Haushalt beschlossen. "
    "Mehrere Mitglieder hielten den Ausbau der Straßenbahn für das kommende Jahr für zu teuer."
)

#: (url, title, language, text, page date) of the HTML responses, in file order
PAGES = [
    ("https://example.org/en/flood", "Dam holds as delta floods", "en", ARTICLE_EN, "2026-02-03T08:00:00Z"),
    ("https://example.de/de/hochwasser", "Damm hält im Flussdelta", "de", ARTICLE_DE, None),
    ("https://example.org/en/budget", "Council approves budget", "en", EN_2, None),
    ("https://example.de/de/haushalt", "Stadtrat beschließt Haushalt", "de", DE_2, "2026-01-20"),
]
CRAWLED = "2026-02-05T10:00:00Z"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page_html(title: str, text: str, published: str | None, charset: str = "utf-8") -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    half = len(text) // 2
    cut = text.index(". ", half) + 1 if ". " in text[half:] else len(text)
    return PAGE.format(title=title, meta=meta, site="Example Wire", p1=text[:cut], p2=text[cut:], charset=charset)


class Warc:
    """A WARC file built record by record with warcio's writer."""

    def __init__(self, gzipped: bool = True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzipped)
        self.ids = itertools.count(1)  # fixed record ids: the same bytes on every run

    def warcinfo(self) -> Warc:
        self.writer.write_record(self.writer.create_warcinfo_record("test.warc", {"software": "babelwire tests"}))
        return self

    def response(self, url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK",
                 **warc_headers: str) -> Warc:
        http = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        headers = {"WARC-Date": CRAWLED, "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=next(self.ids))}>",
                   **{key.replace("_", "-"): value for key, value in warc_headers.items()}}
        record = self.writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                warc_headers_dict=headers)
        self.writer.write_record(record)
        return self

    def request(self, url: str) -> Warc:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(url, "request", http_headers=http))
        return self

    def raw(self, data: bytes) -> Warc:
        self.buffer.write(data)
        return self

    def offset(self) -> int:
        return self.buffer.tell()

    def data(self) -> bytes:
        return self.buffer.getvalue()


def news_warc(gzipped: bool = True) -> Warc:
    """A warcinfo, a request and the four pages, with a JPEG, a PDF, an error page, a truncated and an empty page."""
    warc = Warc(gzipped).warcinfo()
    for number, (url, title, _, text, published) in enumerate(PAGES):
        warc.request(url)
        warc.response(url, page_html(title, text, published).encode())
        if number == 1:
            warc.response("https://example.org/photo.jpg", JPEG, "image/jpeg")
            warc.response("https://example.org/report.pdf", PDF, "application/pdf")
            warc.response("https://example.org/gone", b"<html><body><p>Not found</p></body></html>",
                          status="404 Not Found")
        if number == 2:
            warc.response("https://example.org/long", page_html("Long", EN_2, None).encode(), WARC_Truncated="length")
            warc.response("https://example.org/empty", b"<html><body><div>&nbsp;</div></body></html>")
            warc.response("https://example.org/photo2.jpg", JPEG, "IMAGE/JPEG; q=1")
    return warc


def read_all(*paths: Path, settings: Settings = SETTINGS) -> tuple[list[Article], list[IngestProblem]]:
    results = list(read_inputs([str(path) for path in paths], settings))
    return [r for r in results if isinstance(r, Article)], [r for r in results if isinstance(r, IngestProblem)]


def reasons(problems: list[IngestProblem]) -> list[str]:
    return [problem.reason for problem in problems]


EXPECTED_SKIPS = [
    "skipped 3 records: not HTML (image/jpeg ×2, application/pdf ×1)",
    "skipped 1 record: not a successful HTTP response (status 404 ×1)",
    "skipped 1 record: truncated (WARC-Truncated: length ×1)",
    "skipped 1 record: no article in the HTML (no main text found in the HTML ×1)",
]


@pytest.mark.parametrize("name", ["news.warc.gz", "news.warc"])
def test_html_responses_become_articles_and_the_rest_is_counted(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(news_warc(gzipped=name.endswith(".gz")).data())
    articles, problems = read_all(path)
    assert [(a.title, a.url) for a in articles] == [(title, url) for url, title, *_ in PAGES]
    assert all(a.source == "Example Wire" for a in articles)
    assert "Floodwaters rose" in articles[0].text and "Home | World" not in articles[0].text
    assert reasons(problems) == EXPECTED_SKIPS
    assert {problem.origin for problem in problems} == {str(path)}


def test_dates_from_the_page_else_from_the_crawl(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    path.write_bytes(news_warc().data())
    articles, _ = read_all(path)
    dates = [(a.published.value[:10], a.published.source, a.published.reliable) for a in articles if a.published]
    assert dates == [
        ("2026-02-03", DateSource.HTML_META, True),
        ("2026-02-05", DateSource.CRAWL, False),  # no date in the page: when it was crawled, unreliable
        ("2026-02-05", DateSource.CRAWL, False),
        ("2026-01-20", DateSource.HTML_META, True),
    ]
    assert articles[1].published.value == "2026-02-05T10:00:00+00:00"


def test_origin_is_the_record_offset(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    path.write_bytes(news_warc().data())
    articles, _ = read_all(path)
    for article in articles:
        file_name, offset = article.origin.rsplit("@", 1)
        assert file_name == str(path)
        with path.open("rb") as handle:
            handle.seek(int(offset))
            record = next(iter(ArchiveIterator(handle)))
            assert (record.rec_type, record.rec_headers.get_header("WARC-Target-URI")) == ("response", article.url)


def test_charset_from_the_http_header(tmp_path: Path) -> None:
    url, title, _, text, _ = PAGES[1]
    html = page_html(title, text, None).replace('<meta charset="utf-8">', "")
    path = tmp_path / "latin.warc"
    path.write_bytes(Warc(False).response(url, html.encode("latin-1"), "text/html; charset=ISO-8859-1").data())
    (article,), problems = read_all(path)
    assert not problems
    assert article.title == "Damm hält im Flussdelta" and "Häuser" in article.text


def test_the_url_is_the_address_crawled(tmp_path: Path) -> None:
    url, title, _, text, _ = PAGES[0]
    html = page_html(title, text, None).replace("</head>", '<link rel="canonical" href="https://example.org/c"></head>')
    path = tmp_path / "canonical.warc"
    path.write_bytes(Warc(False).response(url + "?utm_source=feed", html.encode()).data())
    (article,), _ = read_all(path)
    assert article.url == url + "?utm_source=feed"
    assert article.id == Article(title=article.title, text=article.text, url=article.url, source=article.source).id


def test_garbage_between_records_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    warc = Warc(False).warcinfo()
    first = warc.response(PAGES[0][0], page_html(PAGES[0][1], PAGES[0][3], None).encode()).offset()
    garbage = b"\x00\xffgarbage\r\n\x13\x37 junk line\r\n\r\n"
    warc.raw(garbage)
    warc.response(PAGES[2][0], page_html(PAGES[2][1], PAGES[2][3], None).encode())
    path = tmp_path / "garbage.warc"
    path.write_bytes(warc.data())
    articles, problems = read_all(path)
    assert [a.url for a in articles] == [PAGES[0][0], PAGES[2][0]]
    (problem,) = problems
    assert problem.origin == str(path)
    assert problem.reason.startswith(f"cannot read record 3 at offset {first} (ArchiveLoadFailed: ")
    assert problem.reason.endswith(f"skipped {len(garbage)} bytes to the next record, at offset {first + len(garbage)}")


def test_a_corrupt_gzip_member_loses_one_record(tmp_path: Path) -> None:
    warc = Warc().warcinfo()
    starts = []
    for url, title, _, text, published in PAGES:
        starts.append(warc.offset())
        warc.response(url, page_html(title, text, published).encode())
    data = bytearray(warc.data())
    data[starts[1]:starts[1] + 4] = b"\x1f\x8bXX"  # the second page's gzip header, damaged
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(bytes(data))
    articles, problems = read_all(path)
    assert [a.url for a in articles] == [PAGES[0][0], PAGES[2][0], PAGES[3][0]]
    (problem,) = problems
    assert problem.reason.startswith(f"cannot read record 3 at offset {starts[1]} (")
    assert problem.reason.endswith(f"to the next record, at offset {starts[2]}")


def test_damage_deep_inside_a_gzip_member_counts_as_truncated(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)  # text that does not compress, so the member is long
    noise = " ".join("".join(rng.choice("abcdefghijklmnop") for _ in range(7)) for _ in range(12_000))
    warc = Warc().warcinfo()
    warc.response(PAGES[0][0], page_html(PAGES[0][1], PAGES[0][3], None).encode())
    big = warc.offset()
    warc.response("https://example.org/big", page_html("Big", EN_2 + " " + noise, None).encode())
    warc.response(PAGES[2][0], page_html(PAGES[2][1], PAGES[2][3], None).encode())
    data = bytearray(warc.data())
    data[big + 40_000:big + 40_100] = bytes(100)
    path = tmp_path / "deep.warc.gz"
    path.write_bytes(bytes(data))
    articles, problems = read_all(path)
    assert [a.url for a in articles] == [PAGES[0][0], PAGES[2][0]]
    assert reasons(problems) == ["skipped 1 record: truncated (payload shorter than declared ×1)"]


def test_a_length_that_is_no_number_inside_a_gzip_member(tmp_path: Path) -> None:
    """Found by fuzzing: warcio's offsets stepped back inside such a member, and reading looped or crashed."""
    def record(url: str, body: bytes, length: str | None = None) -> bytes:
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nContent-Length: {length or len(block)}"
        return f"{head}\r\n\r\n".encode() + block + b"\r\n\r\n"

    pages = [page_html(title, text, None).encode() for _, title, _, text, _ in PAGES[:3]]
    path = tmp_path / "nan.warc.gz"
    path.write_bytes(gzip.compress(record(PAGES[0][0], pages[0])) + gzip.compress(record("https://example.org/x",
                     pages[1] * 30, "abc")) + gzip.compress(record(PAGES[2][0], pages[2])))
    results: list[Article | IngestProblem] = []
    reader = threading.Thread(target=lambda: results.extend(read_inputs([path], SETTINGS)), daemon=True)
    reader.start()
    reader.join(60)
    assert not reader.is_alive(), "reading went round in circles"
    assert [r.url for r in results if isinstance(r, Article)] == [PAGES[0][0], PAGES[2][0]]
    problems = [r.reason for r in results if isinstance(r, IngestProblem)]
    assert len(problems) == 2 and problems[0].startswith("cannot read record 3 at offset ")
    assert problems[1] == "skipped 1 record: not HTML (no Content-Type ×1)"


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_file_cut_short_keeps_what_came_before(tmp_path: Path, gzipped: bool) -> None:
    warc = Warc(gzipped).warcinfo()
    for url, title, _, text, published in PAGES[:3]:
        warc.response(url, page_html(title, text, published).encode())
    data = warc.data()
    path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    path.write_bytes(data[: len(data) - 200])
    articles, problems = read_all(path)
    assert [a.url for a in articles] == [url for url, *_ in PAGES[:2]]
    assert reasons(problems) == ["skipped 1 record: truncated (payload shorter than declared ×1)"]


def test_damage_without_a_record_after_it_says_where_reading_stopped(tmp_path: Path) -> None:
    warc = Warc().warcinfo().response(PAGES[0][0], page_html(PAGES[0][1], PAGES[0][3], None).encode())
    end = warc.offset()
    path = tmp_path / "tail.warc.gz"
    path.write_bytes(warc.raw(b"this is not a gzip member at all\n" * 20).data())
    articles, problems = read_all(path)
    assert [a.url for a in articles] == [PAGES[0][0]]
    (problem,) = problems
    assert problem.reason.startswith(f"cannot read record 3 at offset {end} (")
    assert problem.reason.endswith("; stopped there, 660 bytes before the end of the file")


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "empty input"),
    (b"hello world, this is no web archive\n" * 3, "no readable WARC record (ArchiveLoadFailed: Invalid WARC record"),
    (gzip.compress(b"just some text\n"), "no readable WARC record"),
])
def test_a_file_with_no_record_is_rejected(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(data)
    articles, problems = read_all(path)
    assert not articles
    assert [p.origin for p in problems] == [str(path)]
    assert problems[0].reason.startswith(expected)


def test_a_warc_without_responses_says_so(tmp_path: Path) -> None:
    path = tmp_path / "requests.warc"
    path.write_bytes(Warc(False).warcinfo().request(PAGES[0][0]).data())
    assert read_all(path) == ([], [IngestProblem(str(path), "no articles: none of the 2 records is an HTTP response")])


def test_max_input_bytes_caps_one_record(tmp_path: Path) -> None:
    warc = Warc()
    warc.response(PAGES[0][0], page_html(PAGES[0][1], PAGES[0][3], None).encode())
    warc.response("https://example.org/long", page_html("Long", EN_2 * 20, None).encode())
    path = tmp_path / "sizes.warc.gz"
    path.write_bytes(warc.data())
    articles, problems = read_all(path, settings=Settings(max_input_bytes=2000))
    assert [a.url for a in articles] == [PAGES[0][0]]
    assert reasons(problems) == ["skipped 1 record: too large (over 2,000 bytes (max_input_bytes) ×1)"]


def test_picking_the_reader_by_name_and_by_sniffing(tmp_path: Path) -> None:
    (tmp_path / "crawl").write_bytes(news_warc().data())
    (tmp_path / "plain").write_bytes(news_warc(gzipped=False).data())
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"title Notes\n\n" + ARTICLE_EN.encode()))
    (tmp_path / "x.WARC.GZ").write_bytes(b"")
    picked = {name: pick_reader(Source(origin=name, path=tmp_path / name)).name
              for name in ("crawl", "plain", "notes.txt.gz", "x.WARC.GZ")}
    assert picked == {"crawl": "warc", "plain": "warc", "notes.txt.gz": "text", "x.WARC.GZ": "warc"}
    fetched = Source(origin="u", data=b"", url="https://example.org/get", content_type="application/warc")
    assert pick_reader(fetched).name == "warc"


def test_a_directory_reads_warc_gz_and_still_reports_other_gz(tmp_path: Path) -> None:
    (tmp_path / "CC-NEWS-20260205-00001.warc.gz").write_bytes(news_warc().data())
    (tmp_path / "backup.tar.gz").write_bytes(gzip.compress(b"not a warc"))
    articles, problems = read_all(tmp_path)
    assert len(articles) == len(PAGES)
    assert reasons(problems) == [*EXPECTED_SKIPS, "skipped: no reader for '.gz' files"]
    assert problems[-1].origin == str(tmp_path / "backup.tar.gz")


def test_ingest_stores_the_pages_once_and_reports_the_rest(tmp_path: Path, hashing_tracker: Tracker) -> None:
    path = tmp_path / "news.warc.gz"
    warc = news_warc()
    warc.raw(b"trailing junk that holds no record\n")
    path.write_bytes(warc.data())
    report = hashing_tracker.ingest([path])
    assert report.added == len(PAGES) and report.duplicates == 0
    assert hashing_tracker.store.count_articles() == len(PAGES)
    assert [p.origin for p in report.problems] == [str(path)] * 5
    assert report.problems[0].reason.startswith("cannot read record 16 at offset ")
    assert reasons(report.problems[1:]) == EXPECTED_SKIPS
    stored = {hashing_tracker.store.article(d.article_id).url: d.article_id for d in report.decisions}
    assert set(stored) == {url for url, *_ in PAGES}
    languages = {url: hashing_tracker.store.article(stored[url]).language for url, *_ in PAGES}
    assert languages == {url: language for url, _, language, *_ in PAGES}
    again = hashing_tracker.ingest([path])
    assert again.added == 0 and again.duplicates == len(PAGES)
    assert hashing_tracker.store.count_articles() == len(PAGES)


def test_a_line_without_end_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A .warc.gz of compressed zeros holds one endless "header line"; read whole it took 5x its
    decompressed size (10 GB for 2 MB). The header line is capped and the file reported (issue 16)."""
    import tracemalloc

    bomb = tmp_path / "zeros.warc.gz"
    with gzip.open(bomb, "wb") as out:  # 300 MB of zeros, about 300 KB on disk
        out.write(b"WARC/1.0\r\nWARC-Type: response\r\n")
        for _ in range(300):
            out.write(bytes(1_000_000))
    good = tmp_path / "news.warc.gz"
    good.write_bytes(news_warc().data())
    tracemalloc.start()
    # without the ratio cap, which would refuse these zeros first (tests/test_input_limits.py)
    articles, problems = read_all(bomb, good, settings=Settings(max_decompression_ratio=0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert articles and all(a.origin.startswith(str(good)) for a in articles)
    assert problems[0].origin == str(bomb) and "header line over" in problems[0].reason
    # one buffer fill (16 KB of input inflates ~1000-fold), not the 300 MB the zeros inflate to
    assert peak < 100_000_000
