r"""Model facts measured on your key (``akile doctor --save``), read back by every model class.

The file is JSON: ``{"version": 1, "models": {"<model>": {<ModelSpec field>: value, ...}}}``
plus, per model, what the probes observed (``"observed"``, informational). Its place:
``AKILE_PROFILES_FILE`` if set (an empty value turns the file off), else
``$XDG_CONFIG_HOME/akile/profiles.json`` (``~/.config/akile/profiles.json``; on Windows
``%APPDATA%\\akile\\profiles.json``).

In the lookup order of ``akile_core.profiles`` the file sits above the model table and below
``register_model_profile``: what your channel was seen to do beats what the table expects, and
code still has the last word. The file is read once per process, on the first lookup; a file
that cannot be used is an error that names it, never ignored.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from akile_core.errors import AkileConfigError
from akile_core.facts_changed import facts_changed
from akile_core.model_facts import check_facts

PROFILES_FILE_ENV = "AKILE_PROFILES_FILE"
FORMAT_VERSION = 1
_NOT_FACTS = frozenset({"observed", "base_url", "saved_at"})

# The file's facts, read on the first lookup of the process (None: not read yet).
_loaded: dict[str, dict[str, Any]] | None = None
_lock = threading.Lock()


def profiles_path() -> Path | None:
    """Where the file is (it may not exist), or ``None`` when turned off."""
    configured = os.environ.get(PROFILES_FILE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "akile" / "profiles.json"
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "akile" / "profiles.json"


def saved_facts() -> dict[str, dict[str, Any]]:
    """Model name (lower case) -> the facts saved for it; ``{}`` without a file."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = _read(profiles_path())
        return _loaded


def forget_saved_facts() -> None:
    """Read the file again on the next lookup (after writing it, and in tests)."""
    global _loaded
    with _lock:
        _loaded = None
    facts_changed()


def _read(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None or not path.is_file():
        return {}
    return _load(path)[1]


def _load(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The file's JSON and the facts of each model in it, every entry checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AkileConfigError(
            f"The saved model profiles in {path} cannot be read ({err}). Fix or delete the "
            f"file, rerun `akile doctor -m MODEL --save`, or set {PROFILES_FILE_ENV}= to skip it."
        ) from None
    models = data.get("models") if isinstance(data, Mapping) else None
    if not isinstance(models, Mapping):
        raise AkileConfigError(
            f'{path} has no "models" object, so it is not an akile profiles file. Delete it or '
            f"point {PROFILES_FILE_ENV} elsewhere."
        )
    facts = {str(name).lower(): facts_of(path, name, entry) for name, entry in models.items()}
    return dict(data), facts


def facts_of(path: Path, name: str, entry: object) -> dict[str, Any]:
    """The ``ModelSpec`` facts of one entry, checked (an unknown key is refused, not skipped)."""
    if not isinstance(entry, Mapping):
        raise AkileConfigError(f"{path}: the entry for {name!r} must be an object.")
    facts = {k: v for k, v in entry.items() if k not in _NOT_FACTS}
    return check_facts(facts, f"{path}: {name!r}")


def save_facts(
    model: str, facts: Mapping[str, Any], observed: Mapping[str, Any], base_url: str | None
) -> Path:
    """Write ``facts`` for ``model`` into the file (other models kept); return its path."""
    path = profiles_path()
    if path is None:
        raise AkileConfigError(
            f"{PROFILES_FILE_ENV} is empty, which turns saved profiles off: set it to a file path."
        )
    data: dict[str, Any] = {"version": FORMAT_VERSION, "models": {}}
    if path.is_file():  # a file that cannot be read back is refused, not overwritten
        data = {**_load(path)[0], "version": FORMAT_VERSION}
    entry = {k: _json_value(v) for k, v in facts.items()}
    entry["observed"] = dict(observed)
    if base_url:
        entry["base_url"] = base_url
    data["models"][model] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
    forget_saved_facts()
    return path


def _json_value(value: Any) -> Any:
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    return list(value) if isinstance(value, tuple) else value
