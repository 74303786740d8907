"""No character of the key in any error: constructor errors and a gateway that quotes the key.

Every other error, warning and log line of the suite is checked by the autouse guard in
``tests/conftest.py``; these tests provoke the errors most likely to carry a key.
"""

from __future__ import annotations

from typing import Any

import pytest

import akile_core
from langchain_akile import AkileEmbeddings, ChatAkile
from llamaindex_akile import Akile, AkileEmbedding
from tests.faults.server import FaultServer
from tests.faults.test_faults import DRIVERS, Driver, ids

KEY = "AK-Zq8Wm3Xk5Tn7Rv2Hy4"


def windows(key: str, size: int = 6) -> list[str]:
    return [key[i : i + size] for i in range(len(key) - size + 1)]


def chain_text(exc: BaseException) -> str:
    """The error and everything it was raised from, as a reader (or a log) would see them."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        parts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return " ".join(parts)


CONSTRUCTOR_ERRORS: list[tuple[type[Any], dict[str, Any], str]] = [
    (cls, arguments, words)
    for cls in (ChatAkile, Akile, AkileEmbeddings, AkileEmbedding)
    for arguments, words in [
        ({"base_url": "ftp://gateway"}, "not an http(s) URL"),
        ({"base_url": "https://aigateway.akile.ai/v1/chat/completions"}, "endpoint path"),
        ({"timeout": -1}, "timeout must be a positive number"),
        ({"max_retries": -2}, "max_retries must be an integer"),
        ({"api_key": KEY + " "}, "whitespace"),
    ]
] + [
    (ChatAkile, {"temperature": "hot"}, "temperature: Input should be a valid number"),
    (Akile, {"temperature": "hot"}, "temperature: Input should be a valid number"),
    (Akile, {"top_p": 0.9}, "additional_kwargs={'top_p': 0.9}"),
    (Akile, {"openai_api_key": KEY}, "both 'openai_api_key' and 'api_key' were given"),
    (ChatAkile, {"openai_proxy": "user:AK-Zq8Wm3Xk5Tn7Rv2Hy4@proxy:3128"}, "proxy must be a URL"),
    (ChatAkile, {"openai_secret": KEY}, "model_kwargs={'openai_secret': ...}"),
    (AkileEmbeddings, {"dimensions": 0}, "dimensions must be a positive integer"),
    (AkileEmbedding, {"dimensions": 0}, "dimensions must be a positive integer"),
]


@pytest.mark.parametrize(
    ("cls", "arguments", "words"),
    CONSTRUCTOR_ERRORS,
    ids=[f"{c.__name__}-{next(iter(a))}" for c, a, _ in CONSTRUCTOR_ERRORS],
)
def test_constructor_errors_are_ours_and_hold_no_key(
    cls: type[Any], arguments: dict[str, Any], words: str
) -> None:
    with pytest.raises(akile_core.AkileConfigError) as info:
        cls(**{"model": "m", "api_key": KEY, **arguments})
    err = info.value
    assert isinstance(err, ValueError)  # what pydantic and callers catch
    assert words in str(err)
    assert str(err).startswith(f"{cls.__name__}: ")
    assert "input_value" not in str(err) and "pydantic" not in str(err)
    text = chain_text(err)
    assert [w for w in windows(KEY) if w in text] == []


@pytest.mark.parametrize("driver", DRIVERS, ids=ids(DRIVERS))
def test_a_gateway_that_quotes_the_key_is_not_repeated(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    llm = driver.model(fault_server, scenario("bad-key-echo"), api_key=KEY)
    with pytest.raises(akile_core.AuthenticationError) as info:
        driver.run(llm, "hi", [])
    assert "Incorrect API key provided: AK-***" in str(info.value)
    shown = f"{info.value} {info.value!r} {info.value.body}"
    assert [w for w in windows(KEY) if w in shown] == []
