"""Optional capabilities are declared in the base classes, never discovered with getattr/hasattr,
and wrappers delegate them explicitly (no blanket ``__getattr__`` forwarding in a class)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from summarizer.backends import Backend
from summarizer.chat.protocol import ChatModel

PACKAGE = Path(__file__).resolve().parents[1] / "summarizer"


def declared(cls: type) -> set[str]:
    """Public methods and properties (data attributes such as ``context_window`` are required)."""
    return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}


def test_capabilities_are_called_not_probed():
    capabilities = declared(ChatModel) | declared(Backend)
    assert {"ping", "check_ready", "aclose", "cache_params", "structured_mode"} <= capabilities
    probes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr") and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant) and node.args[1].value in capabilities):
                probes.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.func.id}(..., "
                              f"{node.args[1].value!r})")
            # A class's __getattr__ forwards whatever it is asked for; a module's (PEP 562, the
            # package's lazily loaded public names) only answers for names it lists.
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__getattr__":
                        probes.append(f"{path.relative_to(PACKAGE.parent)}:{item.lineno} def __getattr__")
    assert probes == []
