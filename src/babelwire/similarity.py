"""Pairwise article similarity: features, a small learned model, and an explanation.

An article is first reduced to a :class:`TextProfile` (vectors of its lead, its
whole text, its title and its first sentences, plus the names and numbers it
mentions). Two profiles give a fixed set of features — embedding cosines, the
best cross-lingual sentence alignments, overlap of names, numbers and character
4-grams, the publication-date gap — and a ridge model trained on the SemEval-2022
Task 8 dev pairs (``scripts/train_pair_model.py``) turns them into one score.

The model is linear in a few *terms* of each feature: the feature itself, hinges
``max(x - knot, 0)`` that let a cosine count more once it is high, and the
feature times ``same_language`` (one language's pairs sit higher on every
cosine). On the dev pairs these terms raised the cross-validated Pearson from
0.774 to 0.796 (docs/BENCHMARKS.md). Each term belongs to one feature, so the
score still splits exactly into per-feature contributions: that split is the
explanation.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from babelwire.analysis import split_lead
from babelwire.dates import interval_gap_days
from babelwire.encoders import Encoder
from babelwire.sentences import split_sentences
from babelwire.types import UNDETERMINED, Article

BUNDLED_PAIR_MODEL = Path(__file__).parent / "data" / "pair_model.json"

#: characters per embedded chunk, and how many chunks make up the "whole text"; the pair
#: model reads more of the lead than the linker (``Settings.embed_max_chars``): it runs on
#: pairs, not on every article, and was trained at this length
CHUNK_CHARS = 800
MAX_CHUNKS = 3
#: sentences used for alignment (the lead carries the event), and their length cap
MAX_SENTENCES = 8
SENTENCE_CHARS = 300
MIN_SENTENCE_CHARS = 25
#: characters of title + text compared as character 4-grams (the lexical overlap feature)
GRAM_CHARS = 3000
GRAM_SIZE = 4
#: characters of an article's text a profile reads (sentences, names, numbers), like the encoder's token cap:
#: what the features use lies in the first few thousand, and a 1 MB article took 8 s to compare whole
PROFILE_CHARS = 20_000
#: characters of one chunk given to the encoder: past its 512 tokens nothing is read anyway, and one sentence
#: of 1 MB (no breaks) would otherwise be tokenized whole
MAX_CHUNK_TEXT = 8 * CHUNK_CHARS

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "i", "ye", "g"],
    strict=True,
))
_CAPITALISED = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]{2,})", re.UNICODE)
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ .,’']\d{3})+|\d+)(?:[.,](\d+))?(?![\w])")


def latin_key(word: str) -> str:
    """A spelling-tolerant key for a name: transliterated, without diacritics, lower case."""
    lowered = word.casefold()
    lowered = "".join(_CYRILLIC.get(char, char) for char in lowered)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


def name_keys(text: str) -> frozenset[str]:
    """Keys of capitalised words that are not just sentence openers: mostly names and places.

    The key keeps the first five letters, so inflected forms (Putins, Путина)
    and many transliterations (Lukashenko, Lukasjenko) share one key.
    """
    keys = set()
    for match in _CAPITALISED.finditer(text):
        word = match.group(1)
        if not word[0].isupper():
            continue
        start = match.start()
        while start and text[start - 1].isspace():  # the character before, past spaces (no copy of the prefix)
            start -= 1
        if not start or text[start - 1] in ".!?:;\"«»„“”—–-\n":
            continue  # a sentence opener says nothing about names
        key = latin_key(word)[:5]
        if len(key) >= 3:
            keys.add(key)
    return frozenset(keys)


def number_keys(text: str) -> frozenset[str]:
    """Numbers of two or more digits, with thousands separators and decimal commas unified."""
    keys = set()
    for match in _NUMBER.finditer(text):
        whole = re.sub(r"[ .,’']", "", match.group(1))
        value = whole + (f".{match.group(2)}" if match.group(2) else "")
        if len(whole) >= 2 or match.group(2):
            keys.add(value.lstrip("0") or "0")
    return frozenset(keys)


def char_grams(text: str, size: int = GRAM_SIZE) -> Counter[str]:
    """Counts of the character n-grams of casefolded text, spaces collapsed."""
    padded = " " + _SPACES.sub(" ", text.casefold()) + " "
    return Counter(padded[i : i + size] for i in range(len(padded) - size + 1))


def _counter_cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


@dataclass
class TextProfile:
    """What the pair features need of one article, computed once."""

    language: str
    lead: np.ndarray
    body: np.ndarray
    title: np.ndarray | None
    sentences: np.ndarray
    names: frozenset[str]
    numbers: frozenset[str]
    length: int
    interval: tuple[datetime, datetime] | None = None
    grams: Counter[str] = field(default_factory=Counter)


def _chunks(article: Article, sentences: list[str]) -> list[str]:
    """The lead (title and leading sentences up to CHUNK_CHARS) and up to MAX_CHUNKS - 1 chunks after it."""
    lead, used = split_lead(article, CHUNK_CHARS, sentences)
    chunks = [lead]
    current: list[str] = []
    size = 0
    for sentence in sentences[used:]:
        if size + len(sentence) > CHUNK_CHARS and current:
            chunks.append(" ".join(current))
            current, size = [], 0
            if len(chunks) == MAX_CHUNKS:
                break
        current.append(sentence)
        size += len(sentence) + 1
    if current and len(chunks) < MAX_CHUNKS:
        chunks.append(" ".join(current))
    return chunks


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


class Profiler:
    """Builds :class:`TextProfile` values with one encoder call per batch of articles."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder

    def profiles(self, articles: Sequence[Article]) -> list[TextProfile]:
        texts: list[str] = []
        plans = []
        for article in articles:
            language = article.language if article.language != UNDETERMINED else "en"
            sentences = article.sentences or split_sentences(article.text[:PROFILE_CHARS], language)
            chunks = [chunk[:MAX_CHUNK_TEXT] for chunk in _chunks(article, sentences)]
            picked = [s[:SENTENCE_CHARS] for s in sentences if len(s) >= MIN_SENTENCE_CHARS][:MAX_SENTENCES]
            start = len(texts)
            texts.extend(chunks)
            texts.extend(picked)
            if article.title:
                texts.append(article.title)
            plans.append((start, len(chunks), len(picked), bool(article.title)))
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), np.float32)
        profiles = []
        for article, (start, n_chunks, n_sentences, has_title) in zip(articles, plans, strict=True):
            chunk_vectors = vectors[start : start + n_chunks]
            sentence_vectors = vectors[start + n_chunks : start + n_chunks + n_sentences]
            title = vectors[start + n_chunks + n_sentences] if has_title else None
            full = f"{article.title}\n{article.text[:PROFILE_CHARS]}"
            profiles.append(TextProfile(
                language=article.language,
                lead=chunk_vectors[0],
                body=_unit(chunk_vectors.mean(axis=0)),
                title=title,
                sentences=sentence_vectors if n_sentences else chunk_vectors[:1],
                names=name_keys(full),
                numbers=number_keys(full),
                length=len(article.text),
                interval=article.published.interval() if article.published else None,
                grams=char_grams(full[:GRAM_CHARS]),
            ))
        return profiles


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _alignment(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """BERTScore-style F1 of best sentence matches, the single best match, and the mean of all pairs."""
    sims = a @ b.T
    precision = float(sims.max(axis=1).mean())
    recall = float(sims.max(axis=0).mean())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return f1, float(sims.max()), float(sims.mean())


#: what each feature is, for people (``babelwire compare``)
FEATURE_LABELS: dict[str, str] = {
    "lead_cos": "meaning of title and lead (cosine)",
    "body_cos": "meaning of the whole text (cosine)",
    "title_cos": "meaning of the titles (cosine)",
    "has_titles": "both have a title",
    "align_f1": "sentences that match across the two (F1)",
    "align_max": "best-matching pair of sentences",
    "align_mean": "average sentence match",
    "names_jaccard": "names in common (share of all)",
    "names_overlap": "names in common (share of the fewer)",
    "has_names": "both name someone or somewhere",
    "numbers_jaccard": "numbers in common",
    "has_numbers": "both have numbers",
    "same_language": "same language",
    "length_ratio": "difference in length (log ratio)",
    "short_text": "a short text (under 400 characters)",
    "date_gap": "days between publications (log)",
    "has_dates": "both are dated",
    "char_cos": "shared spelling (character 4-grams)",
}

FEATURES: tuple[str, ...] = (
    "lead_cos", "body_cos", "title_cos", "has_titles", "align_f1", "align_max", "align_mean",
    "names_jaccard", "names_overlap", "has_names", "numbers_jaccard", "has_numbers",
    "same_language", "length_ratio", "short_text", "date_gap", "has_dates", "char_cos",
)

_COSINES = ("lead_cos", "body_cos", "title_cos", "align_f1", "align_max")
_KNOTS = (0.1, 0.25, 0.4, 0.55, 0.7)
#: the model's terms: each feature, hinges ``feature>knot`` and products ``feature*same_language``
TERMS: tuple[str, ...] = (
    *FEATURES,
    *(f"{name}>{knot}" for name in _COSINES for knot in _KNOTS),
    *(f"{name}>{knot}" for name in ("char_cos",) for knot in (0.3, 0.5)),
    *(f"{name}*same_language" for name in (*_COSINES, "char_cos")),
)


def term_feature(term: str) -> str:
    """The feature a term belongs to (and is explained by)."""
    return re.split(r"[>*]", term, maxsplit=1)[0]


def term_value(term: str, features: dict[str, float]) -> float:
    """A term's value: ``name``, ``name>knot`` (hinge: max(x - knot, 0)) or ``name*other`` (product)."""
    if ">" in term:
        name, knot = term.split(">", 1)
        return max(features[name] - float(knot), 0.0)
    if "*" in term:
        name, other = term.split("*", 1)
        return features[name] * features[other]
    return features[term]


def pair_features(a: TextProfile, b: TextProfile) -> dict[str, float]:
    """The named features of one pair (symmetric in ``a`` and ``b``)."""
    lead = float(a.lead @ b.lead)
    has_titles = a.title is not None and b.title is not None
    align_f1, align_max, align_mean = _alignment(a.sentences, b.sentences)
    has_names = bool(a.names and b.names)
    has_numbers = bool(a.numbers and b.numbers)
    shorter, longer = sorted((max(a.length, 1), max(b.length, 1)))
    has_dates = a.interval is not None and b.interval is not None
    gap = interval_gap_days(a.interval, b.interval) if has_dates else 0.0
    return {
        "lead_cos": lead,
        "body_cos": float(a.body @ b.body),
        "title_cos": float(a.title @ b.title) if has_titles else lead,
        "has_titles": float(has_titles),
        "align_f1": align_f1,
        "align_max": align_max,
        "align_mean": align_mean,
        "names_jaccard": _jaccard(a.names, b.names),
        "names_overlap": len(a.names & b.names) / min(len(a.names), len(b.names)) if has_names else 0.0,
        "has_names": float(has_names),
        "numbers_jaccard": _jaccard(a.numbers, b.numbers),
        "has_numbers": float(has_numbers),
        "same_language": float(a.language == b.language and a.language != UNDETERMINED),
        "length_ratio": math.log(longer / shorter),
        "short_text": float(shorter < 400),
        "date_gap": math.log1p(gap),
        "has_dates": float(has_dates),
        "char_cos": _counter_cosine(a.grams, b.grams),
    }


@dataclass(frozen=True)
class PairScore:
    """A similarity score in [0, 1] (1 = same event) with what drove it."""

    score: float
    features: dict[str, float]
    #: each feature's share of the score relative to an average pair (positive: more similar)
    contributions: dict[str, float] = field(default_factory=dict)
    #: the score of an average pair: ``base + sum(contributions)`` is the score before it is kept within [0, 1]
    base: float = 0.0

    def top_reasons(self, count: int = 3) -> list[tuple[str, float]]:
        """The features that moved the score most, largest effect first."""
        return sorted(self.contributions.items(), key=lambda item: -abs(item[1]))[:count]


@dataclass
class PairModel:
    """A ridge regression over standardised terms (see :data:`TERMS`), predicting similarity on a 1–4 scale."""

    features: tuple[str, ...]  # the terms, in column order
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float
    metadata: dict = field(default_factory=dict)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """SemEval-style "Overall" (1 = same event … 4 = unrelated) for term rows."""
        return ((rows - self.mean) / self.scale) @ self.weights + self.intercept

    def explain(self, features: dict[str, float]) -> PairScore:
        """The score of one pair's features, with each feature's contribution (its terms summed)."""
        row = np.array([term_value(term, features) for term in self.features], dtype=np.float64)
        terms = (row - self.mean) / self.scale * self.weights
        overall = float(terms.sum() + self.intercept)
        # 1 → 1.0 and 4 → 0.0; contributions flip sign so that positive means "more similar"
        score = float(np.clip((4.0 - overall) / 3.0, 0.0, 1.0))
        contributions = dict.fromkeys(features, 0.0)
        for term, value in zip(self.features, terms, strict=True):
            contributions[term_feature(term)] += float(-value / 3.0)
        return PairScore(score, features, contributions, base=float((4.0 - self.intercept) / 3.0))

    def to_json(self) -> dict:
        return {
            "features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "weights": self.weights.tolist(), "intercept": self.intercept, "metadata": self.metadata,
        }

    @classmethod
    def from_json(cls, data: dict) -> PairModel:
        return cls(
            tuple(data["features"]), np.array(data["mean"]), np.array(data["scale"]),
            np.array(data["weights"]), float(data["intercept"]), data.get("metadata", {}),
        )

    @classmethod
    def load(cls, path: str | Path = BUNDLED_PAIR_MODEL) -> PairModel:
        return cls.from_json(json.loads(Path(path).read_text()))


class PairScorer:
    """Scores article pairs with the bundled (or a given) model and explains the score."""

    def __init__(self, encoder: Encoder, model: PairModel | None = None):
        self.profiler = Profiler(encoder)
        self.model = model or PairModel.load()

    def score(self, a: Article, b: Article) -> PairScore:
        first, second = self.profiler.profiles([a, b])
        return self.model.explain(pair_features(first, second))

    def score_profiles(self, a: TextProfile, b: TextProfile) -> PairScore:
        return self.model.explain(pair_features(a, b))
