"""Files mixing UTF-8 and a legacy encoding are read without mojibake and reported by name."""

from __future__ import annotations

from pathlib import Path

from babelwire.readers import read_inputs
from babelwire.readers.base import decode_text
from babelwire.settings import Settings
from babelwire.types import Article, IngestProblem

UTF8_PART = "Le café était fermé à cause de la grève, a déclaré le propriétaire à Göteborg.\n\n"
CP1252_PART = "Die Straße blieb gesperrt – „bis auf Weiteres“, sagte die Polizei in München.\n"


def _mixed_bytes() -> bytes:
    return ("title Grève à Göteborg\n\n" + UTF8_PART).encode("utf-8") + CP1252_PART.encode("cp1252")


def test_mixed_utf8_and_cp1252_is_decoded_both_ways_and_noted() -> None:
    notes: list[str] = []
    text = decode_text(_mixed_bytes(), notes=notes)
    assert "grève" in text and "Straße" in text and "„bis auf Weiteres“" in text and "–" in text
    assert "Ã" not in text  # no UTF-8 read as cp1252
    assert len(notes) == 1 and notes[0].startswith("mixed encodings: decoded as UTF-8")


def test_mixed_file_is_stored_with_a_warning_naming_it(tmp_path: Path, hashing_tracker) -> None:
    (tmp_path / "good.txt").write_text("title Strike\n\n" + "The dock workers in Porto went on strike again. " * 4)
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(_mixed_bytes() * 2)
    report = hashing_tracker.ingest([tmp_path])
    assert report.added == 2
    warnings = [problem for problem in report.warnings if "mixed encodings" in problem.reason]
    assert [problem.origin for problem in warnings] == [str(mixed)]
    stored = [hashing_tracker.store.article(decision.article_id) for decision in report.decisions]
    texts = " ".join(article.text for article in stored if article is not None)
    assert "Straße" in texts and "grève" in texts


def test_mixed_html_page_is_noted(tmp_path: Path) -> None:
    body = ("<p>" + UTF8_PART + " " + UTF8_PART + "</p>").encode("utf-8") + ("<p>" + CP1252_PART * 3 + "</p>").encode(
        "cp1252")
    (tmp_path / "page.html").write_bytes(
        b"<html><head><title>Gr\xc3\xa8ve</title></head><body><article>" + body + b"</article></body></html>")
    (article,) = [item for item in read_inputs([tmp_path / "page.html"], Settings()) if isinstance(item, Article)]
    assert "Straße" in article.text and "grève" in article.text
    assert any(note.startswith("mixed encodings") for note in article.notes)


def test_single_legacy_encodings_still_read_without_a_note(tmp_path: Path) -> None:
    french = "title Café à Göteborg\n\n" + "Le café était fermé à cause de la grève, a déclaré le propriétaire. " * 3
    ukrainian = "Він сказав, що уряд України ухвалив рішення. Вілла стоїть біля річки. " * 4
    files = {"fr.txt": french.encode("cp1252"), "de.txt": CP1252_PART.encode("latin-1", "replace") * 3,
             "uk.txt": ukrainian.encode("cp1251")}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    items = list(read_inputs([tmp_path], Settings()))
    assert not [item for item in items if isinstance(item, IngestProblem)]
    articles = {Path(item.origin).name: item for item in items if isinstance(item, Article)}
    assert "grève" in articles["fr.txt"].text
    assert "Straße" in articles["de.txt"].text
    assert "України" in articles["uk.txt"].text
    assert all(not article.notes for article in articles.values())
