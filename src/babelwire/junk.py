"""Pages that are no news: paywall, consent, bot-block and ad-block pages, sign-up shells.

A scraper often stores what a site showed instead of the article: "TAKE A FREE TRIAL Registered
users can read up to 3 reports", a cookie notice, "we recorded a huge amount of connections from
the IP address …". Such pages are alike across outlets and unrelated stories, so the linker merged
them into stories of their own (docs/BENCHMARKS.md, "Cross-lingual same-event stream"). The
``junk`` analysis stage recognises them and sets ``Article.kept_out`` to the reason; the tracker
stores them in a one-article story and never links them.

Recognition is a signature (a phrase a language module lists under ``JUNK_SIGNATURES``: reason →
phrases, lower case) in the opening of the text, where the article should begin, on a text too
short to hold an article after the notice (``junk_max_chars``). Signatures of every language are
read, since a Hindi page may carry an English cookie notice. Precision comes first: a real
article kept out of its story is worse than junk let in, so the phrases are whole sentences of
such pages, and a long text is never kept out (docs/BENCHMARKS.md lists every page it flags on the
SemEval and Wikinews texts).
"""

from __future__ import annotations

from functools import cache

from babelwire import lang
from babelwire.settings import Settings
from babelwire.types import Article

#: the reasons a page is kept out, as the language modules name them
REASONS: tuple[str, ...] = ("paywall", "consent", "bot-block", "ad-block", "sign-up", "error-page")


@cache
def signatures() -> tuple[tuple[str, str, str], ...]:
    """Every ``(phrase, reason, language)`` of the language modules, longest phrase first."""
    found = []
    for code, module in lang.modules():
        for reason, phrases in getattr(module, "JUNK_SIGNATURES", {}).items():
            if reason not in REASONS:
                raise ValueError(f"babelwire.lang.{code}.JUNK_SIGNATURES: unknown reason {reason!r} ({REASONS})")
            found.extend((phrase.casefold(), reason, code) for phrase in phrases)
    return tuple(sorted(found, key=lambda item: (-len(item[0]), item)))


def junk_reason(article: Article, settings: Settings) -> str | None:
    """Why this page is no news article (e.g. ``paywall: "take a free trial"``), or ``None`` for news."""
    text = article.text
    if len(text) >= settings.junk_max_chars:
        return None
    # one space between words and one apostrophe, as the phrases are written
    opening = " ".join(text[: settings.junk_opening_chars].split()).casefold().replace("\u2019", "'")
    for phrase, reason, _ in signatures():
        if phrase in opening:
            return f'{reason}: "{phrase}"'
    return None


class MarkJunk:
    """Analysis stage: sets ``kept_out`` on the pages :func:`junk_reason` recognises."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def __call__(self, articles: list[Article]) -> list[Article]:
        for article in articles:
            if article.kept_out is None:
                article.kept_out = junk_reason(article, self.settings)
        return articles
