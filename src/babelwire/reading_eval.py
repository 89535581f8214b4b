"""Scoring the reading (entities, quotes, speakers, matched statements) against hand-labelled articles.

The gold file (``reading_gold.json``, see ``../shared/data/reading_dev/README.md``) holds articles in
groups; each group is ingested into a store of its own, exactly as a user's articles would be (language
identification included), and then read as one story. What was found is compared with the labels:

- **entity mentions**: a found mention is right when its span equals a labelled one (typed: and its type);
- **entity identity**: over pairs of mentions in different articles that both match a labelled mention, are
  they one entity exactly when their labels share a key (pairwise precision and recall; also across
  languages only);
- **quotes**: a found quote is right when it covers at least half of a labelled one and vice versa;
- **speakers**: for every labelled quote with a speaker, the found speaker is right, wrong, abstained (null),
  or the quote was missed; a speaker given where the label has none is counted apart (``unwarranted``);
- **matched statements**: pairs of quotes in different articles that the reading says render one statement,
  against the pairs that share a match label.

Offsets in the gold file index ``title + "\\n" + text`` as labelled; the stored text is normalised (spaces
collapsed), so found offsets are mapped to gold offsets by aligning the two strings.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path
from typing import Any

from babelwire.reading import StoryReading, read_story
from babelwire.types import Article

#: a found quote matches a labelled one when each covers at least this share of the other
QUOTE_OVERLAP = 0.5


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    text: str
    type: str
    key: str


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    text: str
    speaker_key: str | None
    match: tuple[str, ...]


@dataclass
class GoldArticle:
    """One labelled article: its input fields and its labels (offsets into ``title + "\\n" + text``)."""

    gold_id: str
    group: str
    language: str
    title: str
    text: str
    url: str
    mentions: list[GoldMention]
    quotes: list[GoldQuote]

    @property
    def labelled_text(self) -> str:
        return f"{self.title}\n{self.text}"


def load_gold(path: str | Path) -> list[GoldArticle]:
    """Read a ``reading_gold.json`` file; a malformed one raises ``ValueError`` naming the problem."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ValueError("expected an object with an 'articles' list")
    articles = []
    for number, item in enumerate(data["articles"]):
        try:
            articles.append(GoldArticle(
                item["gold_id"], item["group"], item["language"], item.get("title") or "", item["text"],
                item.get("url") or f"gold://{item['gold_id']}",
                [GoldMention(e["start"], e["end"], e["text"], e["type"], e["key"]) for e in item["entities"]],
                [GoldQuote(q["start"], q["end"], q["text"], q.get("speaker_key"), tuple(q.get("match") or ()))
                 for q in item["quotes"]],
            ))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"article {number}: missing or malformed field {exc}") from exc
    return articles


