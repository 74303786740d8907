"""Constructor arguments the adapters do not have: the names other integrations use, mapped.

pydantic ignores an argument a model does not declare, so ``ChatAkile(openai_organization=...)``
or ``Akile(top_p=0.9)`` would build a model that quietly does something else. Each adapter passes
its arguments through :func:`read_arguments` before validation: the names users bring from
``ChatOpenAI`` and ``OpenAI`` / ``OpenAILike`` for the key, URL, proxy and HTTP clients are taken
as ours, and anything else unknown is refused with the field to use instead. Values are never repeated in a
message unless they are numbers: an unknown argument may be a key under another name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from akile_core.errors import AkileConfigError

# Names other integrations use for what we call api_key and base_url: accepted as ours.
SYNONYMS = {
    "openai_api_key": "api_key",  # ChatOpenAI
    "openai_api_base": "base_url",  # ChatOpenAI
    "openai_proxy": "proxy",  # ChatOpenAI
    "api_base": "base_url",  # LlamaIndex OpenAI / OpenAILike
    "async_http_client": "http_async_client",  # LlamaIndex OpenAI / OpenAILike
}

# Names that have no counterpart here, with what to do instead.
FOREIGN = {
    "openai_organization": "the gateway has no organizations: leave it out",
    "organization": "the gateway has no organizations: leave it out",
    "max_completion_tokens": "use max_tokens",
}


def declared_names(fields: Mapping[str, Any]) -> frozenset[str]:
    """The argument names a pydantic model takes: its fields and their aliases."""
    aliases = {field.alias for field in fields.values() if getattr(field, "alias", None)}
    return frozenset(fields) | frozenset(aliases)


def read_arguments(
    data: Mapping[str, Any], known: Collection[str], body_field: str | None = None
) -> dict[str, Any]:
    """``data`` with synonyms renamed; raise for any argument not in ``known``.

    The adapter's constructor puts its class name in front of the message.

    ``body_field`` is where the adapter takes extra request-body parameters (``model_kwargs``
    in LangChain, ``additional_kwargs`` in LlamaIndex), named in the hint for other unknowns;
    the embedding classes have none.
    """
    arguments = dict(data)
    for theirs, ours in SYNONYMS.items():
        if theirs in arguments and theirs not in known:
            value = arguments.pop(theirs)
            if ours in arguments:
                raise AkileConfigError(
                    f"both {theirs!r} and {ours!r} were given; pass only {ours}=."
                )
            arguments[ours] = value
    unknown = sorted(name for name in arguments if name not in known)
    if not unknown:
        return arguments
    problems = []
    for name in unknown:
        if name in FOREIGN:
            problems.append(f"no argument {name!r}: {FOREIGN[name]}.")
        elif body_field is None:
            problems.append(f"no argument {name!r}: check its spelling against the README.")
        else:
            problems.append(
                f"no argument {name!r}: pass request body parameters as "
                f"{body_field}={{{name!r}: {_echo(arguments[name])}}}."
            )
    raise AkileConfigError(" ".join(problems))


def _echo(value: object) -> str:
    """A value as it may appear in a message: numbers and flags as they are, the rest elided."""
    return repr(value) if value is None or isinstance(value, (int, float, bool)) else "..."
