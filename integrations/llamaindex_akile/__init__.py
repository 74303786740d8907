"""LlamaIndex integration for the AK AI Gateway.

``Akile`` and ``AkileEmbedding`` are imported on first access (PEP 562), so
``import llamaindex_akile`` stays cheap until a class is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llamaindex_akile.base import Akile
    from llamaindex_akile.embeddings import AkileEmbedding

__all__ = ["Akile", "AkileEmbedding"]

_MODULES = {"Akile": "llamaindex_akile.base", "AkileEmbedding": "llamaindex_akile.embeddings"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(import_module(_MODULES[name]), name)
    raise AttributeError(f"module 'llamaindex_akile' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
