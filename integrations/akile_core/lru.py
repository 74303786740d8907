"""A small thread-safe least-recently-used map, for the per-configuration client caches."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

_C = TypeVar("_C")


class LRU(Generic[_C]):
    """A small thread-safe least-recently-used map from settings to clients."""

    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[Hashable, _C] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], _C]) -> _C:
        """The item for ``key``, made by ``make()`` if absent (evicting the oldest beyond the limit)."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = make()
                while len(self._items) > self._limit:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(key)
            return item

    def __len__(self) -> int:
        return len(self._items)
