"""The package's layers, checked on its source with `ast`, so that they stay visible.

    engine  <-  library  <-  drawing  <-  the package's front door  <-  command line  <-  demos

Imports run one way, down this list: a module may import from its own layer or the layers
below it, never above. Four rules hold for every module in micrograd/ and demos/:

- no import runs up the layers; the one exception is the engine's two REPL conveniences,
  `Value.draw()` and `Value.tree()`, which import the drawing code inside themselves (and
  the type their `draw` returns, for type checkers only);
- no import circle among the imports that run when a module loads;
- no module imports another module's private name (`from .engine import _walk`);
- no module reads a private attribute (`x._name`) that it does not define itself: in
  particular, nothing outside engine.py uses the lecture's `_prev`, `_op` or `_backward`.

A new module fails `test_every_module_has_a_layer` until it is given its layer below.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each layer and the modules in it, lowest first. "micrograd.viz.*" means every module of
# the micrograd.viz package, the package itself included.
LAYERS = {
    "engine": ["micrograd.engine"],
    "library": [
        "micrograd.nn",
        "micrograd.losses",
        "micrograd.optim",
        "micrograd.data",
        "micrograd.gradcheck",
        "micrograd.expression",
        "micrograd.files",
        "micrograd.messages",
        # MLP.to_torch() and MLP.from_torch() import it inside themselves, so torch stays
        # optional; it imports nn to build an MLP. Same layer: no import runs up.
        "micrograd.torch_bridge",
    ],
    "drawing": ["micrograd.viz.*", "micrograd.steps"],
    # micrograd/__init__.py gathers the names users import from `micrograd`, drawing included.
    "front door": ["micrograd"],
    "command line": ["micrograd.cli.*", "micrograd.__main__"],
    "demos": ["demos.*"],
}

# The engine's own names that the lecture uses; the rest of the package says inputs, op and
# backward_step().
LECTURE_ALIASES = {"_prev", "_op", "_backward", "_children"}

# Imports allowed to run up the layers: (module, function it sits in, module it imports).
# Value.draw() and Value.tree() are REPL conveniences that call the drawing code; None means
# under `if TYPE_CHECKING:`, where the engine names the Drawing that draw() returns.
ALLOWED_UPWARD = {
    ("micrograd.engine", "draw", "micrograd.viz"),
    ("micrograd.engine", "tree", "micrograd.viz"),
    ("micrograd.engine", None, "micrograd.viz"),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (for `from X import name`: X.name if it is a module)
    names: tuple[str, ...]  # the names taken from the target, if any
    function: str | None  # the function the import sits in; None at module level
    type_checking: bool  # under `if TYPE_CHECKING:`: never run
    line: int

    @property
    def runs_on_load(self) -> bool:
        return self.function is None and not self.type_checking

    def where(self) -> str:
        return f"{self.module} (line {self.line})"


@cache
def modules() -> dict[str, Path]:
    """Every module of micrograd/ and demos/ by dotted name; a package by its own name."""
    found = {}
    for folder in ("micrograd", "demos"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def layer_of(module: str) -> int:
    for index, patterns in enumerate(LAYERS.values()):
        for pattern in patterns:
            if pattern.endswith(".*"):
                package = pattern[:-2]
                if module == package or module.startswith(package + "."):
                    return index
            elif module == pattern:
                return index
    raise KeyError(module)


def layer_name(module: str) -> str:
    return list(LAYERS)[layer_of(module)]


@cache
def tree_of(module: str) -> ast.Module:
    path = modules()[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The module that `from ... import` names, made absolute."""
    if node.level == 0:
        return node.module or ""
    package = module if is_package(module) else module.rpartition(".")[0]
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    return f"{base}.{node.module}" if node.module else base


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    """Every import in `module` of another module of micrograd/ or demos/."""
    known = modules()
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None, type_checking: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = function or node.name
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, function, True)
            for child in node.orelse:
                visit(child, function, type_checking)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    found.append(
                        Import(module, alias.name, (), function, type_checking, node.lineno)
                    )
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                # `from . import data` imports the module micrograd.data, not a name.
                submodule = f"{source}.{alias.name}"
                if submodule in known:
                    found.append(
                        Import(module, submodule, (), function, type_checking, node.lineno)
                    )
                elif source in known:
                    names = (alias.name,)
                    found.append(
                        Import(module, source, names, function, type_checking, node.lineno)
                    )
        for child in ast.iter_child_nodes(node):
            visit(child, function, type_checking)

    visit(tree_of(module), None, False)
    return tuple(found)


