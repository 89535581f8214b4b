"""Readers: every input format, and every kind of bad input, named in a clear problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babelwire.readers import Source, pick_reader, read_inputs
from babelwire.readers.text import parse_text_article
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, IngestProblem
from samples import ARTICLE_DE, ARTICLE_EN

SETTINGS = Settings()

def read_all(*inputs: str | Path, settings: Settings = SETTINGS) -> tuple[list[Article], list[IngestProblem]]:
    results = list(read_inputs([str(item) for item in inputs], settings))
    return (
        [r for r in results if isinstance(r, Article)],
        [r for r in results if isinstance(r, IngestProblem)],
    )


def test_text_header_shares_a_line_with_the_title() -> None:
    article = parse_text_article(" date 2023-05 Short headline here.\n\nBody text of the article.", "x.txt")
    assert article.published is not None
    assert article.published.value == "2023-05"
    assert article.published.source is DateSource.HEADER
    assert article.published.reliable
    assert article.title == "Short headline here."
    assert article.text == "Body text of the article."


def test_text_headers_and_title_line() -> None:
    content = "date 2026-03-14\nsource Le Monde\nurl https://example.org/a\ntitle Un titre\n\nLe texte."
    article = parse_text_article(content, "a.txt")
    assert (article.title, article.source, article.url, article.text) == (
        "Un titre", "Le Monde", "https://example.org/a", "Le texte."
    )
    assert article.published and article.published.value == "2026-03-14"


def test_text_without_headers_keeps_long_first_paragraph_as_text() -> None:
    article = parse_text_article(ARTICLE_EN + "\n\nSecond paragraph.", "b.txt")
    assert article.title == ""
    assert article.published is None
    assert article.text.startswith("Floodwaters rose")


def test_a_word_date_is_not_a_header() -> None:
    article = parse_text_article("Date palms grow well in the oasis.\n\nThe harvest was good.", "c.txt")
    assert article.published is None
    assert article.title == "Date palms grow well in the oasis."


def test_bad_date_header_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("date 2023-13-45\n\n" + ARTICLE_EN)
    articles, problems = read_all(tmp_path / "bad.txt")
    assert not articles
    assert problems and "not a date" in problems[0].reason
    assert problems[0].origin.endswith("bad.txt")


def test_jsonl_schema_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": "A", "text": ARTICLE_EN, "language": "en", "published": "2026-01-02"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": ARTICLE_DE, "url": "https://example.org/de", "source": "Die Zeit"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    articles, problems = read_all(path)
    assert [a.title for a in articles] == ["A", ""]
    assert articles[0].language == "en" and articles[0].language_confidence == 1.0
    assert articles[0].published and articles[0].published.source is DateSource.JSONL
    assert articles[1].source == "Die Zeit"
    reasons = {p.origin.rsplit(":", 1)[1]: p.reason for p in problems}
    assert set(reasons) == {"2", "3", "4"}
    assert "not JSON" in reasons["2"]
    assert "JSON object" in reasons["3"]
    assert "text" in reasons["4"]


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Page title</title>
<meta property="article:published_time" content="2026-02-03T08:00:00Z">
<meta property="og:site_name" content="The Example Post"></head>
<body><nav>Home | World | Sport</nav><article><h1>Dam holds as delta floods</h1>
<p>{p1}</p><p>{p2}</p></article><footer>© Example</footer></body></html>"""


def test_html_main_text_title_outlet_and_date(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE.format(p1=ARTICLE_EN, p2=ARTICLE_EN.upper()))
    (article,), problems = read_all(path)
    assert not problems
    assert article.title == "Dam holds as delta floods"
    assert "Floodwaters rose" in article.text and "Home | World" not in article.text
    assert article.source == "The Example Post"
    assert article.published and article.published.value.startswith("2026-02-03")
    assert article.published.source is DateSource.HTML_META


RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Wire</title>
<item><title>First</title><link>https://example.org/1</link><pubDate>Tue, 03 Feb 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;{a}&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://example.org/2</link><description>{b}</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Eins</title><link href="https://example.org/de/1"/><updated>2026-02-04T10:00:00Z</updated>
<content type="html">&lt;p&gt;{a}&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(RSS.format(a=ARTICLE_EN, b=ARTICLE_DE))
    (tmp_path / "wire.atom").write_text(ATOM.format(a=ARTICLE_DE))
    articles, problems = read_all(tmp_path / "wire.rss", tmp_path / "wire.atom")
    assert not problems
    assert [a.title for a in articles] == ["First", "Second", "Eins"]
    assert articles[0].published and articles[0].published.value == "2026-02-03T08:00:00+00:00"
    assert articles[0].published.source is DateSource.FEED
    assert articles[1].published is None
    assert articles[0].source == "Example Wire" and articles[2].url == "https://example.org/de/1"
    assert "<p>" not in articles[0].text


