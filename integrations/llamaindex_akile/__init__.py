"""LlamaIndex integration for the AK AI Gateway.

``Akile`` and ``AkileEmbedding`` are imported on first access (PEP 562), so
``import llamaindex_akile`` stays cheap until a class is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from akile_core.extras import LLAMAINDEX, import_class

if TYPE_CHECKING:
    from llamaindex_akile.base import Akile
    from llamaindex_akile.costs import AkileCostHandler
    from llamaindex_akile.embeddings import AkileEmbedding

__all__ = ["Akile", "AkileCostHandler", "AkileEmbedding"]

_MODULES = {
    "Akile": "llamaindex_akile.base",
    "AkileEmbedding": "llamaindex_akile.embeddings",
    "AkileCostHandler": "llamaindex_akile.costs",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_class(_MODULES[name], name, LLAMAINDEX)
    raise AttributeError(f"module 'llamaindex_akile' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
