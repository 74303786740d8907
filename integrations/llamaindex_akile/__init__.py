"""LlamaIndex integration for the AK AI Gateway.

``Akile`` is imported on first access (PEP 562), so ``import llamaindex_akile`` stays cheap
until the class is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llamaindex_akile.base import Akile

__all__ = ["Akile"]


def __getattr__(name: str) -> Any:
    if name == "Akile":
        from llamaindex_akile.base import Akile

        return Akile
    raise AttributeError(f"module 'llamaindex_akile' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
