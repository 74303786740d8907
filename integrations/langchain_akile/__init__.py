"""LangChain integration for the AK AI Gateway.

``ChatAkile`` is imported on first access (PEP 562), as ``langchain_core`` does for its own
classes, so ``import langchain_akile`` stays cheap until the class is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_akile.chat_models import ChatAkile

__all__ = ["ChatAkile"]


def __getattr__(name: str) -> Any:
    if name == "ChatAkile":
        from langchain_akile.chat_models import ChatAkile

        return ChatAkile
    raise AttributeError(f"module 'langchain_akile' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
