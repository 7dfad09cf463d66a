from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import Settings, load_settings, setting_help
from newsprism.errors import ConfigError


def test_layers_in_order(tmp_path: Path) -> None:
    config = tmp_path / "np.toml"
    config.write_text("[newsprism]\nwindow_days = 3\nbatch_size = 50\n", encoding="utf-8")
    settings = load_settings(
        config,
        overrides={"batch_size": 10, "db": None},
        environ={"NEWSPRISM_WINDOW_DAYS": "5", "NEWSPRISM_DB": "env.db"},
    )
    assert settings.window_days == 5  # env beats file
    assert settings.batch_size == 10  # flag beats file
    assert settings.db == "env.db"  # a flag left unset (None) does not override


def test_unknown_setting_is_an_error_with_a_hint(tmp_path: Path) -> None:
    config = tmp_path / "np.toml"
    config.write_text("window_day = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'window_days'"):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match="NEWSPRISM_"):
        load_settings(None, environ={"NEWSPRISM_COLOUR": "red"})


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        load_settings(None, environ={"NEWSPRISM_BATCH_SIZE": "many"})
    bad = tmp_path / "bad.toml"
    bad.write_text("window_days = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, environ={})


def test_every_setting_is_documented() -> None:
    helps = setting_help()
    assert set(helps) == set(Settings().as_dict())
    assert all(len(text) > 10 for text in helps.values())


def test_workers_help_tells_what_the_default_does() -> None:
    help_text = setting_help()["workers"]
    assert Settings().workers == 1
    assert "1: all in this process" in help_text
    assert "core machine" not in help_text  # the default does not depend on the machine
