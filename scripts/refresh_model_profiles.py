#!/usr/bin/env python3
"""Rebuild ``integrations/akile_core/_model_table.py`` from models.dev plus our own gateway facts.

Usage (offline and reproducible with a saved file; needs network only for the URL)::

    curl -sSo /tmp/api.json https://models.dev/api.json
    python scripts/refresh_model_profiles.py --api-json /tmp/api.json

Inputs:

- models.dev's ``api.json`` (MIT; notice in ``integrations/akile_core/LICENSE.models-dev``):
  ``{provider: {"models": {id: {limit, modalities, reasoning, reasoning_options, temperature}}}}``
  (shared/reference/model-profiles.md, section 2.1);
- ``scripts/model-table/augmentations.toml``, hand-kept: which providers and model ids the
  gateway serves, and what only the gateway decides (the structured-output method that works
  through new-api's converters), plus family defaults for unlisted names.

Augmentation values win over models.dev. A listed model that models.dev no longer has keeps its
last generated values (models.dev deletes retired models; a gateway may still route them), and
the change report says so. The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "integrations" / "akile_core" / "_model_table.py"
AUGMENTATIONS = ROOT / "scripts" / "model-table" / "augmentations.toml"
MODALITY_LETTERS = {"text": "t", "image": "i", "pdf": "p", "audio": "a", "video": "v"}
KEY_ORDER = ("ctx", "inp", "out", "in", "so", "r", "temp")

HEADER = '''\
"""Model facts, one entry per model the gateway's families serve. GENERATED: do not edit.

Rebuilt by ``scripts/refresh_model_profiles.py`` from the hand-kept gateway facts in
``scripts/model-table/augmentations.toml`` over models.dev's ``api.json`` (MIT licence, Copyright
(c) 2025 models.dev; the notice ships beside this module as LICENSE.models-dev): change those,
then rerun the script. An unknown capability is left out, never guessed.

models.dev source: {source}.

Keys: ``ctx`` context window, ``inp`` input limit where it is smaller, ``out`` output limit,
``in`` input modalities (t text, i image, p pdf, a audio, v video), ``so`` the structured-output
method that works through the gateway, ``r`` reasoning effort levels (``()`` for reasoning with
no levels), ``temp`` False where the model takes no temperature.
"""

from __future__ import annotations

from typing import Any

'''


@dataclass
class Report:
    """What a rebuild changed, for the pull request that lands it."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per kind of change."""
        out = []
        for title, names in (
            ("added", self.added),
            ("changed", self.changed),
            ("kept (not in models.dev any more)", self.kept),
            ("removed (no longer in augmentations.toml)", self.removed),
        ):
            if names:
                out.append(f"{title}: {', '.join(names)}")
        return out or ["no changes"]


