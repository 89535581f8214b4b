"""Sentence splitting: blingfire for scripts without spaces, syntok for the rest."""

from __future__ import annotations

import re

#: languages whose sentences end with 。！？ and have no spaces between words
_CJK = {"zh", "ja"}
_CJK_BOUNDARY = re.compile(r"(?<=[。！？!?])\s*")


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of ``text``; paragraphs never run into one another."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if language in _CJK:
            sentences.extend(_split_cjk(paragraph))
        else:
            sentences.extend(_split_syntok(paragraph))
    return sentences


def _split_cjk(paragraph: str) -> list[str]:
    try:
        import blingfire

        parts = blingfire.text_to_sentences(paragraph).split("\n")
    except (ImportError, OSError):  # blingfire ships a native library: fall back to punctuation
        parts = _CJK_BOUNDARY.split(paragraph)
    # blingfire leaves runs of 。-terminated clauses joined; cut them as well
    return [piece.strip() for part in parts for piece in _CJK_BOUNDARY.split(part) if piece.strip()]


def _split_syntok(paragraph: str) -> list[str]:
    import syntok.segmenter as segmenter

    sentences = []
    for para in segmenter.analyze(paragraph):
        for sentence in para:
            joined = "".join(token.spacing + token.value for token in sentence).strip()
            if joined:
                sentences.append(joined)
    return sentences or [paragraph]
