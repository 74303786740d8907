"""Arguments from other integrations: synonyms taken, the rest refused with what to use."""

from __future__ import annotations

from typing import Any

import pytest

from akile_core import AkileConfigError
from akile_core.arguments import read_arguments
from langchain_akile import AkileEmbeddings, ChatAkile
from llamaindex_akile import Akile, AkileEmbedding

KNOWN = {"model", "api_key", "base_url", "max_tokens", "proxy", "http_async_client"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"model": "m", "openai_api_key": "k"}, {"model": "m", "api_key": "k"}),  # ChatOpenAI
        ({"openai_api_base": "http://h/v1"}, {"base_url": "http://h/v1"}),  # ChatOpenAI
        ({"api_base": "http://h/v1"}, {"base_url": "http://h/v1"}),  # OpenAILike
        ({"openai_proxy": "http://p:3128"}, {"proxy": "http://p:3128"}),  # ChatOpenAI
        ({"async_http_client": None}, {"http_async_client": None}),  # OpenAILike
        ({"model": "m"}, {"model": "m"}),
    ],
)
def test_synonyms_are_taken_as_ours(given: dict[str, Any], expected: dict[str, Any]) -> None:
    assert read_arguments(given, KNOWN, "model_kwargs") == expected


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"openai_organization": "org"}, "no organizations"),
        ({"max_completion_tokens": 5}, "use max_tokens"),
        ({"top_k": 5}, "model_kwargs={'top_k': 5}"),
        ({"secret": "AK-abcdef123456"}, "model_kwargs={'secret': ...}"),  # strings not echoed
        ({"api_key": "a", "openai_api_key": "b"}, "pass only api_key="),
    ],
)
def test_other_names_are_refused_with_what_to_use(given: dict[str, Any], words: str) -> None:
    with pytest.raises(AkileConfigError) as info:
        read_arguments(given, KNOWN, "model_kwargs")
    assert words in str(info.value)
    assert "abcdef" not in str(info.value)


@pytest.mark.parametrize("cls", [ChatAkile, Akile, AkileEmbeddings, AkileEmbedding])
def test_every_class_uses_the_proxy_it_is_given_under_either_name(cls: type[Any]) -> None:
    # Before: ChatAkile(openai_proxy=...) built a model that did not use the proxy
    # (tests/faults/test_own_http.py sends requests through one).
    for name in ("proxy", "openai_proxy"):
        model = cls(model="m", api_key="k", **{name: "http://127.0.0.1:9"})
        assert model._gateway.settings.proxy == "http://127.0.0.1:9"


@pytest.mark.parametrize("cls", [ChatAkile, Akile, AkileEmbeddings, AkileEmbedding])
def test_every_class_takes_chatopenai_names_for_key_and_url(cls: type[Any]) -> None:
    model = cls(model="m", openai_api_key="k", openai_api_base="http://127.0.0.1:9/v1")
    assert model._gateway.settings.base_url == "http://127.0.0.1:9/v1"
    assert model._gateway.settings.api_key.get_secret_value() == "k"


@pytest.mark.parametrize("cls", [ChatAkile, Akile, AkileEmbeddings, AkileEmbedding])
@pytest.mark.parametrize("field", ["client", "async_client"])
def test_a_client_of_the_wrong_kind_is_a_config_error(cls: type[Any], field: str) -> None:
    # Was a bare TypeError out of pydantic's validator; now the AkileConfigError every other
    # configuration problem is, naming the class expected.
    with pytest.raises(AkileConfigError, match=f"{cls.__name__}: {field} must be an openai"):
        cls(model="m", api_key="k", **{field: object()})