def facts_from_models_dev(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Our short keys from one models.dev model entry; absent facts stay absent."""
    facts: dict[str, Any] = {}
    limit = entry.get("limit") or {}
    if isinstance(limit.get("context"), int):
        facts["ctx"] = limit["context"]
    if isinstance(limit.get("input"), int) and limit["input"] < facts.get("ctx", 1 << 62):
        facts["inp"] = limit["input"]
    if isinstance(limit.get("output"), int):
        facts["out"] = limit["output"]
    inputs = (entry.get("modalities") or {}).get("input")
    if isinstance(inputs, list):
        facts["in"] = "".join(MODALITY_LETTERS[m] for m in MODALITY_LETTERS if m in inputs)
    if entry.get("reasoning") is True:
        levels: list[str] = []
        for option in entry.get("reasoning_options") or []:
            if isinstance(option, Mapping) and option.get("type") == "effort":
                levels += [v for v in option.get("values") or [] if v != "default"]
        facts["r"] = tuple(levels)
    if entry.get("temperature") is False:
        facts["temp"] = False
    return facts


def build(
    api: Mapping[str, Any], augmentations: Mapping[str, Any], previous: Mapping[str, Any]
) -> tuple[list[tuple[str, list[tuple[str, dict[str, Any]]]]], Report]:
    """The table's groups (comment, entries) and what changed against ``previous``."""
    overrides = augmentations.get("overrides") or {}
    report = Report()
    groups = []
    listed: set[str] = set()
    for provider in augmentations["providers"]:
        upstream = (api.get(provider["id"]) or {}).get("models") or {}
        entries = []
        for name in provider["models"]:
            listed.add(name)
            if name in upstream:
                facts = facts_from_models_dev(upstream[name])
            elif name in previous:
                facts = {k: v for k, v in previous[name].items() if k != "so"}
                report.kept.append(name)
            else:
                facts = {}
            if "so" in provider:
                facts["so"] = provider["so"]
            facts.update(_tuples(overrides.get(name) or {}))
            if "ctx" not in facts:
                raise SystemExit(
                    f"{name}: not in models.dev's {provider['id']!r} provider and no previous "
                    "entry; give its limits in augmentations.toml [overrides] or remove it."
                )
            facts = {k: facts[k] for k in KEY_ORDER if k in facts}
            if name not in previous:
                report.added.append(name)
            elif previous[name] != facts:
                report.changed.append(name)
            entries.append((name, facts))
        groups.append((provider["comment"], entries))
    report.removed = sorted(set(previous) - listed)
    return groups, report


def _tuples(facts: Mapping[str, Any]) -> dict[str, Any]:
    # TOML has arrays; the table keeps effort levels as tuples.
    return {k: tuple(v) if isinstance(v, list) else v for k, v in facts.items()}


def render(
    groups: list[tuple[str, list[tuple[str, dict[str, Any]]]]], families: list[Any], source: str
) -> str:
    """The module's source text."""
    lines = [HEADER.format(source=source) + "MODELS: dict[str, dict[str, Any]] = {"]
    for comment, entries in groups:
        lines.append(f"    # {comment}")
        lines += [f"    {_literal(name)}: {_literal(facts)}," for name, facts in entries]
    lines.append("}  # fmt: skip")
    lines += [
        "",
        "# Conservative defaults for a family's names the table does not list (model-profiles.md, 5.4).",
        "FAMILY_DEFAULTS: tuple[tuple[str, dict[str, Any]], ...] = (",
    ]
    for family in families:
        defaults = {k: family[k] for k in KEY_ORDER if k in family}
        lines.append(f'    (r"{family["pattern"]}", {_literal(defaults)}),')
    lines.append(")")
    return "\n".join(lines) + "\n"


def _literal(value: Any) -> str:
    """Python source for a value, in the table's style (``1_000_000``, double quotes)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return f"{value:_}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r}")


def previous_models(path: Path) -> dict[str, Any]:
    """The ``MODELS`` literal of the current table, read without importing the package."""
    if not path.exists():
        return {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "MODELS":
            return dict(ast.literal_eval(node.value))  # type: ignore[arg-type]
    return {}


def load_api(source: str) -> Any:
    """models.dev's catalogue from a file, or a URL when there is network."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:
            return json.load(response)
    return json.loads(Path(source).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Rebuild the table (or, with ``--check``, say whether it is current); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-json", required=True, help="models.dev api.json: a file or URL")
    parser.add_argument("--augmentations", type=Path, default=AUGMENTATIONS)
    parser.add_argument("--out", type=Path, default=TABLE, help="the module to write")
    parser.add_argument(
        "--source", help="how the header names the api.json (default: its file name or URL)"
    )
    parser.add_argument("--check", action="store_true", help="fail if --out would change")
    args = parser.parse_args(argv)

    augmentations = tomllib.loads(args.augmentations.read_text(encoding="utf-8"))
    previous = previous_models(args.out)
    groups, report = build(load_api(args.api_json), augmentations, previous)
    source = args.source or Path(args.api_json).name
    text = render(groups, augmentations.get("families") or [], source)
    for line in report.lines():
        print(line)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if _body(current) != _body(text):
            print(f"{args.out} is out of date: rerun without --check", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({sum(len(e) for _, e in groups)} models)")
    return 0


def _body(text: str) -> str:
    # The header names the source; --check compares what the table says.
    return text[text.find("MODELS:") :]


if __name__ == "__main__":
    raise SystemExit(main())