def defined_names(module: str) -> set[str]:
    """Every name that `module` defines: functions, classes, assigned names, attributes set
    on `self` or `cls`, and the names in a `__slots__`."""
    names: set[str] = set()
    for node in ast.walk(tree_of(module)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            names.add(node.attr)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                names.update(
                    slot.value
                    for slot in ast.walk(node.value or ast.Constant(None))
                    if isinstance(slot, ast.Constant) and isinstance(slot.value, str)
                )
    return names


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# ------------------------------------------------------------------ the tests


def test_every_module_has_a_layer():
    unplaced = []
    for module in modules():
        try:
            layer_of(module)
        except KeyError:
            unplaced.append(module)
    assert unplaced == [], f"put each new module in one of LAYERS in {__file__}"


def test_the_layers_are_the_ones_the_docs_describe():
    assert layer_name("micrograd.engine") == "engine"
    for module in ("micrograd.nn", "micrograd.expression", "micrograd.gradcheck"):
        assert layer_name(module) == "library"
    for module in ("micrograd.viz", "micrograd.viz.dot", "micrograd.viz.plots", "micrograd.steps"):
        assert layer_name(module) == "drawing"
    assert layer_name("micrograd.cli.training") == "command line"
    assert layer_name("demos.train_moons") == "demos"


def test_imports_run_only_down_the_layers():
    upward = []
    for module in modules():
        for imported in imports_of(module):
            if layer_of(imported.target) <= layer_of(module):
                continue
            allowed = (module, imported.function, imported.target)
            if allowed in ALLOWED_UPWARD and (imported.function or imported.type_checking):
                continue
            upward.append(
                f"{imported.where()}, in the {layer_name(module)} layer, imports "
                f"{imported.target}, in the {layer_name(imported.target)} layer"
            )
    assert not upward, "\n".join(upward)


def test_the_engine_imports_nothing_of_the_package_when_it_loads():
    assert [i.target for i in imports_of("micrograd.engine") if i.runs_on_load] == []


def test_no_import_circle():
    """Depth-first along the imports that run when a module loads; a module met again on
    the current path closes a circle."""
    graph = {
        module: sorted(
            {i.target for i in imports_of(module) if i.runs_on_load and i.target != module}
        )
        for module in modules()
    }
    circles = []
    done: set[str] = set()
    for start in graph:
        path: list[str] = []
        stack: list[tuple[str, bool]] = [(start, False)]
        on_path: set[str] = set()
        while stack:
            module, leaving = stack.pop()
            if leaving:
                path.pop()
                on_path.discard(module)
                done.add(module)
                continue
            if module in on_path:
                circles.append(" -> ".join([*path[path.index(module) :], module]))
                continue
            if module in done:
                continue
            path.append(module)
            on_path.add(module)
            stack.append((module, True))
            stack.extend((target, False) for target in graph[module])
    assert not circles, "\n".join(circles)


def test_no_module_imports_another_modules_private_names():
    private = [
        f"{imported.where()} imports {name} from {imported.target}"
        for module in modules()
        for imported in imports_of(module)
        for name in imported.names
        if is_private(name) and imported.target != module
    ]
    assert not private, "\n".join(private)


def test_no_private_attribute_is_read_outside_the_module_that_defines_it():
    """`x._name` (or getattr(x, "_name")) only where `_name` is defined: a module's own
    helpers and its classes' own attributes, never the engine's internals elsewhere."""
    reads = []
    for module in modules():
        own = defined_names(module)
        for node in ast.walk(tree_of(module)):
            name = None
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "setattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                name = node.args[1].value
            if name is None or not is_private(name):
                continue
            if module == "micrograd.engine":
                continue
            if name in LECTURE_ALIASES or name not in own:
                reads.append(f"{module} (line {node.lineno}) reads .{name}")
    assert not reads, "\n".join(reads)


# ------------------------------------------------------------------ the checker itself


@pytest.mark.parametrize(
    ("module", "source", "level", "expected"),
    [
        ("micrograd.viz.dot", "engine", 2, "micrograd.engine"),
        ("micrograd.viz.dot", "text", 1, "micrograd.viz.text"),
        ("micrograd.viz", "dot", 1, "micrograd.viz.dot"),
        ("micrograd.cli", None, 2, "micrograd"),
        ("micrograd.nn", "engine", 1, "micrograd.engine"),
    ],
)
def test_relative_imports_resolve_to_the_module_python_loads(module, source, level, expected):
    node = ast.ImportFrom(module=source, names=[ast.alias("x")], level=level)
    assert _resolve(module, node) == expected


def test_the_checker_sees_the_engines_lazy_imports():
    lazy = [i for i in imports_of("micrograd.engine") if not i.runs_on_load]
    assert {(i.function, i.target) for i in lazy} >= {
        ("draw", "micrograd.viz"),
        ("tree", "micrograd.viz"),
    }
