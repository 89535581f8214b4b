"""Shared fixtures: models are loaded once per session, stores live in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from babelwire.encoders import E5Encoder, HashingEncoder
from babelwire.settings import Settings
from babelwire.tracker import Tracker, make_language_identifier

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DEMO = REPO / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def e5() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="session")
def language_identifier():
    return make_language_identifier(Settings())


@pytest.fixture
def make_tracker(tmp_path: Path, e5, language_identifier) -> Callable[..., Tracker]:
    """Build trackers on a store in tmp_path with the session's models (closed after the test)."""
    opened: list[Tracker] = []

    def factory(db: str | Path | None = None, settings: Settings | None = None, encoder=None) -> Tracker:
        tracker = Tracker(
            db or tmp_path / "test.db", settings or Settings(),
            encoder=encoder or e5, language_identifier=language_identifier,
        )
        opened.append(tracker)
        return tracker

    yield factory
    for tracker in opened:
        tracker.close()


@pytest.fixture(scope="session")
def demo_tracker(tmp_path_factory, e5, language_identifier) -> Tracker:
    """One store holding the demo corpus, shared by the tests that only read it."""
    tracker = Tracker(
        tmp_path_factory.mktemp("demo") / "demo.db", Settings(), encoder=e5, language_identifier=language_identifier
    )
    tracker.demo_report = tracker.ingest([DEMO / "corpus"])
    yield tracker
    tracker.close()


@pytest.fixture
def hashing_tracker(tmp_path: Path, language_identifier) -> Tracker:
    """A tracker with the model-free hashing encoder, for tests about storage and input handling."""
    settings = Settings(encoder="hashing")
    tracker = Tracker(tmp_path / "hash.db", settings, encoder=HashingEncoder(), language_identifier=language_identifier)
    yield tracker
    tracker.close()
