"""``from llama_index.embeddings.akile import AkileEmbedding``: the conventional import path.

``llama_index`` and ``llama_index.embeddings`` are PEP 420 namespace packages (no
``__init__.py``), shared with llama-index-core and every ``llama-index-embeddings-*`` package.
"""

from llamaindex_akile import AkileEmbedding

__all__ = ["AkileEmbedding"]
