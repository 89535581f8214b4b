"""Watch-lists: saved conditions on stories, evaluated at every ingest batch, that raise alerts.

A watch-list holds up to four conditions, all of which a story must meet:

- ``entity``: a name in any spelling. The entity index (:mod:`babelwire.entity_index`) gives every spelling
  it knows of the entries the name stands for, and a story matches when the index holds one of those
  entries in it, or when one of its articles' titles or texts has one of the spellings (or the name as given)
  as a whole word, case and accents ignored. The index is filled when stories are read (by ``babelwire
  serve`` in the background, not at ingest), so the text match is what finds a story at its first batch;
- ``query``: text in any language, encoded once with the tracker's encoder as a search is; a story matches
  when one of its articles scores ``watch_query_min_score`` against it;
- ``language``: an article in that language (a code or a name: ``German`` is ``de``);
- ``source``: an article or syndicated copy from that outlet (its ``source``, exactly).

Its triggers (all by default) say when a matching story raises an alert: ``new-story`` (the list sees it
for the first time), ``new-language`` and ``new-outlet`` (it gained one since the list last saw it) and
``growth`` (its growth, :mod:`babelwire.developing`, reached ``watch_growth_min_score``; at most once per
``developing_window_hours``). What a list last saw of each matching story is stored (``watch_matches``), so
a story evaluated again without a change raises nothing, whichever process evaluates it. Alerts reach the
reader as an Atom feed per list (:func:`atom_feed`), on the web and API, in the CLI, and by webhook
(:mod:`babelwire.webhooks`).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from babelwire.developing import story_growth
from babelwire.entity_index import fold_spelling, lookup_keys
from babelwire.settings import Settings

if TYPE_CHECKING:
    from babelwire.encoders import Encoder
    from babelwire.store import Store

log = logging.getLogger(__name__)

NEW_STORY, NEW_LANGUAGE, NEW_OUTLET, GROWTH = "new-story", "new-language", "new-outlet", "growth"
#: every trigger, in the order they are checked
TRIGGERS: tuple[str, ...] = (NEW_STORY, NEW_LANGUAGE, NEW_OUTLET, GROWTH)
#: what a watch-list's name may be: it is a path segment of its feed and page (``/watch/NAME.atom``)
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: the conditions a watch-list may hold
CONDITIONS: tuple[str, ...] = ("entity", "query", "language", "source")
#: query vectors kept per process (a poller evaluates the same few queries at every batch)
_QUERY_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_QUERY_VECTORS_SIZE = 256


class WatchlistError(ValueError):
    """A watch-list cannot be made or found as asked; the message names the input."""


@dataclass(frozen=True)
class Watchlist:
    """A saved condition and its triggers (the webhook secret is never shown)."""

    name: str
    entity: str | None = None
    query: str | None = None
    language: str | None = None
    source: str | None = None
    triggers: tuple[str, ...] = TRIGGERS
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    id: int | None = None
    created_at: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Watchlist:
        """A watch-list as :meth:`babelwire.store.Store.watchlist_rows` gives it."""
        condition = row["condition"]
        return cls(name=row["name"], **{key: condition.get(key) for key in CONDITIONS},
                   triggers=tuple(row["triggers"]), webhook_url=row["webhook_url"],
                   webhook_secret=row["webhook_secret"], id=row["id"], created_at=row["created_at"])

    def condition(self) -> dict[str, str]:
        """The conditions it holds, by name."""
        return {key: value for key in CONDITIONS if (value := getattr(self, key))}

    def describe(self) -> str:
        """Its conditions in words: ``entity Lukashenko, language de``."""
        return ", ".join(f"{key} {value}" for key, value in self.condition().items())

    def to_json(self) -> dict[str, Any]:
        """The watch-list as plain data; whether it has a webhook, not where (its URL may hold a token)."""
        return {"name": self.name, "condition": self.condition(), "triggers": list(self.triggers),
                "webhook": self.webhook_url is not None, "created_at": self.created_at,
                "feed": f"/watch/{self.name}.atom"}


# --- making, listing and removing ------------------------------------------------------------------


def parse_triggers(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Triggers from ``new-story,growth`` (or a list); ``None`` or empty: all of them."""
    items = text.split(",") if isinstance(text, str) else list(text or ())
    chosen = [item.strip().lower() for item in items if item.strip()]
    unknown = [item for item in chosen if item not in TRIGGERS]
    if unknown:
        raise WatchlistError(f"unknown trigger(s) {', '.join(map(repr, unknown))}: choose from {', '.join(TRIGGERS)}")
    return tuple(trigger for trigger in TRIGGERS if trigger in chosen) or TRIGGERS


