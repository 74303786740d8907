"""LlamaIndex integration for the AK AI Gateway."""

from __future__ import annotations

from llamaindex_akile.base import Akile

__all__ = ["Akile"]
