"""The shape of the house, checked: layers, no cycles, no borrowed privates, each word once.

A reviewer forgets; these tests do not.  They read the source (import-linter and
grimp build the import graph, ``ast`` reads the code) and never import a module
of achbench, so they are quick and they see lazy imports inside functions too.
The layer rules themselves live in ``pyproject.toml`` (``[tool.importlinter]``)
and are explained in ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

from tests.helpers import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "achbench"

VOCABULARY = PACKAGE / "core" / "vocabulary.py"
"""The one module allowed to spell the format and the rating codes."""

GENERATED = {PACKAGE / "core" / "_fast_schema.py"}
"""Written by ``python -m achbench.core.schema`` from the models: its literals are copies."""

FORMAT = "achbench/1"
CODES = frozenset({"CC", "C", "N", "I", "II", "NA"})


def _sources() -> Iterator[tuple[Path, str, ast.Module]]:
    """Every module of the package: its path, dotted name and syntax tree."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, ".".join(parts), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def _by_place(line: str) -> tuple[str, int]:
    """Sort key of a ``path:line: ...`` message: by file, then by line number."""
    path, number, _ = line.split(":", 2)
    return path, int(number)


# --------------------------------------------------------------------------- contracts


def _contract_ids() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["id"] for contract in config["tool"]["importlinter"]["contracts"]]


def test_the_layer_contract_names_every_layer() -> None:
    assert _contract_ids() == ["layers", "headless"]


@pytest.mark.parametrize("contract", _contract_ids())
def test_import_linter_contract_is_kept(contract: str) -> None:
    """``lint-imports --contract ID``, in process; its report is the failure message."""
    import importlinter.api  # noqa: F401  (configures import-linter for use as a library)
    from importlinter.application import use_cases

    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        kept = use_cases.lint_imports(
            config_filename=str(ROOT / "pyproject.toml"),
            limit_to_contracts=(contract,),
            cache_dir=None,
            no_logo=True,
        )
    assert kept, report.getvalue()


