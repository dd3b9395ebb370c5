"""The house rules of the action's code, read from its source (ast), not from a runtime.

Nothing below the adapters reads the environment; the transport stays small; imports
run one way (no cycle, nothing from the emulator or the tests); the only imports inside
functions are the start-up policy's (``process``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from testkit import ROOT

PACKAGE = ROOT / "src" / "codespaces_secrets"
ADAPTERS = {"action", "cli", "cli.local"}  # they read the environment, and hand it down
# Where an import inside a function is the policy: the entry points import the adapter
# after tuning the collector; the front door loads requests and nacl on first use; the
# CLI loads the local runner only for its `action` command.
LAZY_IMPORTS = {"process", "core", "cli"}


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return found


MODULES = set(modules())


def runtime_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs: ``if TYPE_CHECKING`` blocks are left out."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        yield child
        yield from runtime_nodes(child)


def sibling_imports(name: str, tree: ast.Module, *, top_level_only: bool = False) -> set[str]:
    """The package's modules that ``name`` imports (``if TYPE_CHECKING`` blocks left out)."""
    package = name.rpartition(".")[0] if name in ("cli.args", "cli.output", "cli.local") else ""
    if name == "cli":
        package = "cli"
    found: set[str] = set()
    nodes = tree.body if top_level_only else list(runtime_nodes(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            if node.module:
                found.add(".".join([*base, node.module]))
            else:  # `from . import paging` (a module) or `__version__` (the package's own)
                found.update(".".join([*base, alias.name]) for alias in node.names)
    return {m for m in found if m in MODULES} - {name}


def test_no_module_below_the_adapters_reads_the_environment() -> None:
    readers = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            text = ast.unparse(node) if isinstance(node, ast.Attribute | ast.Name) else ""
            if text in ("os.environ", "os.getenv", "os.environb", "os.putenv"):
                readers.append(name)
    assert set(readers) <= ADAPTERS, sorted(set(readers) - ADAPTERS)
    assert readers  # the adapters do read it: the check looks in the right place


def test_the_transport_is_small_and_knows_few_rooms() -> None:
    path = PACKAGE / "transport.py"
    assert len(path.read_text().splitlines()) <= 230
    tree = modules()["transport"]
    assert len(sibling_imports("transport", tree, top_level_only=True)) <= 7


def test_imports_run_one_way() -> None:
    graph = {name: sibling_imports(name, tree) for name, tree in modules().items()}
    assert sum(len(targets) for targets in graph.values()) > len(graph)  # the graph was read

    def visit(name: str, path: tuple[str, ...]) -> None:
        for target in graph.get(name, ()):
            assert target not in path, " -> ".join((*path, target))
            visit(target, (*path, target))

    for name in graph:
        visit(name, (name,))


def test_the_action_imports_nothing_from_the_emulator_or_the_tests() -> None:
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
                assert not any(n.startswith(("github_emulator", "testkit")) for n in names), name


def test_imports_inside_functions_are_the_start_up_policys_only() -> None:
    lazy = set()
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                if inner:
                    lazy.add(name)
    assert lazy == LAZY_IMPORTS


def test_the_house_is_measured() -> None:
    """Modules, floors (the longest import chain) and arrows, for the record."""
    graph = {name: sibling_imports(name, tree) for name, tree in modules().items()}
    depth: dict[str, int] = {}

    def floor(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((floor(t) for t in graph[name] if t in graph), default=0)
        return depth[name]

    floors = max(floor(name) for name in graph)
    arrows = sum(len(targets) for targets in graph.values())
    print(f"modules={len(graph)} floors={floors} arrows={arrows}")
    assert Path(PACKAGE / "py.typed").exists()
    assert floors <= 14
