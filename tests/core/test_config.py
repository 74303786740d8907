from __future__ import annotations

import pytest
from pydantic import SecretStr

from akile_core import DEFAULT_BASE_URL, AkileConfigError, AkileSettings


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKILE_API_KEY", "AK-fromenv1")
    monkeypatch.setenv("AKILE_BASE_URL", "https://env.example/v1")
    settings = AkileSettings.resolve(api_key="AK-argument", base_url="https://arg.example/v1")
    assert settings.api_key.get_secret_value() == "AK-argument"
    assert settings.base_url == "https://arg.example/v1"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKILE_API_KEY", "AK-fromenv1")
    monkeypatch.setenv("AKILE_BASE_URL", "https://env.example/v1/")
    settings = AkileSettings.resolve()
    assert settings.api_key.get_secret_value() == "AK-fromenv1"
    assert settings.base_url == "https://env.example/v1"


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKILE_BASE_URL", raising=False)
    assert (
        AkileSettings.resolve(api_key="k").base_url
        == DEFAULT_BASE_URL
        == "https://aigateway.akile.ai/v1"
    )


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_or_empty_key_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    monkeypatch.delenv("AKILE_API_KEY", raising=False)
    with pytest.raises(AkileConfigError) as info:
        AkileSettings.resolve(api_key=key)
    assert "AKILE_API_KEY" in str(info.value) and "api_key=" in str(info.value)


def test_key_with_whitespace_is_rejected() -> None:
    with pytest.raises(AkileConfigError, match="whitespace"):
        AkileSettings.resolve(api_key="AK-abcdefgh\n")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("aigateway.akile.ai/v1", "not an http(s) URL"),
        ("ftp://aigateway.akile.ai/v1", "not an http(s) URL"),
        ("https://aigateway.akile.ai/v1/chat/completions", "'https://aigateway.akile.ai/v1'"),
        ("http://127.0.0.1:8765/v1/models", "'http://127.0.0.1:8765/v1'"),
        ("https://aigateway.akile.ai", "serves its API under /v1"),
        ("https://aigateway.akile.ai/api", "serves its API under /v1"),
    ],
)
def test_bad_base_urls_say_what_to_use(url: str, fragment: str) -> None:
    with pytest.raises(AkileConfigError) as info:
        AkileSettings.resolve(api_key="k", base_url=url)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("timeout", 0), ("timeout", -1.0), ("max_retries", -1), ("max_retries", True)],
)
def test_bad_numbers(field: str, value: object) -> None:
    with pytest.raises(AkileConfigError, match=field):
        AkileSettings.resolve(api_key="k", **{field: value})  # type: ignore[arg-type]


def test_equal_settings_are_equal_and_hashable() -> None:
    a = AkileSettings.resolve(api_key="k", default_headers={"b": "2", "a": "1"})
    b = AkileSettings.resolve(api_key=SecretStr("k"), default_headers={"a": "1", "b": "2"})
    assert a == b and hash(a) == hash(b)


def test_key_is_not_in_repr() -> None:
    settings = AkileSettings.resolve(api_key="AK-supersecret99")
    assert "supersecret" not in repr(settings) and "supersecret" not in str(settings)