# --------------------------------------------------------------------------- cycles


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One cycle in the component, spelled module -> module (line) -> ... back to the start."""
    members = set(component)
    start = component[0]
    # Breadth-first from start back to start, inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier and start not in previous:
        following = []
        for module in frontier:
            for child in sorted(graph.find_modules_directly_imported_by(module)):
                if child in members and child not in previous:
                    previous[child] = module
                    following.append(child)
        frontier = following
    path = [start]
    while True:
        path.append(previous[path[-1]])
        if path[-1] == start:
            break
    path.reverse()
    steps = []
    for importer, imported in itertools.pairwise(path):
        lines = graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"l.{detail['line_number']}" for detail in lines)
        steps.append(f"{importer} ({where})")
    return " -> ".join([*steps, start])


def test_no_import_cycles() -> None:
    """Not even through imports inside functions or under ``TYPE_CHECKING``.

    A cycle means two modules are one: neither can be read, tested or moved alone,
    and which one loads first decides what works.
    """
    graph = grimp.build_graph("achbench", cache_dir=None)
    cycles = [_describe(graph, component) for component in _cycles(graph)]
    assert not cycles, "import cycles:\n  " + "\n  ".join(cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c", line_number=3, line_contents="import a.c")
    graph.add_import(importer="a.c", imported="a.b", line_number=7, line_contents="import a.b")
    graph.add_import(importer="a.d", imported="a.b", line_number=1, line_contents="import a.b")
    assert _cycles(graph) == [["a.b", "a.c"]]
    assert _describe(graph, ["a.b", "a.c"]) == "a.b (l.3) -> a.c (l.7) -> a.b"


# --------------------------------------------------------------------------- private names


def _owner_of_private(dotted: str) -> str | None:
    """The module or package a dotted name is private to, or None if it is public.

    ``achbench.core._fast_schema`` is private to ``achbench.core``;
    ``achbench.scoring.methods._spread`` to ``achbench.scoring.methods``.
    """
    parts = dotted.split(".")
    for position, part in enumerate(parts):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:position])
    return None


def _private_uses(module: str, tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Each place ``module`` reaches into another module's underscored name."""
    bound: dict[str, str] = {}  # local name -> achbench module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved as if ``module`` were a plain module
                anchor = module.split(".")[: -node.level]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("achbench"):
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield node, target
                bound[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("achbench"):
                    yield node, alias.name
                    bound[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                yield node, ".".join([bound[value.id], *reversed(chain)])


def _borrowed(module: str, dotted: str) -> bool:
    owner = _owner_of_private(dotted)
    return owner is not None and not (module == owner or module.startswith(owner + "."))


def test_no_module_imports_another_modules_underscored_name() -> None:
    """An underscore says "mine": make the name public, or move it to where it is used.

    A private module (``core._fast_schema``) may be used inside its own package.
    """
    offenders = sorted(
        {
            f"{_where(path, node)}: {module} uses {dotted}"
            for path, module, tree in _sources()
            for node, dotted in _private_uses(module, tree)
            if _borrowed(module, dotted)
        },
        key=_by_place,
    )
    assert not offenders, "underscored names used outside their module:\n  " + "\n  ".join(
        offenders
    )


@pytest.mark.parametrize(
    ("module", "source", "borrowed"),
    [
        ("achbench.a.x", "from achbench.b.y import _spread", ["achbench.b.y._spread"]),
        ("achbench.a.x", "from achbench.b import y\ny._spread(1)", ["achbench.b.y._spread"]),
        ("achbench.a.x", "import achbench.b.y as m\nm._f", ["achbench.b.y._f"]),
        ("achbench.a.x", "import achbench.b.y\nachbench.b.y._f", ["achbench.b.y._f"]),
        ("achbench.core.validate", "from achbench.core._fast_schema import SCHEMA", []),
        (
            "achbench.a.x",
            "from achbench.core._fast_schema import SCHEMA",
            ["achbench.core._fast_schema.SCHEMA"],
        ),
        ("achbench.a.x", "from achbench import __version__\nfrom textual import _wait", []),
        ("achbench.a.x", "from achbench.a.y import public\nself._private = 1", []),
    ],
)
def test_the_private_name_scan(module: str, source: str, borrowed: list[str]) -> None:
    found = [d for _, d in _private_uses(module, ast.parse(source)) if _borrowed(module, d)]
    assert found == borrowed


# --------------------------------------------------------------------------- each word once


def _strings(nodes: list[ast.expr] | list[ast.expr | None]) -> set[object]:
    return {node.value for node in nodes if isinstance(node, ast.Constant)}


def _is_code_table(node: ast.AST) -> bool:
    """A literal that lists the six rating codes.

    That is a tuple, list or set of them (``Literal[...]`` included), a dict that maps
    to them (key bindings, spellings), a dict from them to anything but numbers
    (meanings, spellings, styles), or a string such as ``"CC C N I II NA"``.  A dict
    from each code to a number is a scoring method's weights and lives with the
    method (``scoring.methods.HEUER_VALUE``): it is not a copy of the scale.
    """
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return _strings(node.elts) >= CODES
    if isinstance(node, ast.Dict):
        if _strings(node.values) >= CODES:
            return True
        numbers = all(
            isinstance(value, ast.Constant)
            and isinstance(value.value, int | float)
            and not isinstance(value.value, bool)
            for value in node.values
        )
        return _strings(node.keys) >= CODES and not numbers
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return set(re.split(r"[\s,|/]+", node.value.strip())) == CODES
    return False


def _spellings(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == FORMAT:
            yield node, f"the format string {FORMAT!r}"
        elif _is_code_table(node):
            yield node, "a table of the six rating codes"


def test_the_format_and_the_codes_are_spelled_only_in_the_vocabulary() -> None:
    """Import ``FORMAT`` and ``CODES`` from ``achbench.core.vocabulary``; build tables from them."""
    offenders = sorted(
        (
            f"{_where(path, node)}: {what} (import it from achbench.core.vocabulary)"
            for path, _, tree in _sources()
            if path != VOCABULARY and path not in GENERATED
            for node, what in _spellings(tree)
        ),
        key=_by_place,
    )
    assert not offenders, "\n  ".join(["spelled outside core/vocabulary.py:", *offenders])


def test_the_vocabulary_itself_spells_them() -> None:
    found = {what for _, what in _spellings(ast.parse(VOCABULARY.read_text(encoding="utf-8")))}
    assert found == {f"the format string {FORMAT!r}", "a table of the six rating codes"}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('KEYS = {"1": "CC", "2": "C", "3": "N", "4": "I", "5": "II", "6": "NA"}', True),
        ('ORDER = ("CC", "C", "N", "I", "II", "NA")', True),
        ('Code = Literal["NA", "II", "I", "N", "C", "CC"]', True),
        ('WORDS = "CC C N I II NA".split()', True),
        ('MEANING = {"CC": "very", "C": "c", "N": "n", "I": "i", "II": "ii", "NA": "na"}', True),
        ('HEUER = {"CC": 0.0, "C": 0.0, "N": 0, "I": 1.0, "II": 2.0, "NA": 0.0}', False),
        ('INCONSISTENT = ("I", "II")', False),
        ('"""Rate CC, C, N, I, II or NA: the codes of the scale."""', False),
    ],
)
def test_the_code_table_scan(source: str, found: bool) -> None:
    assert any(True for _ in _spellings(ast.parse(source))) is found
