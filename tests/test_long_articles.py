"""The pair score (``/api/compare``) reads a bounded prefix of each article, however long it is."""

from __future__ import annotations

import numpy as np

from babelwire import similarity
from babelwire.encoders import HashingEncoder
from babelwire.similarity import MAX_CHUNK_TEXT, PROFILE_CHARS, PairScorer, Profiler, name_keys
from babelwire.types import Article


class RecordingEncoder(HashingEncoder):
    """The hashing encoder, noting the longest text it was given."""

    longest = 0

    def encode(self, texts):
        RecordingEncoder.longest = max([RecordingEncoder.longest, *map(len, texts)])
        return super().encode(texts)


def test_profile_of_a_megabyte_without_sentence_breaks_reads_a_bounded_prefix(monkeypatch) -> None:
    split_lengths: list[int] = []
    real_split = similarity.split_sentences

    def recording_split(text: str, language: str) -> list[str]:
        split_lengths.append(len(text))
        return real_split(text, language)

    monkeypatch.setattr(similarity, "split_sentences", recording_split)
    # one run of words, no full stop and no newline; a name only past the cap
    text = "word " * 200_000 + "Zanzibar said so"
    article = Article(title="A long one", text=text, language="en")
    profile = Profiler(RecordingEncoder()).profiles([article])[0]
    assert split_lengths == [PROFILE_CHARS]
    assert RecordingEncoder.longest <= MAX_CHUNK_TEXT
    assert "zanzi" not in profile.names  # read only within the prefix
    assert profile.length == len(text)
    score = PairScorer(HashingEncoder()).score(article, Article(title="A long one", text=text[5:], language="en"))
    assert 0.0 <= score.score <= 1.0 and np.isfinite(score.score)


def test_name_keys_still_skip_sentence_openers() -> None:
    text = "Berlin is big.   Paris   said Lukashenko met Putin\n\n  Madrid"
    # a line break is passed over like a space, as the stripped prefix did before
    assert name_keys(text) == frozenset({"lukas", "putin", "madri"})
