"""Adapter classes load their framework on first use; a missing one names the extra to install."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# The framework each extra brings: (import root, distribution, extra).
LANGCHAIN = ("langchain_core", "langchain-core", "langchain")
LLAMAINDEX = ("llama_index", "llama-index-core", "llamaindex")


def import_class(module: str, name: str, framework: tuple[str, str, str]) -> Any:
    """``module.name``; if its framework is not installed, say which extra brings it."""
    try:
        return getattr(import_module(module), name)
    except ModuleNotFoundError as exc:
        root, distribution, extra = framework
        if not exc.name or exc.name.split(".")[0] != root:
            raise
        missing = exc.name
    # Raised outside the except block: the bare "No module named ..." adds nothing to this.
    raise ModuleNotFoundError(
        f"{name} needs {distribution}, which is not installed (no module {missing!r}). "
        f'Install the extra: pip install "akile-integrations[{extra}]" '
        f"(or [all] for both frameworks).",
        name=missing,
    )
