"""Imports flow one way (adapter -> core -> openai), and each package's public surface is pinned."""

from __future__ import annotations

import ast
import builtins
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


def module_names() -> dict[str, Path]:
    """Every module under integrations/, by dotted name."""
    names = {}
    for path in INTEGRATIONS.rglob("*.py"):
        parts = list(path.relative_to(INTEGRATIONS).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports, at the top or inside functions alike."""
    modules = module_names()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # `from akile_core import errors` names a module
                    full = f"{node.module}.{alias.name}"
                    imported.add(full if full in modules else node.module)
        graph[name] = {other for other in imported if other in modules and other != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles (strongly connected groups of more than one module)."""
    found: list[list[str]] = []
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    # Function-level imports count: hiding a cycle inside a function still makes modules
    # depend on each other's internals (the old families <-> profiles <-> saved_profiles).
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_cli_uses_the_core_and_not_the_frameworks() -> None:
    assert imported_roots("akile_cli") & {"langchain_akile", "llamaindex_akile", "llama_index"} == (
        set()
    )


def test_the_core_never_imports_the_cli() -> None:
    assert "akile_cli" not in imported_roots("akile_core")


# The largest module, langchain_akile/chat_models.py, is the whole BaseChatModel surface (about
# 470 lines); a module past this size has usually grown a second job.
MAX_MODULE_LINES = 500


def test_no_module_is_larger_than_the_limit() -> None:
    sizes = {
        name: len(path.read_text("utf-8").splitlines()) for name, path in module_names().items()
    }
    assert {name: size for name, size in sizes.items() if size > MAX_MODULE_LINES} == {}


def _is_state(value: ast.expr | None) -> bool:
    """A module-level value that is changed later: a container, a lock, or a None to fill."""
    if isinstance(value, (ast.Dict, ast.Set, ast.List)):
        return True
    if isinstance(value, ast.Constant):
        return value.value is None
    if isinstance(value, ast.Call):
        func = value.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called in {"set", "dict", "list", "OrderedDict", "WeakKeyDictionary", "LRU", "Lock"}
    return False


def test_module_state_is_defined_at_the_top_of_its_module() -> None:
    # Constants (UPPER_CASE tables) may sit beside the code that reads them; mutable state
    # (caches, registries, locks) is declared before the first function, with its reason.
    late: list[str] = []
    for name, path in module_names().items():
        defined = False
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined = True
            elif defined and isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Name)
                        and not target.id.lstrip("_").isupper()
                        and _is_state(node.value)
                    ):
                        late.append(f"{name}:{node.lineno} {target.id}")
    assert late == []


def test_no_name_of_ours_shadows_a_builtin() -> None:
    # langchain_akile.errors used to define ConnectionError and TimeoutError.
    shadowing = []
    for name, path in module_names().items():
        for node in ast.parse(path.read_text("utf-8")).body:
            if (
                isinstance(node, (ast.ClassDef, ast.FunctionDef))
                and hasattr(builtins, node.name)
                and not node.name.startswith("__")  # a module's own __dir__/__getattr__ (PEP 562)
            ):
                shadowing.append(f"{name}.{node.name}")
    assert shadowing == []


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

    assert langchain_akile.__all__ == [
        "AkileCostCallbackHandler",
        "AkileEmbeddings",
        "ChatAkile",
        "get_akile_cost_callback",
    ]
    assert llamaindex_akile.__all__ == ["Akile", "AkileCostHandler", "AkileEmbedding"]
    assert langchain_akile.get_akile_cost_callback.__module__ == "langchain_akile.costs"
    assert llamaindex_akile.AkileCostHandler.__module__ == "llamaindex_akile.costs"
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
