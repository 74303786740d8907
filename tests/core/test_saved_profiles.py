"""Saved model profiles (``akile doctor --save``): where they live, how they rank, bad files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from akile_core import AkileConfigError
from akile_core.profiles import clear_registered_profiles, register_model_profile, resolve
from akile_core.rules import apply_rules, rules_for
from akile_core.saved_profiles import (
    PROFILES_FILE_ENV,
    forget_saved_facts,
    profiles_path,
    save_facts,
    saved_facts,
)


@pytest.fixture
def profiles_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "akile" / "profiles.json"
    monkeypatch.setenv(PROFILES_FILE_ENV, str(path))
    forget_saved_facts()
    yield path
    monkeypatch.setenv(PROFILES_FILE_ENV, "")
    forget_saved_facts()
    clear_registered_profiles()


def sent(model: str, body: dict[str, object]) -> set[str]:
    out, _ = apply_rules({"model": model, **body}, rules_for(model, resolve(model)))
    return set(out) - {"model"}


def test_where_the_file_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PROFILES_FILE_ENV, "")
    assert profiles_path() is None  # an empty value turns the file off
    monkeypatch.delenv(PROFILES_FILE_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert profiles_path() == tmp_path / "akile" / "profiles.json"
    monkeypatch.setenv(PROFILES_FILE_ENV, "~/elsewhere.json")
    assert profiles_path() == Path.home() / "elsewhere.json"


def test_saved_facts_change_what_is_sent(profiles_file: Path) -> None:
    # An alias whose name says nothing: by default both parameters and the seed go out.
    assert sent("team-sonnet", {"temperature": 0.2, "top_p": 0.9, "seed": 1}) == {
        "temperature",
        "top_p",
        "seed",
    }
    save_facts(
        "team-sonnet",
        {"temperature_with_top_p": False, "rejected_params": ("seed",)},
        {"temperature and top_p together": "rejected"},
        "http://gateway/v1",
    )
    assert resolve("team-sonnet").how == "saved"
    assert sent("team-sonnet", {"temperature": 0.2, "top_p": 0.9, "seed": 1}) == {"temperature"}
    written = json.loads(profiles_file.read_text())
    assert written["models"]["team-sonnet"] == {
        "temperature_with_top_p": False,
        "rejected_params": ["seed"],
        "observed": {"temperature and top_p together": "rejected"},
        "base_url": "http://gateway/v1",
    }
    register_model_profile("team-sonnet", temperature_with_top_p=True, rejected_params=())
    assert sent("team-sonnet", {"temperature": 0.2, "top_p": 0.9, "seed": 1}) == {
        "temperature",
        "top_p",
        "seed",
    }  # code has the last word


def test_a_channel_that_takes_both_turns_the_claude_rule_off(profiles_file: Path) -> None:
    assert sent("claude-sonnet-4-5", {"temperature": 0.2, "top_p": 0.9}) == {"temperature"}
    save_facts("claude-sonnet-4-5", {"temperature_with_top_p": True}, {}, None)
    assert sent("claude-sonnet-4-5", {"temperature": 0.2, "top_p": 0.9}) == {
        "temperature",
        "top_p",
    }
    # The table's facts stay where the file says nothing.
    assert resolve("claude-sonnet-4-5").spec.context_window == 200_000  # type: ignore[union-attr]


def test_saving_keeps_other_models(profiles_file: Path) -> None:
    save_facts("a-model", {"structured_output": "json_mode"}, {}, None)
    save_facts("b-model", {"structured_output": "function_calling"}, {}, None)
    assert set(saved_facts()) == {"a-model", "b-model"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "cannot be read"),
        ('{"a": 1}', 'no "models" object'),
        ('{"models": {"m": {"context_windw": 5}}}', "unknown model facts \\['context_windw'\\]"),
        ('{"models": {"m": 5}}', "must be an object"),
        # The check register_model_profile makes, made of the file too (one check for both).
        ('{"models": {"m": {"family": "anthropic"}}}', "family must be one of"),
    ],
)
def test_a_bad_file_is_an_error_that_names_it(profiles_file: Path, text: str, message: str) -> None:
    profiles_file.parent.mkdir(parents=True)
    profiles_file.write_text(text)
    with pytest.raises(AkileConfigError, match=message) as info:
        resolve("m")
    assert str(profiles_file) in str(info.value)
    with pytest.raises(AkileConfigError):  # nor is it overwritten
        save_facts("m", {"structured_output": "json_mode"}, {}, None)
    assert profiles_file.read_text() == text