def test_directory_recursion_with_mixed_types(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("title One\n\n" + ARTICLE_EN)
    (tmp_path / "a" / "b" / "two.html").write_text(HTML_PAGE.format(p1=ARTICLE_DE, p2=ARTICLE_DE))
    (tmp_path / "a" / "b" / "three.jsonl").write_text(json.dumps({"text": ARTICLE_DE + " Drei."}) + "\n")
    (tmp_path / "feed.xml").write_text(RSS.format(a=ARTICLE_EN + " Four.", b=ARTICLE_DE + " Five."))
    (tmp_path / ".hidden.txt").write_text(ARTICLE_EN)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    articles, problems = read_all(tmp_path)
    assert len(articles) == 5
    assert [p.reason for p in problems] == ["skipped: no reader for '.png' files"]


def test_sniffing_picks_reader_without_extension(tmp_path: Path) -> None:
    (tmp_path / "feed").write_text(RSS.format(a=ARTICLE_EN, b=ARTICLE_DE))
    (tmp_path / "page").write_text(HTML_PAGE.format(p1=ARTICLE_EN, p2=ARTICLE_DE))
    (tmp_path / "lines").write_text(json.dumps({"text": ARTICLE_EN}) + "\n")
    names = {name: pick_reader(Source(origin=name, path=tmp_path / name)).name for name in ("feed", "page", "lines")}
    assert names == {"feed": "feed", "page": "html", "lines": "jsonl"}


def test_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    text = "title Café à Göteborg\n\nLe café était fermé à cause de la grève, a déclaré le propriétaire. " * 3
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    (article,), problems = read_all(tmp_path / "latin.txt")
    assert not problems
    assert article.title == "Café à Göteborg"
    assert "grève" in article.text


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"   \n\n  ", "empty"),
    "junk.bin.txt": (bytes(range(256)) * 8, "binary"),
    "broken.html": (b"<html><body><div><<<>>></div>", "no main text"),
    "malformed.rss": (b"<?xml version='1.0'?><rss><channel><item><title>x</ti", "malformed feed"),
    "notafeed.xml": (b"<?xml version='1.0'?><catalog><book/></catalog>", ""),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_named_problem(tmp_path: Path, name: str) -> None:
    data, expected = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(data)
    articles, problems = read_all(tmp_path / name)
    assert not articles
    assert problems
    assert all(name in problem.origin for problem in problems)
    assert expected in problems[0].reason


def test_malformed_feed_keeps_what_it_recovers(tmp_path: Path) -> None:
    truncated = RSS.format(a=ARTICLE_EN, b=ARTICLE_DE).rsplit("<item>", 1)[0] + "<item><title>Cut of"
    (tmp_path / "cut.rss").write_text(truncated)
    articles, problems = read_all(tmp_path / "cut.rss")
    assert [a.title for a in articles] == ["First"]
    assert "malformed feed" in problems[0].reason
    assert "neither title nor text" in problems[1].reason


def test_missing_path_and_unreachable_url() -> None:
    articles, problems = read_all("/nonexistent/dir/file.txt", "http://127.0.0.1:9/feed.rss",
                                  settings=SETTINGS.replace(allow_private_hosts=True))
    assert not articles
    assert problems[0].origin == "/nonexistent/dir/file.txt" and "no such file" in problems[0].reason
    assert problems[1].origin == "http://127.0.0.1:9/feed.rss" and "unreachable" in problems[1].reason


def test_huge_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_text(ARTICLE_EN * 100)
    articles, problems = read_all(tmp_path / "huge.txt", settings=Settings(max_input_bytes=1000))
    assert not articles
    assert "too large" in problems[0].reason


def test_only_regular_files_are_read_from_a_directory(tmp_path: Path) -> None:
    """A FIFO would block the ingest forever and a link to /dev/zero never ends: both are reported, not
    read; a linked directory is named, not entered; the good file beside them is read."""
    import os

    (tmp_path / "good.txt").write_text(f"Good one\n\n{ARTICLE_EN}")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zeros.txt").symlink_to("/dev/zero")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    articles, problems = read_all(tmp_path)
    assert [a.title for a in articles] == ["Good one"]
    reasons = {Path(p.origin).name: p.reason for p in problems}
    assert "not a regular file" in reasons["pipe.txt"] and "not a regular file" in reasons["zeros.txt"]
    assert "linked directory" in reasons["loop"]


def test_feed_text_without_markup_has_its_entities_decoded() -> None:
    from babelwire.readers.feed import html_to_text

    assert html_to_text("Tom &amp; Jerry &quot;went&quot; home") == 'Tom & Jerry "went" home'
    assert html_to_text("<p>A &amp; B</p>").strip() == "A & B"


def test_an_oversized_jsonl_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """The long line is refused by size, without being held whole; the lines around it are read."""
    import tracemalloc

    good = json.dumps({"title": "Kept", "text": ARTICLE_EN})
    huge = json.dumps({"title": "Huge", "text": "x" * 3_000_000})
    (tmp_path / "lines.jsonl").write_text(f"{good}\n{huge}\n{good.replace('Kept', 'Also kept')}\n")
    tracemalloc.start()
    articles, problems = read_all(tmp_path / "lines.jsonl", settings=SETTINGS.replace(max_input_bytes=100_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.title for a in articles] == ["Kept", "Also kept"]
    assert problems[0].origin.endswith("lines.jsonl:2") and "line too large" in problems[0].reason
    assert peak < 2_000_000  # well under the 3 MB line
