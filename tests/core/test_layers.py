"""The floors of the house (docs/architecture.md): a module imports only from its own layer or
below, except for the upward imports the document names; and no two files import each other in a
circle at module level, except for the circles the document names.

Every ``.py`` file under ``lms/`` and ``xapi/`` is read with ``ast``; imports inside functions
count for the layers (they still tie the lower layer to the higher one), only module-level imports
count for circles (only those run at import time). A named exception that no longer occurs fails
too, so the list in the document only ever gets shorter and never lies.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"

XAPI, FOUNDATION, PEOPLE, FEATURES, ASSEMBLY = range(5)
LAYER_NAMES = ("xapi", "foundation", "people and access", "features", "app assembly")

# Module prefix -> layer; the longest matching prefix wins. Anything under lms/ not listed here
# is a feature. Keep in step with the drawing in docs/architecture.md.
LAYERS = {
    "xapi": XAPI,
    "lms.db": FOUNDATION,
    "lms.extensions": FOUNDATION,
    "lms.config": FOUNDATION,
    "lms.signals": FOUNDATION,
    "lms.feature": FOUNDATION,
    "lms.testing": FOUNDATION,
    "lms.text": FOUNDATION,
    "lms.mail": FOUNDATION,
    "lms.mail.feature": FEATURES,
    "lms.mail.cli": FEATURES,
    "lms.mail.privacy": FEATURES,
    "lms.sms": FOUNDATION,
    "lms.core": FOUNDATION,
    "lms.organisation": PEOPLE,
    "lms.accounts": PEOPLE,
    "lms.access": PEOPLE,
    "lms.access_matrix": PEOPLE,
    "lms.audit": PEOPLE,
    "lms.privacy": PEOPLE,
    "lms.privacy.services": FEATURES,
    "lms.privacy.retention": FEATURES,
    "lms.privacy.views": FEATURES,
    "lms.privacy.feature": FEATURES,
    "lms": FEATURES,
    "lms.core.views": FEATURES,
    "lms.core.feature": FEATURES,
    "lms.core.today": FEATURES,
    "lms.__init__": ASSEMBLY,
    "lms.core.setup": ASSEMBLY,
    "lms.cli": ASSEMBLY,
    "lms.models": ASSEMBLY,
    "lms.loading": ASSEMBLY,
    "lms.demo": ASSEMBLY,
    "lms.demo_history": ASSEMBLY,
    "lms.migrations": ASSEMBLY,
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: Path
    line: int
    module_level: bool


def module_name(path: Path) -> str:
    """``lms/core/time.py`` -> ``lms.core.time``; a package's ``__init__.py`` is
    ``lms.core.__init__`` so that the package itself can have a layer of its own."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def source_files() -> list[Path]:
    return sorted(p for top in ("lms", "xapi") for p in (ROOT / top).rglob("*.py"))


def known_modules(files: list[Path]) -> set[str]:
    names = {module_name(p) for p in files}
    return names | {n.removesuffix(".__init__") for n in names if n.endswith(".__init__")}


def canonical(name: str, modules: set[str]) -> str:
    """A package is its ``__init__`` file."""
    return f"{name}.__init__" if f"{name}.__init__" in modules else name


def resolve(node: ast.ImportFrom, importer: str, modules: set[str]) -> list[str]:
    """The modules an ``import from`` names: ``from lms.core import time`` -> ``lms.core.time``,
    ``from lms.api.auth import require_key`` -> ``lms.api.auth``."""
    if node.level:
        package = importer.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = []
    for alias in node.names:
        submodule = f"{target}.{alias.name}"
        found.append(canonical(submodule if submodule in modules else target, modules))
    return found


def type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path, modules: set[str]) -> list[Import]:
    importer = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module_level = {
        id(inner)
        for statement in tree.body
        if not type_checking_only(statement)
        for inner in ast.walk(statement)
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [canonical(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            targets = resolve(node, importer, modules)
        else:
            continue
        for target in targets:
            if target.split(".")[0] in ("lms", "xapi") and target != importer:
                found.append(Import(importer, target, path, node.lineno, id(node) in module_level))
    return found


@functools.cache
def all_imports() -> tuple[Import, ...]:
    files = source_files()
    modules = known_modules(files)
    return tuple(imp for path in files for imp in imports_of(path, modules))


def layer_of(module: str) -> int:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise AssertionError(f"{module} has no layer")


def named_in_architecture(heading: str) -> list[tuple[str, ...]]:
    """The first column(s) of the table under ``heading`` in docs/architecture.md, as written in
    back-ticks: ``| `lms.access` | `lms.api.auth` | why |`` -> ``("lms.access", "lms.api.auth")``."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells[0].startswith("`"):
            rows.append(tuple(re.findall(r"`([\w.]+)`", " ".join(cells[:-1]))))
    return rows


def allowed_upward() -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in named_in_architecture("Allowed upward imports")}


def allowed_circles() -> set[frozenset[str]]:
    return {frozenset(row) for row in named_in_architecture("Known circles")}


def upward_imports() -> list[Import]:
    return [
        imp
        for imp in all_imports()
        if layer_of(imp.imported) > layer_of(imp.importer)
        or (imp.importer.startswith("xapi") and imp.imported.startswith("lms"))
    ]


def describe(imp: Import) -> str:
    return (
        f"{imp.path.relative_to(ROOT)}:{imp.line}: {imp.importer} "
        f"({LAYER_NAMES[layer_of(imp.importer)]}) imports {imp.imported} "
        f"({LAYER_NAMES[layer_of(imp.imported)]})"
    )


def circles(edges: set[tuple[str, str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph[node]:
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    for path in source_files():
        layer_of(module_name(path))


def test_xapi_imports_nothing_from_lms():
    leaks = [
        describe(i)
        for i in all_imports()
        if i.importer.startswith("xapi") and i.imported.startswith("lms")
    ]
    assert leaks == []


def test_no_upward_import_the_architecture_does_not_name():
    allowed = allowed_upward()
    unnamed = [describe(imp) for imp in upward_imports() if (imp.importer, imp.imported) not in allowed]
    assert unnamed == [], "upward imports not named in docs/architecture.md:\n" + "\n".join(unnamed)


def test_every_named_upward_import_still_occurs():
    occurring = {(imp.importer, imp.imported) for imp in upward_imports()}
    stale = sorted(allowed_upward() - occurring)
    assert stale == [], f"docs/architecture.md names upward imports that are gone: {stale}"


def test_no_circle_between_files_the_architecture_does_not_name():
    edges = {(i.importer, i.imported) for i in all_imports() if i.module_level}
    unnamed = [sorted(c) for c in circles(edges) if c not in allowed_circles()]
    assert unnamed == [], f"circles of module-level imports not named in docs/architecture.md: {unnamed}"


def test_every_named_circle_still_occurs():
    edges = {(i.importer, i.imported) for i in all_imports() if i.module_level}
    stale = [sorted(c) for c in allowed_circles() - set(circles(edges))]
    assert stale == [], f"docs/architecture.md names circles that are gone: {stale}"


def test_the_circle_finder_finds_a_circle_and_only_that():
    edges = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}
    assert circles(edges) == [frozenset({"a", "b", "c"})]
