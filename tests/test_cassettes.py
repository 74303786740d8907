"""Every cassette is free of secrets and plain YAML that a reviewer can read."""

from __future__ import annotations

import yaml

from tests.conftest import CASSETTES
from tests.secrets import KEY_PATTERN, scrub


def test_cassettes_exist() -> None:
    assert len(list(CASSETTES.rglob("*.yaml"))) > 40


def test_no_cassette_holds_a_key_shaped_secret() -> None:
    offenders = [
        str(path)
        for path in CASSETTES.rglob("*.yaml")
        if KEY_PATTERN.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_no_cassette_keeps_an_authorization_value() -> None:
    for path in CASSETTES.rglob("*.yaml"):
        for interaction in yaml.safe_load(path.read_text("utf-8"))["interactions"]:
            headers = {k.lower(): v for k, v in interaction["request"]["headers"].items()}
            assert headers.get("authorization", ["REDACTED"]) == ["REDACTED"], path


def test_scrub_replaces_every_key_shape() -> None:
    text = "Bearer AK-abcdefgh12345678 and sk-ABCDEFGHIJKLMNOPQRST and AK-zzzzzzzz9"
    assert not KEY_PATTERN.search(scrub(text))
    assert scrub("no secrets here") == "no secrets here"
