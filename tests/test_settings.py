"""Settings come from code, TOML files and environment variables, and reject unknown keys."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from babelwire.settings import Settings, default_db_path


def test_environment_overrides_with_types() -> None:
    settings = Settings.from_env({
        "BABELWIRE_LINK_THRESHOLD": "0.5", "BABELWIRE_INGEST_BATCH_SIZE": "4",
        "BABELWIRE_FOLLOW_FEED_LINKS": "yes", "BABELWIRE_LANGUAGES": "en,de", "UNRELATED": "x",
    })
    assert settings.link_threshold == 0.5
    assert settings.ingest_batch_size == 4
    assert settings.follow_feed_links is True
    assert settings.languages == ("en", "de")


def test_toml_file_and_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "ok.toml").write_text('[babelwire]\nlink_window_days = 3.0\nencoder = "hashing"\n')
    assert Settings.from_toml(tmp_path / "ok.toml").link_window_days == 3.0
    (tmp_path / "bad.toml").write_text("link_treshold = 0.4\n")
    with pytest.raises(ValueError, match="link_treshold"):
        Settings.from_toml(tmp_path / "bad.toml")


def test_default_db_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BABELWIRE_DB", raising=False)
    assert default_db_path() == "babelwire.db"
    monkeypatch.setenv("BABELWIRE_DB", "/data/news.db")
    assert default_db_path() == "/data/news.db"


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Settings", 1)[1]
    for field in fields(Settings):
        assert f"| `{field.name}` |" in table, f"README's settings table lacks `{field.name}`"
