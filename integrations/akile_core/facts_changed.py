"""One signal: what is known about models changed, so every cache built on it must go.

Model facts come from several sources (the table, ``register_model_profile``, a saved
``akile doctor`` file, the gateway's ``/v1/models`` listing), and lookups built on them are
cached (``profiles.resolve``, ``rules.rules_of``). A source that changes calls
:func:`facts_changed`; a cache registers its ``cache_clear`` with :func:`on_facts_changed`. This
leaf module lets sources and caches stay ignorant of each other, so no module reaches into
another's caches and imports keep one direction.
"""

from __future__ import annotations

from collections.abc import Callable

# Cache-clearing callbacks, registered once each at import of the module that owns the cache.
_listeners: list[Callable[[], None]] = []


def on_facts_changed(clear: Callable[[], None]) -> Callable[[], None]:
    """Call ``clear`` whenever model facts change; returns it, so it can decorate."""
    _listeners.append(clear)
    return clear


def facts_changed() -> None:
    """Tell every cache built on model facts to forget."""
    for clear in _listeners:
        clear()
