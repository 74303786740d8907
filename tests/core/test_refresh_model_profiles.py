"""scripts/refresh_model_profiles.py: models.dev entries mapped to the table, gateway facts on top."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "refresh_model_profiles.py"
_spec = importlib.util.spec_from_file_location("refresh_model_profiles", SCRIPT)
assert _spec is not None and _spec.loader is not None
refresh: Any = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = refresh  # dataclasses look their module up while the class is made
_spec.loader.exec_module(refresh)

# models.dev's api.json shape (providers -> models; shared/reference/model-profiles.md 2.1, whose
# example is providers/anthropic/models/claude-opus-4-8.toml), cut to the fields the script reads
# plus a few it must ignore. The figures are made up so a change is visible.
API_JSON: dict[str, Any] = {
    "anthropic": {
        "id": "anthropic",
        "name": "Anthropic",
        "models": {
            "claude-opus-4-8": {
                "id": "claude-opus-4-8",
                "name": "Claude Opus 4.8",
                "family": "claude-opus",
                "attachment": True,
                "reasoning": True,
                "temperature": False,
                "tool_call": True,
                "reasoning_options": [
                    {"type": "effort", "values": ["low", "medium", "high", "default"]}
                ],
                "limit": {"context": 2_000_000, "output": 128_000},
                "modalities": {"input": ["text", "image", "pdf"], "output": ["text"]},
                "cost": {"input": 5, "output": 25},
            },
            "claude-new-9": {"id": "claude-new-9", "limit": {"context": 1, "output": 1}},
        },
    },
    "openai": {
        "models": {
            "gpt-5": {
                "reasoning": True,
                "reasoning_options": [{"type": "toggle"}],
                "limit": {"context": 400_000, "input": 272_000, "output": 128_000},
                "modalities": {"input": ["image", "text"], "output": ["text"]},
            }
        }
    },
}
AUGMENTATIONS: dict[str, Any] = {
    "providers": [
        {
            "id": "anthropic",
            "comment": "Anthropic",
            "so": "function_calling",
            "models": ["claude-opus-4-8", "claude-gone"],
        },
        {"id": "openai", "comment": "OpenAI", "models": ["gpt-5"]},
    ],
    "overrides": {"gpt-5": {"so": "json_schema", "r": ["minimal", "low"]}},
    "families": [{"pattern": r"^claude-", "ctx": 200_000, "so": "function_calling"}],
}
PREVIOUS = {
    "claude-opus-4-8": {"ctx": 1_000_000, "out": 128_000, "in": "tip", "so": "function_calling"},
    "claude-gone": {"ctx": 200_000, "out": 8_192, "so": "json_schema"},
    "grok-1": {"ctx": 8_192},
}


def test_models_dev_facts_map_to_the_short_keys() -> None:
    facts = refresh.facts_from_models_dev(API_JSON["anthropic"]["models"]["claude-opus-4-8"])
    assert facts == {
        "ctx": 2_000_000,
        "out": 128_000,
        "in": "tip",
        "r": ("low", "medium", "high"),  # "default" is not a level
        "temp": False,
    }
    gpt5 = refresh.facts_from_models_dev(API_JSON["openai"]["models"]["gpt-5"])
    assert gpt5 == {"ctx": 400_000, "inp": 272_000, "out": 128_000, "in": "ti", "r": ()}


def test_augmentations_win_and_retired_models_keep_their_last_values() -> None:
    groups, report = refresh.build(API_JSON, AUGMENTATIONS, PREVIOUS)
    table = dict(entry for _, entries in groups for entry in entries)
    assert table["claude-opus-4-8"]["ctx"] == 2_000_000
    assert table["claude-opus-4-8"]["so"] == "function_calling"  # the provider's gateway fact
    # models.dev deleted it; the gateway may still route it: previous limits, current so.
    assert table["claude-gone"] == {"ctx": 200_000, "out": 8_192, "so": "function_calling"}
    assert table["gpt-5"]["r"] == ("minimal", "low")  # override over models.dev's toggle
    assert "claude-new-9" not in table  # only what augmentations.toml lists
    assert report.lines() == [
        "added: gpt-5",
        "changed: claude-opus-4-8, claude-gone",
        "kept (not in models.dev any more): claude-gone",
        "removed (no longer in augmentations.toml): grok-1",
    ]


def test_the_rendered_module_is_the_table_it_describes() -> None:
    groups, _ = refresh.build(API_JSON, AUGMENTATIONS, PREVIOUS)
    text = refresh.render(groups, AUGMENTATIONS["families"], "fixture")
    namespace: dict[str, Any] = {}
    exec(compile(text, "generated", "exec"), namespace)
    assert namespace["MODELS"]["claude-opus-4-8"]["r"] == ("low", "medium", "high")
    assert namespace["FAMILY_DEFAULTS"] == (
        (r"^claude-", {"ctx": 200_000, "so": "function_calling"}),
    )
    assert "models.dev source: fixture." in text
    assert refresh.render(groups, AUGMENTATIONS["families"], "fixture") == text  # deterministic


def test_a_new_model_without_limits_is_refused_with_the_fix() -> None:
    augmentations = {"providers": [{"id": "x", "comment": "X", "models": ["nowhere-1"]}]}
    with pytest.raises(SystemExit, match=r"nowhere-1.*\[overrides\]"):
        refresh.build({}, augmentations, {})


def test_the_shipped_table_is_what_the_augmentations_give(tmp_path: Path) -> None:
    # With no new models.dev data every entry keeps its values, so --check fails exactly when
    # _model_table.py was edited by hand or augmentations.toml changed without a rebuild.
    empty = tmp_path / "api.json"
    empty.write_text(json.dumps({}))
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--api-json", str(empty), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
