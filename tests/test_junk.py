"""Pages that are no news (paywall, consent, bot-block …) are stored outside stories, with the reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from babelwire import lang, views
from babelwire.cli import app
from babelwire.export import export_rows
from babelwire.junk import REASONS, junk_reason, signatures
from babelwire.settings import Settings
from babelwire.store import open_store
from babelwire.types import Article

# written for these tests, in the manner of the pages the SemEval scrapes hold
PAYWALL = ("TAKE A FREE TRIAL Registered users can read up to 3 reports. Enter your details below for "
           "immediate access. Email address First Name Last Name Organisation Job Title Telephone")
BOT_BLOCK = ("Przykro nam, ale z adresu IP z którego się łączysz odnotowaliśmy ogromną ilość połączeń. "
             "Podejrzewamy, że ktoś nadużył adresu IP, z którego korzystasz.")
OTHER_PAYWALL = ("Take a free trial registered users can read up to 5 reports a month; subscribers read "
                 "everything, including our forecasts, data and the archive of daily market notes since 2001.")
NEWS = ("The harbour of Oskarshamn was closed on Tuesday after a storm tore two ferries from their moorings. "
        "The coast guard said nobody was hurt; the port expects to reopen on Thursday.")


def page(title: str, text: str, source: str) -> Article:
    article = Article(title=title, text=text, source=source, url=f"https://{source}/{abs(hash(title))}")
    article.language, article.language_confidence = "en", 1.0
    return article


def test_signatures_are_known_reasons_written_as_they_are_matched() -> None:
    assert signatures()
    for phrase, reason, code in signatures():
        assert reason in REASONS, (code, reason)
        assert phrase == " ".join(phrase.split()).casefold().replace("\u2019", "'"), (code, phrase)
    assert all(isinstance(getattr(module, "JUNK_SIGNATURES", {}), dict) for _, module in lang.modules())


def test_a_notice_in_the_opening_of_a_short_text_is_junk() -> None:
    settings = Settings()
    assert junk_reason(page("Oil to outperform", PAYWALL, "a.example"), settings).startswith("paywall: ")
    assert junk_reason(page("", BOT_BLOCK, "b.example"), settings).startswith("bot-block: ")
    curly = page("Lottery", "We noticed you\u2019re blocking ads! Keep supporting great journalism.", "c.example")
    assert junk_reason(curly, settings).startswith("ad-block: ")


def test_news_is_not_junk_even_beside_a_notice() -> None:
    settings = Settings()
    assert junk_reason(page("Storm closes harbour", NEWS, "a.example"), settings) is None
    # the notice after the opening, or a text long enough to hold the article after it: news
    late = page("Storm closes harbour", NEWS * 4 + " " + PAYWALL, "a.example")
    assert junk_reason(late, settings) is None
    long_page = page("Storm closes harbour", PAYWALL + " " + NEWS * 12, "a.example")
    assert len(long_page.text) >= settings.junk_max_chars and junk_reason(long_page, settings) is None
    assert junk_reason(long_page, settings.replace(junk_max_chars=10_000)) is not None
    # a story about cookies is no cookie notice
    cookies = page("EU fines site", "The regulator said the site set cookies before consent; we use the ruling.", "x")
    assert junk_reason(cookies, settings) is None


def test_junk_is_stored_in_a_story_of_its_own_and_never_linked(hashing_tracker) -> None:
    report = hashing_tracker.add([
        page("Further slowdown in 2020", PAYWALL, "one.example"),
        page("Oil to outperform", OTHER_PAYWALL, "two.example"),
        page("Storm closes harbour", NEWS, "three.example"),
        page("Storm closes harbour again", NEWS.replace("Tuesday", "Wednesday"), "four.example"),
    ], read=False, watch=False)
    assert [kept.reason.split(":")[0] for kept in report.kept_out] == ["paywall", "paywall"]
    store = hashing_tracker.store
    first, second = (store.article(decision_id) for decision_id in _ids(hashing_tracker, "one", "two"))
    assert first.kept_out.startswith("paywall: ") and second.kept_out == first.kept_out
    assert first.story_id != second.story_id  # the same notice from two outlets joins nothing
    linked = {row.id for row in store.iter_link_rows()}
    assert first.id not in linked and second.id not in linked and len(linked) == 2
    news = [store.article(i) for i in _ids(hashing_tracker, "three", "four")]
    assert news[0].kept_out is None and news[0].story_id == news[1].story_id
    assert views.article_detail(first)["kept_out"] == first.kept_out
    assert views.ingest_summary(report)["kept_out"][0]["reason"] == first.kept_out
    exported = {row["article_id"]: row for row in export_rows(store, "articles")}
    assert exported[first.id]["kept_out"] == first.kept_out and exported[news[0].id]["kept_out"] is None
    assert store.check_consistency() == []
    # a later page with the same notice is kept out too, and the linker, rebuilt from the store, never saw them
    hashing_tracker._linker = None
    later = hashing_tracker.add([page("Gold rallies", PAYWALL + " Arizona", "five.example")], read=False, watch=False)
    assert len(later.kept_out) == 1 and later.decisions == []


def test_a_copy_of_a_kept_out_page_is_kept_out(hashing_tracker) -> None:
    hashing_tracker.add([page("Oil to outperform", PAYWALL, "one.example")], read=False, watch=False)
    report = hashing_tracker.add([page("Oil to outperform", PAYWALL, "copy.example")], read=False, watch=False)
    assert report.copies == 1 and len(report.kept_out) == 1
    copy = hashing_tracker.store.article(_ids(hashing_tracker, "copy")[0])
    assert copy.copy_of is not None and copy.kept_out.startswith("paywall: ")


def test_the_story_command_says_why_a_page_was_kept_out(hashing_tracker, tmp_path: Path, monkeypatch) -> None:
    hashing_tracker.add([page("Oil to outperform", PAYWALL, "one.example")], read=False, watch=False)
    story_id = hashing_tracker.store.article(_ids(hashing_tracker, "one")[0]).story_id
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    result = CliRunner().invoke(app, ["story", str(story_id), "--db", str(hashing_tracker.store.path)])
    assert result.exit_code == 0, result.output
    assert "kept out of stories" in result.output and "paywall" in result.output


def test_both_backends_keep_the_reason_and_leave_the_page_out_of_linking(store_db: str) -> None:
    with open_store(store_db) as store:
        junk = page("Oil to outperform", PAYWALL, "one.example")
        junk.kept_out = 'paywall: "take a free trial"'
        news = page("Storm closes harbour", NEWS, "two.example")
        for key_story, article in ((1, junk), (2, news)):
            article.embedding = np.ones(8, np.float32)
            with store.transaction():
                key = store.insert_article(article)
                store.create_story(key_story, article.title)
                store.assign(key, key_story, None)
        assert store.article(junk.id).kept_out == 'paywall: "take a free trial"'
        assert store.article(news.id).kept_out is None
        assert [row.id for row in store.iter_link_rows()] == [news.id]
        # listings leave the kept-out page's story out; asked for by id, it is there (its page says why)
        assert [story.id for story in store.stories()] == [2] and store.count_stories_matching() == 1
        assert [story.id for story in store.stories(story_ids=[1])] == [1]


def _ids(tracker, *hosts: str) -> list[str]:
    """Ids of the stored articles from these hosts (``one`` → one.example), in that order."""
    rows = tracker.store._execute("SELECT id, source FROM articles")
    found = {row["source"].split(".")[0]: row["id"] for row in rows}
    return [found[host] for host in hosts]


@pytest.fixture(autouse=True)
def _fresh_signatures():
    yield
    signatures.cache_clear()


def test_relink_leaves_kept_out_pages_where_they_are(hashing_tracker) -> None:
    hashing_tracker.add([
        page("Oil to outperform", PAYWALL, "one.example"),
        page("Storm closes harbour", NEWS, "three.example"),
        page("Storm closes harbour again", NEWS.replace("Tuesday", "Wednesday"), "four.example"),
    ], read=False, watch=False)
    store = hashing_tracker.store
    junk_id = _ids(hashing_tracker, "one")[0]
    before = store.article(junk_id).story_id
    report = hashing_tracker.relink()
    assert report.unchanged
    assert store.article(junk_id).story_id == before and store.article(junk_id).kept_out
    assert store.check_consistency() == []
    assert len(hashing_tracker.stories()) == 1  # the listing leaves the kept-out page's story out
    assert len(store.stories(with_kept_out=True)) == 2
