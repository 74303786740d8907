"""``from llama_index.llms.akile import Akile``: the conventional LlamaIndex import path.

``llama_index`` and ``llama_index.llms`` are PEP 420 namespace packages (no ``__init__.py``),
shared with llama-index-core and every other ``llama-index-llms-*`` package.
"""

from llamaindex_akile import Akile

__all__ = ["Akile"]