def make_watchlist(
    name: str,
    *,
    entity: str | None = None,
    query: str | None = None,
    language: str | None = None,
    source: str | None = None,
    triggers: str | Sequence[str] | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> Watchlist:
    """A checked watch-list: a valid name, at least one condition, a known language, an http(s) webhook.

    :class:`WatchlistError` names what is wrong.
    """
    from babelwire.language_names import UnknownLanguageError, language_code

    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise WatchlistError(f"watch-list name {name!r}: use 1-64 letters, digits, '-' or '_', starting with a "
                             "letter or digit")
    values = {key: (value.strip() or None) if value else None
              for key, value in (("entity", entity), ("query", query), ("language", language), ("source", source))}
    if not any(values.values()):
        raise WatchlistError(f"watch-list {name!r} needs a condition: --entity, --query, --language or --source")
    if values["language"]:
        try:
            values["language"] = language_code(values["language"])
        except UnknownLanguageError as exc:
            raise WatchlistError(f"watch-list {name!r}: {exc}") from exc
    if webhook_url is not None:
        parts = urlsplit(webhook_url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise WatchlistError(f"webhook {webhook_url!r}: give an absolute http:// or https:// URL")
        webhook_url = webhook_url.strip()
    if webhook_secret and not webhook_url:
        raise WatchlistError("a webhook secret needs a webhook URL (--webhook)")
    return Watchlist(name=name, **values, triggers=parse_triggers(triggers), webhook_url=webhook_url,
                     webhook_secret=webhook_secret or None)


def add_watchlist(store: Store, watchlist: Watchlist) -> Watchlist:
    """Store a new watch-list (a name already taken is a :class:`WatchlistError`); the stored list."""
    with store.transaction():
        if store.watchlist_rows(watchlist.name):
            raise WatchlistError(f"a watch-list called {watchlist.name!r} exists already (remove it first)")
        store.insert_watchlist(watchlist.name, watchlist.condition(), watchlist.triggers, watchlist.webhook_url,
                               watchlist.webhook_secret, _stamp(datetime.now(UTC)))
    return get_watchlist(store, watchlist.name)


def list_watchlists(store: Store) -> list[Watchlist]:
    """Every watch-list, oldest first."""
    return [Watchlist.from_row(row) for row in store.watchlist_rows()]


def get_watchlist(store: Store, name: str) -> Watchlist:
    """The watch-list called ``name``; :class:`WatchlistError` when there is none."""
    rows = store.watchlist_rows(name.strip())
    if not rows:
        raise WatchlistError(f"no watch-list called {name!r} (babelwire watchlist list shows them)")
    return Watchlist.from_row(rows[0])


def remove_watchlist(store: Store, name: str) -> None:
    """Drop a watch-list with its alerts (:class:`WatchlistError` when there is none)."""
    with store.transaction():
        found = get_watchlist(store, name)
        assert found.id is not None
        store.delete_watchlist(found.id)


# --- evaluation ------------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def query_vector(encoder: Encoder, text: str) -> np.ndarray:
    """A query's vector, encoded as :meth:`babelwire.Tracker.search` encodes it (kept for the next batch)."""
    key = (encoder.name, text)
    found = _QUERY_VECTORS.get(key)
    if found is None:
        if len(_QUERY_VECTORS) >= _QUERY_VECTORS_SIZE:
            _QUERY_VECTORS.clear()
        found = _QUERY_VECTORS[key] = np.asarray(encoder.encode([text], "query")[0], np.float32)
    return found


@functools.lru_cache(maxsize=256)
def _lookup_keys(name: str) -> frozenset[str]:
    return lookup_keys(name)


def _spelling_pattern(spellings: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for folded spellings as whole words (longest first, so a longer name wins)."""
    folded = sorted({fold_spelling(spelling) for spelling in spellings} - {""}, key=lambda s: (-len(s), s))
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(spelling) for spelling in folded) + r")(?!\w)")


def fold_text(text: str) -> str:
    """:func:`babelwire.entity_index.fold_spelling` of a long text, the same result in a fraction of the time
    (the combining marks are looked up once per distinct character, not once per character)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    marks = {ord(char): None for char in set(decomposed) if unicodedata.combining(char)}
    return " ".join(decomposed.translate(marks).replace("’", "'").split())


def entity_spellings(store: Store, name: str) -> tuple[list[int], list[str]]:
    """The index entries a name stands for, and every spelling of them the index knows (the name first)."""
    entries = [int(entry["id"]) for entry in store.find_entities(name, _lookup_keys(name))]
    spellings = [name]
    for by_language in store.spellings_of_entities(entries).values():
        for names in by_language.values():
            spellings.extend(names)
    return entries, list(dict.fromkeys(spellings))


class _Evaluation:
    """What one evaluation reads of the touched stories, each at most once and only when a list needs it."""

    def __init__(self, store: Store, story_ids: list[int], settings: Settings,
                 encoder: Encoder | None, now: datetime):
        self.store, self.story_ids, self.settings, self.encoder, self.now = store, story_ids, settings, encoder, now
        self._texts: dict[int, str] | None = None
        self._vectors: dict[int, np.ndarray] | None = None
        self._growth: dict[int, Any] | None = None

    def texts(self) -> dict[int, str]:
        if self._texts is None:
            self._texts = {story_id: fold_text("\n".join(texts))
                           for story_id, texts in self.store.story_texts(self.story_ids).items()}
        return self._texts

    def vectors(self) -> dict[int, np.ndarray]:
        if self._vectors is None:
            self._vectors = self.store.story_vectors(self.story_ids)
        return self._vectors

    def growth(self) -> dict[int, Any]:
        if self._growth is None:
            self._growth = {g.story_id: g for g in story_growth(self.store, self.settings, self.now, self.story_ids)}
        return self._growth

    def matching(self, watchlist: Watchlist, facts: dict[int, dict[str, Any]], known: set[int]) -> list[int]:
        """The touched stories that meet every condition of the list. A story it matched before (``known``)
        still does: a story gains articles (only a relink moves some out), so its texts, languages and
        outlets grow, and it is not read again for the list."""
        found = [story_id for story_id in self.story_ids if story_id not in known
                 and (not watchlist.language or watchlist.language in facts[story_id]["languages"])
                 and (not watchlist.source or watchlist.source in facts[story_id]["outlets"])]
        if found and watchlist.entity:
            entries, spellings = entity_spellings(self.store, watchlist.entity)
            indexed = self.store.entity_story_ids(entries, found)
            pattern = _spelling_pattern(spellings)
            texts = self.texts()
            found = [story_id for story_id in found
                     if story_id in indexed or (pattern is not None and pattern.search(texts.get(story_id, "")))]
        if found and watchlist.query:
            if self.encoder is None:
                raise WatchlistError(f"watch-list {watchlist.name!r} has a query: evaluating it needs the encoder")
            vector = query_vector(self.encoder, watchlist.query)
            vectors = self.vectors()
            floor = self.settings.watch_query_min_score
            found = [story_id for story_id in found
                     if story_id in vectors and vectors[story_id].shape[1] == vector.shape[0]
                     and float(np.max(vectors[story_id] @ vector)) >= floor]
        return sorted(known.intersection(self.story_ids).union(found))


def evaluate_watchlists(
    store: Store,
    story_ids: Iterable[int],
    settings: Settings,
    encoder: Encoder | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every watch-list against these stories (ids of merged stories count as their successors) and
    record what each saw and the alerts it raised, in one write transaction; the new alerts.

    Nothing is read when no watch-list exists. A story whose articles, languages and outlets are what a list
    last saw of it raises nothing again. ``encoder`` encodes the lists' queries (needed only by those).
    """
    touched = sorted({int(story_id) for story_id in story_ids})
    if not touched or not store.has_watchlists():
        return []
    now = now or datetime.now(UTC)
    stamp = _stamp(now)
    window = timedelta(hours=settings.developing_window_hours)
    raised: list[dict[str, Any]] = []
    with store.transaction():  # read what the lists saw under the write lock: two writers raise an alert once
        lists = list_watchlists(store)
        live = store.live_story_ids(touched)
        facts = store.story_facts(live)
        live = [story_id for story_id in live if facts[story_id]["articles"]]
        seen = store.watch_matches(live)
        evaluation = _Evaluation(store, live, settings, encoder, now)
        for watchlist in lists:
            assert watchlist.id is not None
            known = {story_id for list_id, story_id in seen if list_id == watchlist.id}
            for story_id in evaluation.matching(watchlist, facts, known):
                fact, before = facts[story_id], seen.get((watchlist.id, story_id))
                if before is not None and (before["articles"], before["languages"], before["outlets"]) == (
                        fact["articles"], fact["languages"], fact["outlets"]):
                    continue  # nothing changed since the list last looked
                alerts = _alerts(watchlist, fact, before)
                last_growth = before["last_growth_at"] if before else None
                # growth is of a story the list knows: a story's first sight is its new-story alert
                if GROWTH in watchlist.triggers and before is not None and fact["articles"] > before["articles"] and (
                        last_growth is None or last_growth <= _stamp(now - window)):
                    growth = evaluation.growth().get(story_id)
                    if growth is not None and growth.score >= settings.watch_growth_min_score:
                        alerts.append((GROWTH, growth.to_json()))
                        last_growth = stamp
                store.save_watch_match(watchlist.id, story_id, fact, stamp, last_growth, new=before is None)
                for trigger, detail in alerts:
                    store.insert_alert(watchlist.id, story_id, trigger, detail, stamp)
                    raised.append({"watchlist": watchlist.name, "story_id": story_id, "trigger": trigger,
                                   "detail": detail, "webhook": watchlist.webhook_url is not None})
    return raised


def _alerts(watchlist: Watchlist, fact: dict[str, Any],
            before: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """The new-story, new-language and new-outlet alerts a change raises on a list (growth aside)."""
    if before is None:
        if NEW_STORY not in watchlist.triggers:
            return []
        return [(NEW_STORY, {"articles": fact["articles"], "languages": sorted(fact["languages"]),
                             "outlets": sorted(fact["outlets"])})]
    alerts = []
    languages, outlets = sorted(fact["languages"] - before["languages"]), sorted(fact["outlets"] - before["outlets"])
    if languages and NEW_LANGUAGE in watchlist.triggers:
        alerts.append((NEW_LANGUAGE, {"languages": languages, "articles": fact["articles"]}))
    if outlets and NEW_OUTLET in watchlist.triggers:
        alerts.append((NEW_OUTLET, {"outlets": outlets, "articles": fact["articles"]}))
    return alerts


# --- reading alerts --------------------------------------------------------------------------------


def alert_summary(alert: dict[str, Any]) -> str:
    """What an alert says, in words: ``new language: de, fr``."""
    detail = alert["detail"]
    if alert["trigger"] == NEW_STORY:
        return f"new story ({detail.get('articles', 0)} article{'s' if detail.get('articles') != 1 else ''})"
    if alert["trigger"] == NEW_LANGUAGE:
        return "new language: " + ", ".join(detail.get("languages", []))
    if alert["trigger"] == NEW_OUTLET:
        return "new outlet: " + ", ".join(detail.get("outlets", []))
    if alert["trigger"] == GROWTH:
        return f"growing fast ({detail.get('recent_articles', 0)} new articles, growth {detail.get('score')})"
    return alert["trigger"]


def titled_alerts(store: Store, alerts: list[dict[str, Any]], reader_languages: Sequence[str],
                  translator: Any = None) -> list[dict[str, Any]]:
    """Alerts with their story's live id and its title for the reader, as the river titles stories
    (:func:`babelwire.views.reader_title`), and ``summary`` (:func:`alert_summary`)."""
    from babelwire import views

    live_of = dict(zip([alert["story_id"] for alert in alerts],
                       store.live_story_ids([alert["story_id"] for alert in alerts], keep_order=True), strict=True))
    stories = {story.id: story for story in store.stories(story_ids=sorted(set(live_of.values())))}
    articles = store.articles_of_stories(list(stories))
    titles = {}
    for story_id, story in stories.items():
        vectors = store.embeddings([article.id for article in articles[story_id]])
        titles[story_id] = views.reader_title(story, articles[story_id], vectors, reader_languages, None, translator)
    found = []
    for alert in alerts:
        live = live_of[alert["story_id"]]
        title = titles.get(live, {})
        found.append({**alert, "story_id": live, "title": title.get("title") or f"story {live}",
                      "title_language": title.get("title_language"), "summary": alert_summary(alert)})
    return found


def public_alert(alert: dict[str, Any]) -> dict[str, Any]:
    """An alert as the API and ``babelwire alerts --json`` show it (no webhook secret or URL)."""
    keys = ("id", "watchlist", "story_id", "trigger", "detail", "summary", "title", "title_language", "created_at",
            "delivered_at", "delivery_attempts", "next_delivery_at", "last_error")
    return {key: alert.get(key) for key in keys}


def atom_feed(watchlist: Watchlist, alerts: Sequence[dict[str, Any]], base_url: str) -> str:
    """A watch-list's alerts (:func:`titled_alerts`, newest first) as an Atom 1.0 feed whose entries link to the
    story pages under ``base_url`` (``http://host:port``)."""
    base = base_url.rstrip("/")
    feed_id = f"{base}/watch/{watchlist.name}.atom"
    updated = alerts[0]["created_at"] if alerts else (watchlist.created_at or _stamp(datetime.now(UTC)))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(f'babelwire watch-list {watchlist.name}')}</title>",
        f"  <subtitle>{escape(watchlist.describe())}</subtitle>",
        f"  <id>{escape(feed_id)}</id>",
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(feed_id)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(f'{base}/watch/{watchlist.name}')}/>",
        f"  <updated>{escape(updated)}</updated>",
        "  <author><name>babelwire</name></author>",
        "  <generator>babelwire</generator>",
    ]
    for alert in alerts:
        link = f"{base}/stories/{alert['story_id']}"
        entry_id = f"{base}/watch/{watchlist.name}/alerts/{alert['id']}"
        language = f" xml:lang={quoteattr(alert['title_language'])}" if alert.get("title_language") else ""
        lines += [
            "  <entry>",
            f"    <title{language}>{escape(alert['title'])} ({escape(alert['summary'])})</title>",
            f"    <id>{escape(entry_id)}</id>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>",
            f"    <updated>{escape(alert['created_at'])}</updated>",
            f"    <category term={quoteattr(alert['trigger'])}/>",
            f"    <summary>{escape(alert['summary'])}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def after_batch(store: Store, story_ids: Iterable[int], settings: Settings,
                encoder: Encoder | None = None) -> list[dict[str, Any]]:
    """What :meth:`babelwire.Tracker.add` runs after each stored batch: evaluate the watch-lists against the
    batch's stories, then deliver the pending webhooks when an alert of a list with one was raised (and
    ``settings.watch_deliver_at_ingest``). The new alerts."""
    raised = evaluate_watchlists(store, story_ids, settings, encoder)
    if settings.watch_deliver_at_ingest and any(alert["webhook"] for alert in raised):
        from babelwire.webhooks import deliver_pending

        deliver_pending(store, settings)
    return raised