class OffsetMap:
    """Maps offsets in one string to offsets in a nearly equal one (spacing and normalisation differ)."""

    def __init__(self, source: str, target: str):
        self._map = [-1] * (len(source) + 1)
        matcher = SequenceMatcher(None, source, target, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            # equal runs, and same-length replacements (a normalised character) map one to one
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for k in range(i2 - i1):
                    self._map[i1 + k] = j1 + k
        self._map[len(source)] = len(target)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The target span of ``source[start:end]``, or None when its ends do not align."""
        first = self._map[start] if 0 <= start < len(self._map) else -1
        last = self._map[end - 1] if 0 < end <= len(self._map) else -1
        if first < 0 or last < 0:
            return None
        return first, last + 1


# --- found, in gold coordinates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundMention:
    start: int
    end: int
    text: str
    type: str
    entity: str  # the entity id the reading gave it


@dataclass(frozen=True)
class FoundQuote:
    id: str
    start: int
    end: int
    text: str
    speaker_span: tuple[int, int] | None  # the speaker mention's span, gold coordinates
    speaker_entity: str | None
    speaker: str | None  # the name shown to the reader
    matches: tuple[str, ...]


@dataclass
class FoundArticle:
    gold: GoldArticle
    language: str
    mentions: list[FoundMention] = field(default_factory=list)
    quotes: list[FoundQuote] = field(default_factory=list)


def _found(gold: Sequence[GoldArticle], articles: Sequence[Article], reading: StoryReading) -> list[FoundArticle]:
    maps = {article.id: OffsetMap(article.lead, item.labelled_text) for item, article in zip(gold, articles,
                                                                                            strict=True)}
    found = {article.id: FoundArticle(item, article.language) for item, article in zip(gold, articles, strict=True)}
    for entity in reading.entities:
        for mention in entity.mentions:
            span = maps[mention.article_id].span(mention.start, mention.end)
            if span is not None:
                found[mention.article_id].mentions.append(
                    FoundMention(*span, mention.text, entity.type, entity.id))
    for quote in reading.quotes:
        span = maps[quote.article_id].span(quote.start, quote.end)
        if span is None:
            continue
        speaker = reading.speaker_of.get(quote.id)
        speaker_span = None
        if quote.speaker is not None:
            speaker_span = maps[quote.speaker.article_id].span(quote.speaker.start, quote.speaker.end)
        name = speaker.name if speaker else quote.speaker.name if quote.speaker else None
        found[quote.article_id].quotes.append(FoundQuote(
            quote.id, *span, quote.text, speaker_span, speaker.id if speaker else None, name,
            tuple(reading.quote_matches.get(quote.id, ()))))
    return list(found.values())


# --- scores ---------------------------------------------------------------------------------------------------


def _prf(right: int, found: int, gold: int) -> dict[str, Any]:
    precision = right / found if found else 1.0
    recall = right / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "right": right, "found": found, "gold": gold}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _quote_pairs(found: FoundArticle) -> dict[str, GoldQuote]:
    """Found quote id → the labelled quote it matches (one to one, best overlap first)."""
    candidates = []
    for quote in found.quotes:
        for gold in found.gold.quotes:
            shared = _overlap((quote.start, quote.end), (gold.start, gold.end))
            shortest = min(gold.end - gold.start, quote.end - quote.start)
            longest = max(gold.end - gold.start, quote.end - quote.start)
            if shared >= QUOTE_OVERLAP * longest and shortest > 0:
                candidates.append((shared, quote.id, gold))
    pairs: dict[str, GoldQuote] = {}
    used: set[GoldQuote] = set()
    for _, quote_id, gold in sorted(candidates, key=lambda item: -item[0]):
        if quote_id not in pairs and gold not in used:
            pairs[quote_id] = gold
            used.add(gold)
    return pairs


def _key_at(found: FoundArticle, span: tuple[int, int] | None) -> str | None:
    """The key of the labelled mention that the span overlaps most, if any."""
    if span is None:
        return None
    best = max(found.gold.mentions, key=lambda m: _overlap(span, (m.start, m.end)), default=None)
    return best.key if best is not None and _overlap(span, (best.start, best.end)) > 0 else None


@dataclass
class _Tally:
    mentions: Counter = field(default_factory=Counter)
    quotes: Counter = field(default_factory=Counter)
    speakers: Counter = field(default_factory=Counter)


def _score_article(found: FoundArticle, tally: _Tally, errors: dict[str, list]) -> None:
    gold_spans = {(m.start, m.end): m for m in found.gold.mentions}
    found_spans = {(m.start, m.end): m for m in found.mentions}
    right = [span for span in found_spans if span in gold_spans]
    typed = [span for span in right if found_spans[span].type == gold_spans[span].type]
    tally.mentions.update(found=len(found_spans), gold=len(gold_spans), right=len(right), typed=len(typed))
    gid = found.gold.gold_id
    errors["spurious_mentions"].extend(
        f"{gid}: {m.text} ({m.type})" for span, m in found_spans.items() if span not in gold_spans)
    errors["missed_mentions"].extend(
        f"{gid}: {m.text} ({m.type})" for span, m in gold_spans.items() if span not in found_spans)
    errors["wrong_types"].extend(
        f"{gid}: {found_spans[s].text} {found_spans[s].type} ≠ {gold_spans[s].type}" for s in right if s not in typed)

    pairs = _quote_pairs(found)
    tally.quotes.update(found=len(found.quotes), gold=len(found.gold.quotes), right=len(pairs))
    errors["spurious_quotes"].extend(f"{gid}: «{q.text[:70]}»" for q in found.quotes if q.id not in pairs)
    matched_gold = set(pairs.values())
    errors["missed_quotes"].extend(f"{gid}: «{q.text[:70]}»" for q in found.gold.quotes if q not in matched_gold)
    by_gold = {gold: quote for quote in found.quotes if (gold := pairs.get(quote.id)) is not None}
    for gold in found.gold.quotes:
        quote = by_gold.get(gold)
        if gold.speaker_key is None:
            if quote is not None and quote.speaker is not None:
                tally.speakers["unwarranted"] += 1
                errors["unwarranted_speakers"].append(f"{gid}: «{gold.text[:50]}» → {quote.speaker}")
            continue
        tally.speakers["gold"] += 1
        if quote is None:
            tally.speakers["quote_missed"] += 1
        elif quote.speaker is None:
            tally.speakers["abstained"] += 1
        elif _speaker_key(found, quote) == gold.speaker_key:
            tally.speakers["right"] += 1
        else:
            tally.speakers["wrong"] += 1
            errors["wrong_speakers"].append(f"{gid}: «{gold.text[:50]}» → {quote.speaker} ≠ {gold.speaker_key}")


def _speaker_key(found: FoundArticle, quote: FoundQuote) -> str | None:
    """The labelled key of the found speaker: the mention it points at, else its entity's other mentions."""
    key = _key_at(found, quote.speaker_span)
    if key is not None:
        return key
    keys = Counter(_key_at(found, (m.start, m.end)) for m in found.mentions if m.entity == quote.speaker_entity)
    keys.pop(None, None)
    return keys.most_common(1)[0][0] if keys else None


def _identity(found: Sequence[FoundArticle]) -> dict[str, Any]:
    """Pairwise identity of matched mentions across articles (and across languages) of one group."""
    rows = []  # (article number, language, gold key, found entity)
    for number, article in enumerate(found):
        gold_spans = {(m.start, m.end): m for m in article.gold.mentions}
        for mention in article.mentions:
            gold = gold_spans.get((mention.start, mention.end))
            if gold is not None:
                rows.append((number, article.gold.language, gold.key, mention.entity))
    counts: Counter = Counter()
    for first, second in combinations(rows, 2):
        if first[0] == second[0]:
            continue
        scopes = ["all"] + (["cross_language"] if first[1] != second[1] else [])
        same, merged = first[2] == second[2], first[3] == second[3]
        for scope in scopes:
            counts[scope, "gold"] += same
            counts[scope, "found"] += merged
            counts[scope, "right"] += same and merged
    return counts


def _statement_pairs(found: Sequence[FoundArticle]) -> tuple[set, set, set]:
    """(found pairs, gold pairs, found pairs that are right) of quotes across articles, as gold-quote pairs."""
    gold_pairs = set()
    labelled = [(number, quote) for number, article in enumerate(found) for quote in article.gold.quotes]
    for (n1, q1), (n2, q2) in combinations(labelled, 2):
        if n1 != n2 and set(q1.match) & set(q2.match):
            gold_pairs.add(frozenset({(n1, q1), (n2, q2)}))
    owner = {quote.id: number for number, article in enumerate(found) for quote in article.quotes}
    gold_of = {}
    for number, article in enumerate(found):
        for quote_id, gold in _quote_pairs(article).items():
            gold_of[quote_id] = (number, gold)
    found_pairs = set()
    for article in found:
        for quote in article.quotes:
            for other in quote.matches:
                if owner.get(other) is not None and owner[other] != owner[quote.id]:
                    found_pairs.add(frozenset({quote.id, other}))
    right = set()
    for pair in found_pairs:
        first, second = sorted(pair)
        if first in gold_of and second in gold_of and frozenset({gold_of[first], gold_of[second]}) in gold_pairs:
            right.add(pair)
    return found_pairs, gold_pairs, right


def _speaker_block(counts: Counter) -> dict[str, Any]:
    gold = counts["gold"]
    share = (lambda n: round(n / gold, 4)) if gold else (lambda n: 0.0)
    return {"gold": gold, "right": counts["right"], "wrong": counts["wrong"], "abstained": counts["abstained"],
            "quote_missed": counts["quote_missed"], "unwarranted": counts["unwarranted"],
            "right_share": share(counts["right"]), "wrong_share": share(counts["wrong"])}


def _block(tally: _Tally) -> dict[str, Any]:
    m, q = tally.mentions, tally.quotes
    typed = _prf(m["typed"], m["found"], m["gold"])
    return {"mentions": _prf(m["right"], m["found"], m["gold"]), "mentions_typed": typed,
            "quotes": _prf(q["right"], q["found"], q["gold"]), "speakers": _speaker_block(tally.speakers)}


Reader = Callable[[Sequence[GoldArticle]], tuple[list[Article], StoryReading]]


def evaluate_reading(gold: Sequence[GoldArticle], read_group: Reader,
                     progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Read every group with ``read_group`` and score it (see the module's doc)."""
    groups: dict[str, list[GoldArticle]] = defaultdict(list)
    for article in gold:
        groups[article.group].append(article)
    overall, by_language = _Tally(), defaultdict(_Tally)
    errors: dict[str, list[str]] = defaultdict(list)
    identity: Counter = Counter()
    statements = Counter()
    language_right = 0
    language_errors = []
    for members in groups.values():
        articles, reading = read_group(members)
        found = _found(members, articles, reading)
        for article in found:
            _score_article(article, overall, errors)
            _score_article(article, by_language[article.gold.language], defaultdict(list))
            language_right += article.language == article.gold.language
            if article.language != article.gold.language:
                language_errors.append(f"{article.gold.gold_id}: {article.language}")
        identity.update(_identity(found))
        found_pairs, gold_pairs, right = _statement_pairs(found)
        statements.update(found=len(found_pairs), gold=len(gold_pairs), right=len(right))
        if progress:
            progress(len(members))
    result = _block(overall)
    result["identity"] = {scope: _prf(identity[scope, "right"], identity[scope, "found"], identity[scope, "gold"])
                          for scope in ("all", "cross_language")}
    result["matched_statements"] = _prf(statements["right"], statements["found"], statements["gold"])
    result["language_id"] = {"right": language_right, "articles": len(gold), "errors": language_errors}
    result["by_language"] = {language: _block(tally) for language, tally in sorted(by_language.items())}
    result["articles"], result["groups"] = len(gold), len(groups)
    result["errors"] = dict(errors)
    return result


def tracker_reader(make_tracker: Callable[[str], Any], encoder: Any) -> Reader:
    """A reader that ingests each group into a fresh store (as a user would) and reads all of it as one story."""

    def read_group(members: Sequence[GoldArticle]) -> tuple[list[Article], StoryReading]:
        with tempfile.TemporaryDirectory(prefix="babelwire-eval-") as folder:
            tracker = make_tracker(str(Path(folder) / "reading.db"))
            try:
                articles = [Article(title=m.title, text=m.text, url=m.url, source=m.gold_id) for m in members]
                tracker.add(tracker.analyse(articles), analysed=True)
                stored = [tracker.store.article(article.id) or article for article in articles]
            finally:
                tracker.close()
        return stored, read_story(stored, encoder)

    return read_group


def summary_rows(result: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """``("all", block)`` then one row per language, for printing."""
    yield "all", result
    yield from result["by_language"].items()
