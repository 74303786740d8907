"""RequestPolicy on its own: what a body may hold, decided without any HTTP."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from akile_core import ParameterDroppedWarning, UnsupportedParameterError
from akile_core.policy import RequestPolicy, forget_warnings

CLAUDE = "claude-sonnet-4-5"


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    forget_warnings()
    yield
    forget_warnings()


def rejection(param: str) -> UnsupportedParameterError:
    return UnsupportedParameterError(f"unsupported {param}", status_code=400, param=param)


def test_family_rules_shape_the_body_and_warn_once_per_model_and_parameter() -> None:
    body = {"model": CLAUDE, "messages": [], "temperature": 0.2, "top_p": 0.9}
    with pytest.warns(ParameterDroppedWarning, match="top_p"):
        assert "top_p" not in RequestPolicy().prepare(body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "top_p" not in RequestPolicy().prepare(body)  # already warned: silent


def test_without_family_rules_the_body_goes_as_given() -> None:
    body = {"model": CLAUDE, "messages": [], "temperature": 0.2, "top_p": 0.9}
    assert RequestPolicy(family_rules=False).prepare(body) == body


def test_a_rejection_is_raised_unless_dropping_is_on() -> None:
    body = {"model": "m", "messages": [], "seed": 1}
    with pytest.raises(UnsupportedParameterError):
        RequestPolicy().after_rejection(body, rejection("seed"))


def test_a_dropped_rejection_is_remembered_for_later_bodies_of_that_model_only() -> None:
    policy = RequestPolicy(drop_unsupported_params=True)
    body = {"model": "m", "messages": [], "seed": 1}
    with pytest.warns(ParameterDroppedWarning, match="seed"):
        assert policy.after_rejection(body, rejection("seed")) == {"model": "m", "messages": []}
    assert "seed" not in policy.prepare(body)
    assert "seed" in policy.prepare({**body, "model": "other"})
    assert "seed" in RequestPolicy().prepare(body)  # memory is per policy (per configuration)


def test_a_rejection_of_a_parameter_not_sent_is_raised_even_when_dropping() -> None:
    policy = RequestPolicy(drop_unsupported_params=True)
    with pytest.raises(UnsupportedParameterError):
        policy.after_rejection({"model": "m", "messages": []}, rejection("seed"))
