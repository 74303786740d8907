"""LangChain integration for the AK AI Gateway."""

from __future__ import annotations

from langchain_akile.chat_models import ChatAkile

__all__ = ["ChatAkile"]
