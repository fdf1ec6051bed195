"""The layers of docs/architecture.md, checked over the import graph of `app/`.

Every import counts, including those inside functions: an import made late to
dodge a circle is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("app"):
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


GRAPH = {name: sorted({t for t in _imports(path) if t in MODULES and t != name}) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _edges(source_layers: set[str], target_layers: set[str]) -> list[str]:
    return [
        f"{a} -> {b}"
        for a, targets in sorted(GRAPH.items())
        for b in targets
        if _layer(a) in source_layers and _layer(b) in target_layers
    ]


def test_the_graph_is_read() -> None:
    assert "app.record.writing" in GRAPH["app.record.sync"]
    assert "app.domain.resolution" in MODULES


def test_the_domain_imports_nothing_of_the_project_but_errors() -> None:
    layers = {_layer(m) for m in MODULES} - {"app.domain", "app.errors"}
    assert _edges({"app.domain"}, layers) == []


def test_the_lower_layers_never_import_services_api_or_cli() -> None:
    assert _edges({"app.db", "app.cache", "app.record"}, {"app.services", "app.api", "app.cli"}) == []


def test_the_record_is_read_by_asterisk_and_events_directly() -> None:
    assert _edges({"app.asterisk", "app.events"}, {"app.services", "app.api", "app.cli"}) == []


def test_only_the_command_line_imports_the_api() -> None:
    others = {_layer(m) for m in MODULES} - {"app.api", "app.cli"}
    assert _edges(others, {"app.api"}) == []


def test_no_import_circles() -> None:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


def test_resolvers_leave_read_visibility_to_the_services() -> None:
    """Who may see what is decided in services/read_access.py, never by a resolver itself."""
    deciding = {"can_see", "is_operator", "visible"}
    found = [
        f"{name}:{node.lineno} .{node.attr}"
        for name, path in MODULES.items()
        if _layer(name) == "app.api"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in deciding
    ]
    assert found == []


def test_the_schema_section_enum_mirrors_the_domain_sections() -> None:
    """SipSection is declared for the schema (strawberry needs its own enum); it must not drift from Section."""
    from app.api.types.enums import SipSection
    from app.domain.sections import Section

    assert [(e.name, e.value) for e in SipSection] == [(s.name, s.value) for s in Section]
