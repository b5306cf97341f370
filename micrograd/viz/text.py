"""The computation graph as text: `tree(root)` for the terminal, the REPL and logs.

Each line is one value, indented under the op that used it, with its data and grad:

    >>> from micrograd import Value
    >>> a = Value(3.0, label="a")
    >>> y = a * a + 1
    >>> y.backward()
    >>> print(tree(y))
    +           data 10.0000  grad 1.0000
    ├─ *        data  9.0000  grad 1.0000
    │  ├─ #1 a  data  3.0000  grad 6.0000
    │  └─ #1 a  (shown above)
    └─ leaf     data  1.0000  grad 1.0000

What this teaches: a graph is a tree in which some values are shared. `a` feeds the
multiplication twice, so it is printed once, given a short id (`#1`), and referred to
after; its grad, 6, is the sum of what it receives along both uses.

`tree` returns a `TextView`, a `str` that shows itself as text: `tree(y)` or `y.tree()` as
the last line of a notebook cell or at the `>>>` prompt prints the lines above, not a
one-line string full of `\\n`.

The walk uses an explicit stack rather than recursion, so any depth works, and it needs
no Graphviz. The rest of `micrograd.viz` shares the checks and formatting at the bottom.
"""

from __future__ import annotations

from ..engine import Graph, Value

# Deeper than this many levels, indentation starts again from the left margin (with a
# `[+30]`-style mark), so a 100,000-deep chain prints lines of bounded length.
INDENT_LEVELS = 30


class TextView(str):
    """A `str` that shows itself as the text it holds: at the `>>>` prompt and as the last
    line of a notebook cell, its lines rather than a quoted one-line string. It prints,
    compares and joins as the plain string it is.

    >>> TextView("a\\nb")
    a
    b
    >>> TextView("a\\nb") == "a\\nb"
    True
    """

    __slots__ = ()

    def __repr__(self) -> str:  # IPython and Jupyter show a str subclass by its __repr__
        return str(self)


def tree(root: Value, depth: int | None = None) -> TextView:
    """The graph of `root` as an indented tree: one line per value, with op, data and grad.

    A value used more than once is printed the first time with an id such as `#1`, and
    later lines refer to it by that id. `depth=k` prints only the k levels below the
    root and says how many inputs each cut-off value has.
    """
    check_value(root, "tree()")
    check_depth(depth, "tree")
    shared = _shared_values(root)
    ids: dict[Value, int] = {}
    rows: list[tuple[str, str, str, str]] = []  # (tree part, data, grad, note)
    # Not Graph(root)'s order: a tree is printed root first, each input under the op that
    # used it, and a shared value once per use. Each entry: the value, its depth, the
    # prefix of its own line, the prefix of its children's lines.
    stack: list[tuple[Value, int, str, str]] = [(root, 0, "", "")]
    while stack:
        node, level, line_prefix, child_prefix = stack.pop()
        name = _name(node)
        if node in ids:
            rows.append((f"{line_prefix}#{ids[node]} {name}", "", "", "(shown above)"))
            continue
        cut = depth is not None and level >= depth and node.inputs
        if node in shared and not cut:  # a cut value is shown again, in full, if met higher up
            ids[node] = len(ids) + 1
            name = f"#{ids[node]} {name}"
        rows.append((line_prefix + name, format_number(node.data), format_number(node.grad), ""))
        if cut:
            count = len(node.inputs)
            inputs = "1 input" if count == 1 else f"{count} inputs"
            rows.append((f"{child_prefix}└─ ⋯", "", "", f"{inputs} not shown"))
            continue
        if (level + 1) % INDENT_LEVELS == 0:
            child_prefix = f"[+{level + 1}] "  # start again at the left margin; see INDENT_LEVELS
        last = len(node.inputs) - 1
        # Pushed in reverse so that the first child is printed first.
        for i, child in reversed(list(enumerate(node.inputs))):
            connector, continuation = ("└─ ", "   ") if i == last else ("├─ ", "│  ")
            stack.append((child, level + 1, child_prefix + connector, child_prefix + continuation))
    return TextView(_columns(rows))


def _columns(rows: list[tuple[str, str, str, str]]) -> str:
    """Align data and grad in columns, so numbers can be compared down the page."""
    width = min(max(len(row[0]) for row in rows), 60)
    data_width = max(len(row[1]) for row in rows)
    grad_width = max(len(row[2]) for row in rows)
    lines = []
    for left, data, grad, note in rows:
        if data:
            line = f"{left:<{width}}  data {data:>{data_width}}  grad {grad:>{grad_width}}"
        else:
            line = f"{left:<{width}}  {note}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _shared_values(root: Value) -> set[Value]:
    """The values that feed more than one op (or the same op twice): these get an id."""
    seen: set[Value] = set()
    shared: set[Value] = set()
    for node in Graph(root).values:
        for child in node.inputs:
            if child in seen:
                shared.add(child)
            seen.add(child)
    return shared


def _name(node: Value) -> str:
    """`label = op` for a computed value, the label for a leaf, `leaf` for a bare number."""
    label = visible(node.label, newline="\\n")
    if node.op:
        return f"{label} = {node.op}" if label else node.op
    return label or "leaf"


# ------------------------------------------------------- shared checks and formatting
# The drawing modules check their arguments and write numbers alike: with these.


def check_value(root: object, caller: str) -> None:
    """A TypeError naming `caller` unless `root` is a Value."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller} needs a Value, got {type(root).__name__}: {root!r}")


def check_depth(depth: int | None, caller: str) -> None:
    """A ValueError naming `caller` unless `depth` is None or a whole number >= 0."""
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        raise ValueError(
            f"{caller}: depth must be None (everything) or a whole number >= 0, got {depth!r}"
        )


def visible(text: str, newline: str) -> str:
    """`text` with each invisible character (tab, NUL, zero-width space, ...) written as
    its Python escape, such as `\\t`, so that a label always shows what it really holds.
    Newlines become `newline`."""
    return newline.join(
        "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)
        for line in text.split("\n")
    )


def format_number(x: float) -> str:
    """Four decimals, as in the lecture; very large or very small numbers in e-notation."""
    if x != 0 and not 1e-4 <= abs(x) < 1e6:
        return f"{x:.3e}"
    return f"{x:.4f}"
