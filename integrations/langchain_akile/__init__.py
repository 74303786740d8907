"""LangChain integration for the AK AI Gateway.

``ChatAkile`` and ``AkileEmbeddings`` are imported on first access (PEP 562), as
``langchain_core`` does for its own classes, so ``import langchain_akile`` stays cheap until a
class is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from akile_core.extras import LANGCHAIN, import_class

if TYPE_CHECKING:
    from langchain_akile.chat_models import ChatAkile
    from langchain_akile.costs import AkileCostCallbackHandler, get_akile_cost_callback
    from langchain_akile.embeddings import AkileEmbeddings

__all__ = ["AkileCostCallbackHandler", "AkileEmbeddings", "ChatAkile", "get_akile_cost_callback"]

_MODULES = {
    "ChatAkile": "langchain_akile.chat_models",
    "AkileEmbeddings": "langchain_akile.embeddings",
    "AkileCostCallbackHandler": "langchain_akile.costs",
    "get_akile_cost_callback": "langchain_akile.costs",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_class(_MODULES[name], name, LANGCHAIN)
    raise AttributeError(f"module 'langchain_akile' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
