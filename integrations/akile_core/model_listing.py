"""The one reader of ``GET /v1/models``: its entries, whatever shape the gateway sent them in.

new-api sends ``{"data": [{"id", "owned_by", "supported_endpoint_types", ...}], "object":
"list"}``; some gateways send the list alone, and a proxy may send JSON as text. Everything that
reads the listing (the gateway, its family discovery, ``akile models``, ``akile doctor``) reads
these entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def listed_models(data: object) -> list[dict[str, Any]]:
    """The entries of a ``/v1/models`` body (raw text or decoded), each with an ``id``, by id."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return []
    items = data.get("data") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        return []
    entries = [dict(item) for item in items if isinstance(item, Mapping) and "id" in item]
    return sorted(entries, key=lambda entry: str(entry["id"]))


def model_ids(entries: list[dict[str, Any]]) -> list[str]:
    """The ids of listed entries, in their order."""
    return [str(entry["id"]) for entry in entries]
