"""Imports flow one way (adapter -> core -> openai), and each package's public surface is pinned."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

INTEGRATIONS = Path(__file__).resolve().parent.parent / "integrations"


def imported_roots(package: str) -> set[str]:
    roots = set()
    for path in (INTEGRATIONS / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        (
            "akile_core",
            {
                "langchain_core",
                "llama_index",
                "langchain_akile",
                "llamaindex_akile",
                "httpx",
                "httpx2",
            },
        ),
        ("langchain_akile", {"llama_index", "llamaindex_akile", "langchain_openai", "tiktoken"}),
        ("llamaindex_akile", {"langchain_core", "langchain_akile", "tiktoken"}),
    ],
)
def test_import_direction(package: str, forbidden: set[str]) -> None:
    assert imported_roots(package) & forbidden == set()


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("langchain_akile", ("llama_index", "tiktoken", "langchain_openai")),
        ("llamaindex_akile", ("langchain_core", "langchain_openai")),
    ],
)
def test_importing_one_adapter_never_loads_the_other_framework(
    module: str, absent: tuple[str, ...]
) -> None:
    code = f"import sys, {module}; print(','.join(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_public_surfaces() -> None:
    import akile_core
    import langchain_akile
    import llamaindex_akile
    from llama_index.embeddings.akile import AkileEmbedding
    from llama_index.llms.akile import Akile

    assert langchain_akile.__all__ == ["AkileEmbeddings", "ChatAkile"]
    assert llamaindex_akile.__all__ == ["Akile", "AkileEmbedding"]
    assert Akile is llamaindex_akile.Akile
    assert AkileEmbedding is llamaindex_akile.AkileEmbedding
    assert {"AkileSettings", "AkileError", "Gateway", "ModelNotFoundError", "list_models"} <= set(
        akile_core.__all__
    )


def test_llama_index_namespace_has_no_init_files() -> None:
    assert not (INTEGRATIONS / "llama_index" / "__init__.py").exists()
    assert not (INTEGRATIONS / "llama_index" / "llms" / "__init__.py").exists()
    assert not (INTEGRATIONS / "llama_index" / "embeddings" / "__init__.py").exists()


@pytest.mark.parametrize(
    "package",
    [
        "akile_core",
        "langchain_akile",
        "llamaindex_akile",
        "llama_index/llms/akile",
        "llama_index/embeddings/akile",
    ],
)
def test_every_import_path_is_marked_typed(package: str) -> None:
    # Without py.typed, mypy --strict rejects `from llama_index.llms.akile import Akile`.
    assert (INTEGRATIONS / package / "py.typed").is_file()


def test_the_floor_lane_installs_the_declared_floors() -> None:
    # pyproject.toml's ">=X" for each runtime dependency is what ci/floor-constraints.txt pins,
    # so `make check-floor` tests exactly the oldest versions a user may get.
    pyproject = (INTEGRATIONS.parent / "pyproject.toml").read_text()
    pins = dict(
        line.split("==")
        for line in (INTEGRATIONS.parent / "ci" / "floor-constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for package in ("openai", "langchain-core", "llama-index-core"):
        floor = re.search(rf'"{package}(?:\[[a-z,]+\])?>=([0-9.]+)', pyproject)
        assert floor is not None and floor.group(1) == pins[package], package


@pytest.mark.parametrize(
    ("statement", "missing", "extra"),
    [
        ("from llama_index.llms.akile import Akile", "llama_index.core", "llamaindex"),
        ("from llamaindex_akile import AkileEmbedding", "llama_index.core", "llamaindex"),
        ("from langchain_akile import ChatAkile", "langchain_core", "langchain"),
        ("from langchain_akile import AkileEmbeddings", "langchain_core", "langchain"),
    ],
)
def test_a_missing_extra_names_the_extra_to_install(
    statement: str, missing: str, extra: str
) -> None:
    # The framework is hidden from the import system, as in an install with the other extra only.
    code = (
        "import sys\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {missing!r} or name.startswith({missing + '.'!r}):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        f"{statement}\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert f'pip install "akile-integrations[{extra}]"' in run.stderr
