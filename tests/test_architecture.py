"""The house rules of the layout, checked on the source (issue 12): no module imports another
module's private names, the package has no import cycles, files and functions stay small, and
``import summarizer`` exposes the curated public API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "summarizer"
MAX_FILE_LINES = 420
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def is_package(name: str, mods: dict[str, Path]) -> bool:
    return mods[name].name == "__init__.py"


def absolute(module: str, node: ast.ImportFrom, mods: dict[str, Path]) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package(module, mods):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str, tree: ast.AST, mods: dict[str, Path]):
    """(imported module, names taken from it, line) for every import of a package module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = absolute(module, node, mods)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in mods:  # `from . import x` names a module
                    yield sub, [], node.lineno
                elif target in mods:
                    yield target, [alias.name], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in mods:
                    yield alias.name, [], node.lineno


def test_no_module_imports_another_modules_private_names():
    mods = modules()
    offences = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_aliases = {}
        for target, names, line in imports(name, tree, mods):
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target != name:
                    offences.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}.{n}")
            if not names:
                module_aliases[target.rsplit(".", 1)[-1]] = target
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                offences.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} uses "
                                f"{module_aliases[node.value.id]}.{node.attr}")
    assert offences == []


def import_graph() -> dict[str, set[str]]:
    """Module -> package modules it imports, lazily or under TYPE_CHECKING too: a cycle hidden
    from the interpreter is still one for a reader. Importing ``a.b`` also runs ``a``'s
    ``__init__``, but a package's own re-exports are not counted as its submodules' dependants."""
    mods = modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {t for t, _, _ in imports(name, tree, mods) if t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_cycles():
    graph = import_graph()
    # A package's __init__ re-exporting its own submodules is its face, not a dependency loop.
    for name in graph:
        graph[name] = {t for t in graph[name] if not (t.startswith(name + ".") and is_package(name, modules()))}
    assert find_cycle(graph) == []


def test_files_stay_small():
    big = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES}
    assert big == {}


def test_functions_stay_short_or_say_why():
    """A longer function must say why in a comment on its first lines ("# long: ...")."""
    long = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                head = "\n".join(lines[node.lineno - 1: node.lineno + 3])
                if length > MAX_FUNCTION_LINES and "# long:" not in head:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def test_protocols_have_no_bodies():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id == "Protocol")
                    or (isinstance(b, ast.Subscript) and getattr(b.value, "id", "") == "Protocol")
                    for b in node.bases):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        body = [s for s in item.body if not (isinstance(s, ast.Expr)
                                                             and isinstance(s.value, ast.Constant))]
                        if body and not (len(body) == 1 and isinstance(body[0], ast.Expr)
                                         and body[0].value.value is Ellipsis):
                            offences.append(f"{path.relative_to(PACKAGE.parent)}: {node.name}.{item.name}")
    assert offences == []


@pytest.mark.parametrize("rule", [test_no_module_imports_another_modules_private_names, test_no_import_cycles])
def test_the_checks_can_fail(tmp_path, monkeypatch, rule):
    """Each rule catches a planted offence (a check that cannot fail proves nothing)."""
    pkg = tmp_path / "summarizer"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import _hidden\n")
    (pkg / "b.py").write_text("from . import a\n_hidden = 1\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", pkg)
    with pytest.raises(AssertionError):
        rule()
