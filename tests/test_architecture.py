"""The architecture contract: the folders of ``generator/`` are the pipeline's stages, and a
stage imports only from the stages below it.

Every import counts: at the top of a module, inside a function (lazy) and under
``if TYPE_CHECKING:`` (type-only). The graph comes from grimp, which reads the source
without running it. See docs/architecture.md for the stages and what each owns.
"""
from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "generator"

# Lowest first. A module may import from its own stage and from any stage before it.
LAYERS = ("core", "cache", "output", "content", "site", "render", "build", "commands")
ENTRY_POINTS = {"generator", "generator.__main__"}          # may import any stage

# The site model is pure: no module that reaches the filesystem or other processes.
FILESYSTEM = {"os", "pathlib", "shutil", "tempfile", "glob", "io", "subprocess", "fcntl", "mmap"}
# Render receives the model: neither the loaders of content files nor the model's builder
# are its business, not even through another module.
NOT_FOR_RENDER = {"generator.content.load", "generator.content.validate", "generator.content.fields",
                  "generator.content.markdown", "generator.content.svg", "generator.site.site"}


def import_map(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    """Each module of *package* → every module it imports (internal and external)."""
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules
            if m == package or m.startswith(package + ".")}


def stage(module: str, package: str = PACKAGE) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == package and parts[1] in LAYERS else None


def upward_imports(imports: dict[str, set[str]], package: str = PACKAGE,
                   layers: tuple[str, ...] = LAYERS) -> list[str]:
    """``importer -> imported`` for every import of a higher stage by a lower one (or of a
    module that belongs to no stage)."""
    out = []
    for importer, targets in sorted(imports.items()):
        if importer in {package, f"{package}.__main__"}:
            continue
        low = stage(importer, package)
        for imported in sorted(targets):
            if imported != package and not imported.startswith(package + "."):
                continue
            high = stage(imported, package)
            if low is None or high is None or layers.index(high) > layers.index(low):
                out.append(f"{importer} -> {imported}")
    return out


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:        # Tarjan's algorithm; the graph is small
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in imports.get(v, ()):
            if w not in imports:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in imports.get(v, ()):
                found.append(sorted(group))

    for v in sorted(imports):
        if v not in index:
            visit(v)
    return found


def _package_modules(package: str) -> dict[str, set[str]]:
    graph = grimp.build_graph(package, include_external_packages=True, cache_dir=None)
    imports = import_map(graph, package)
    # The package itself imports its subpackages implicitly; only explicit imports count.
    return imports


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    return _package_modules(PACKAGE)


def test_top_level_holds_only_stages_and_entry_points():
    top = ROOT / PACKAGE
    modules = sorted(p.name for p in top.glob("*.py"))
    folders = sorted(p.name for p in top.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert modules == ["__init__.py", "__main__.py"]
    assert folders == sorted(LAYERS)


def test_every_module_belongs_to_a_stage(imports):
    strays = [m for m in imports if m not in ENTRY_POINTS and stage(m) is None]
    assert strays == []


def test_no_stage_imports_a_stage_above_it(imports):
    assert upward_imports(imports) == []


def test_no_import_cycles(imports):
    internal = {m: {t for t in ts if t.startswith(PACKAGE + ".")} for m, ts in imports.items()}
    assert cycles(internal) == []


def test_site_model_never_touches_the_filesystem(imports):
    site = {m: ts for m, ts in imports.items() if stage(m) == "site"}
    assert site, "no modules found in generator/site/"
    reaching = {m: sorted(ts & FILESYSTEM) for m, ts in site.items() if ts & FILESYSTEM}
    assert reaching == {}
    for path in sorted((ROOT / PACKAGE / "site").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n.lineno for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "open"]
        assert calls == [], f"{path.name} calls open() at lines {calls}"


def reachable(imports: dict[str, set[str]], start: str) -> set[str]:
    """Every module *start* imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for t in imports.get(todo.pop(), ()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def test_render_never_loads_content_files(imports):
    render = {m: sorted(reachable(imports, m) & NOT_FOR_RENDER) for m in imports if stage(m) == "render"}
    assert render, "no modules found in generator/render/"
    assert {m: ts for m, ts in render.items() if ts} == {}


# --- the contract itself can fail -----------------------------------------------------

def _write_package(root: Path, name: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_contract_catches_upward_lazy_and_type_only_imports(tmp_path, monkeypatch):
    """A lower stage importing a higher one at the top, inside a function or only for type
    checking is reported, and so is a circle."""
    name = "archprobe"
    _write_package(tmp_path, name, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/errors.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from ..render.pages import Page
            """,
        "content/__init__.py": "",
        "content/load.py": """
            def load():
                from ..build import flow
                return flow
            """,
        "render/__init__.py": "",
        "render/pages.py": "from . import feeds\n",
        "render/feeds.py": "from . import pages\n",
        "site/__init__.py": "",
        "site/model.py": "from ..commands import cli\n",
        "build/__init__.py": "",
        "build/flow.py": "from ..core import errors\n",
        "commands/__init__.py": "",
        "commands/cli.py": "from ..build import flow\n",
    })
    monkeypatch.syspath_prepend(str(tmp_path))
    found = import_map(grimp.build_graph(name, cache_dir=None), name)
    assert upward_imports(found, name) == [
        f"{name}.content.load -> {name}.build.flow",
        f"{name}.core.errors -> {name}.render.pages",
        f"{name}.site.model -> {name}.commands.cli",
    ]
    assert cycles(found) == [[f"{name}.render.feeds", f"{name}.render.pages"]]
    sys.modules.pop(name, None)
