"""Backpropagation, one step at a time: a web page that plays `backward()` node by node.

`backprop_steps(root, "steps.html")` writes a single HTML file (it needs no network and
opens from disk in any browser) with the graph of `root` drawn as `draw_dot` draws it (top
to bottom by default), and buttons that walk through the backward pass. Step 0 shows the
forward pass done and no grads yet; step 1 sets the output's grad to 1; each later step
takes one value, in the order `backward()` takes them, and passes its grad back to its
inputs:

    input.grad += local_grad * value.grad

The page lights up that value, writes `local_grad x upstream grad = contribution` on each
arrow into it, and updates each input's grad, written out as `old + contribution = new`.

What this teaches: why the order is reverse topological (a value's grad is complete only
once every value made from it has passed its grad back), what "local derivative times
upstream gradient" means with real numbers, and why grads add up where a value is used
twice. `backward_steps(root)` gives the same steps as Python objects, to print or test.

Every number on the page is computed here, in Python, by replaying `backward()`'s loop on
a dictionary of grads, so the last step's grads are those of `backward()`, bit for bit; the
page's script only shows the texts it is given.
"""

from __future__ import annotations

import html
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from ..engine import Graph, Value
from ..files import write_atomically
from .dot import draw_dot
from .renderer import render
from .text import check_value, format_number, visible

__all__ = ["Edge", "Step", "backprop_steps", "backward_steps"]

# An unlabeled value is named by the expression that made it ("x1*w1") if that is short;
# else by its number in the drawing ("#7"), which the page writes in its box.
MAX_NAME_LENGTH = 24

# How tightly each infix op binds, to know where an expression needs brackets.
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 2, "**": 3}
ATOM = 4  # a label, a positive number or a call such as tanh(...): never bracketed

SECONDS_PER_STEP_WHEN_PLAYING = 1.5
# Inches between the columns of a left-to-right drawing; Graphviz's default is 0.5. Each step
# writes "local_grad x grad = ..." across its arrows, and there they run sideways.
LR_RANKSEP = "0.9"
TIMES = "\u00d7"  # the multiplication sign, as on paper


class Edge(NamedTuple):
    """One use of the chain rule: `child.grad += local_grad * grad of the step's value`."""

    child: Value
    local_grad: float
    before: float  # child's grad before this edge added to it
    after: float  # before + local_grad * grad, exactly as backward() computes it


class Step(NamedTuple):
    """One value whose grad `backward()` passes back to its inputs, one edge per input."""

    node: Value
    grad: float  # the value's grad, complete by now
    edges: tuple[Edge, ...]


def backward_steps(root: Value) -> list[Step]:
    """The steps of `root.backward()` on fresh grads, in its order, without changing a grad.

    This is backward()'s loop run on a dictionary instead of on `.grad`: the same order,
    the same skipping rule and the same float operations, so every number is the one
    backward() computes. Leaves and values whose grad is 0 pass nothing back: no step.

    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> [(edge.child.label, edge.local_grad, edge.after) for edge in backward_steps(y)[0].edges]
    [('a', 2.0, 2.0), ('a', 2.0, 4.0)]
    """
    check_value(root, "backward_steps")
    return _replay_backward(Graph(root).values)


def _replay_backward(order: list[Value]) -> list[Step]:
    """backward()'s loop over `order`, the values inputs first, on a dictionary of grads."""
    root = order[-1]
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    steps = []
    for node in reversed(order):
        grad = grads[node]
        if grad == 0.0 or not node.inputs:  # as in backward(): nothing to pass back
            continue
        edges = []
        for child, local_grad in zip(node.inputs, node.local_grads):
            before = grads[child]
            grads[child] = before + local_grad * grad
            edges.append(Edge(child, local_grad, before, grads[child]))
        steps.append(Step(node, grad, tuple(edges)))
    return steps


def backprop_steps(
    root: Value, path: str | os.PathLike[str] = "steps.html", **draw_options: Any
) -> Path:
    """Write a web page that plays `root.backward()` one value at a time; return its path.

    The page is one self-contained HTML file: the graph drawn by `draw_dot(root,
    **draw_options)` (but top to bottom unless `rankdir="LR"`, and with local grads on the
    arrows unless `show_local_grads=False`), a panel with the equations of the current step
    and the order of all steps, buttons and the arrow keys to move, and the step number in
    the address (`steps.html#step=5`) so that a link opens that step. `root`'s graph is only
    read, never changed.

    Like `draw_dot`, it refuses graphs of more than `max_nodes` values, and it needs the
    Graphviz program `dot` (or `graphviz-pure`) to lay the graph out: without one it raises
    `GraphvizNotFoundError` saying how to install it. The file is written whole or not at all.
    """
    check_value(root, "backprop_steps")
    _refuse_options_that_hide_steps(draw_options)
    draw_options.setdefault("show_local_grads", True)
    # Top to bottom fits a screen, beside the panel, far better than draw_dot's wide "LR".
    draw_options.setdefault("rankdir", "TB")
    # draw_dot checks the options and the size of the graph, with its own error messages:
    # the same limits and the same words as for any other drawing.
    timeout = draw_dot(root, **draw_options).timeout
    # The values in draw_dot's order, which numbers their boxes v0, v1, ...: the page finds
    # a value's box by that id. backward() takes them in the reverse order.
    order = Graph(root).values
    numbers = {node: i for i, node in enumerate(order)}
    names, expressions = _names(order, numbers)
    graph = _Graph(root, numbers, names, expressions, list(reversed(order)))
    steps = _replay_backward(order)

    pages = _page_steps(graph, steps)
    drawing = draw_dot(_copy_for_drawing(order, graph, pages), **draw_options)
    if draw_options["rankdir"] == "LR":
        drawing.graph_attr["ranksep"] = LR_RANKSEP
    svg = render(drawing.source, "svg", timeout).decode("utf-8")
    data = {
        "values": [graph.id(node) for node in order],
        "steps": pages,
        "order": _order_entries(graph, steps),
        "secondsPerStep": SECONDS_PER_STEP_WHEN_PLAYING,
    }
    page = _page(names[root], _inline(svg), _json_for_script(data))
    path = Path(path)
    write_atomically(path, page.encode("utf-8"))
    return path


def _refuse_options_that_hide_steps(draw_options: dict[str, Any]) -> None:
    reasons = {
        "depth": "every value takes part in the backward pass, so the page draws them all",
        "model": "it boxes a network's neurons, which this page does not draw; use draw_dot",
    }
    for option, reason in reasons.items():
        if option in draw_options:
            raise ValueError(f"backprop_steps does not take {option}=: {reason}")
    if draw_options.get("color") == "grad":
        raise ValueError(
            "backprop_steps does not take color='grad': colours by grad would show the final "
            "grads before the first step. Use color='role' (the default) or color=None."
        )


# ------------------------------------------------------------------ names


def _names(
    order: list[Value], numbers: dict[Value, int]
) -> tuple[dict[Value, str], dict[Value, str]]:
    """What the page calls each value (its label, else the expression that made it, else
    its number in the drawing, or "output"), and the expression that made each computed
    value."""
    names: dict[Value, str] = {}
    expressions: dict[Value, str] = {}
    precedence: dict[Value, int] = {}
    for node in order:  # inputs come first, so their names are ready
        expression, binds = _expression(node, names, precedence)
        if node.inputs:
            expressions[node] = expression
        if node.label:
            names[node], precedence[node] = visible(node.label, newline="\\n"), ATOM
        elif len(expression) > MAX_NAME_LENGTH:
            # The root comes last; "output" says more than its number would.
            short = "output" if node is order[-1] else f"#{numbers[node]}"
            names[node], precedence[node] = short, ATOM
        else:
            names[node], precedence[node] = expression, binds
    return names, expressions


def _expression(
    node: Value, names: dict[Value, str], precedence: dict[Value, int]
) -> tuple[str, int]:
    """The expression that made `node` from its inputs' names, and how tightly it binds."""
    if not node.inputs:  # a number written into the expression, such as the 1 in x + 1
        text = format(node.data, ".4g")
        return text, 0 if text.startswith("-") else ATOM  # 0: bracket -3 in x*(-3)

    def operand(child: Value, binds_at_least: int) -> str:
        text = names[child]
        return text if precedence[child] >= binds_at_least else f"({text})"

    op, children = node.op, node.inputs
    if op in ("+", "-", "*", "/") and len(children) == 2:
        binds = PRECEDENCE[op]
        # Brackets on the right for equal precedence too: a + (b + c) is a different graph.
        left, right = operand(children[0], binds), operand(children[1], binds + 1)
        return (f"{left} {op} {right}" if binds == 1 else f"{left}{op}{right}"), binds
    if op.startswith("**"):  # x**2 holds its exponent in the op; x**y has it as an input
        exponent = op[2:] or operand(children[1], ATOM)
        return f"{operand(children[0], ATOM)}**{exponent}", PRECEDENCE["**"]
    if op == "neg":
        return f"-{operand(children[0], ATOM)}", PRECEDENCE["neg"]
    return f"{op}({', '.join(names[child] for child in children)})", ATOM


class _Graph(NamedTuple):
    """What the page's texts need to know about the graph besides the steps."""

    root: Value
    numbers: dict[Value, int]  # each value's number in the drawing: its box is "v{number}"
    names: dict[Value, str]
    expressions: dict[Value, str]  # of the computed values: "x1*w1 + b"
    backward_order: list[Value]  # the order in which backward() takes the values

    def id(self, node: Value) -> str:
        return f"v{self.numbers[node]}"

    def name_and_op(self, node: Value) -> str:
        """The name, followed by the op when the name does not show it: `n (+)`."""
        name = self.names[node]
        return name if name == self.expressions.get(node) else f"{name} ({node.op})"


# ------------------------------------------------------------------ the steps shown


def _page_steps(graph: _Graph, steps: list[Step]) -> list[dict[str, Any]]:
    """What the page shows at each step: texts only, every number computed here.

    Each step has a title, paragraphs, a block of equations per edge and notes for the
    panel; the value to light up; the arrows to light and write on (`v3->op5`, and which
    one when a value feeds an op twice); and the grads that change, as `[id, text]`. The
    page shows step k by replaying the changes of steps 1 to k, so a step holds only its
    own.
    """
    last = len(steps) + 1
    root = graph.names[graph.root]
    pages = [
        _page_step(
            f"Step 0 of {last}: after the forward pass",
            [
                "Every box shows its data, computed by the forward pass in the direction of "
                "the arrows. The grads are blank: backward() has not run yet.",
                f"Backpropagation goes the other way, from {root} back to the inputs. It "
                f"finds each value's grad: how much {root} changes when that value changes "
                "a little. Press Next (or the → key) to start.",
            ],
        ),
        _page_step(
            f"Step 1 of {last}: start at the output",
            [
                f"backward() begins by setting {_dot(root, 'grad')} = 1: d({root})/d({root}) = 1, "
                f"since {root} changes exactly as much as itself.",
                "Every other grad starts at 0, shown blank until something is added to it.",
            ],
            node=graph.id(graph.root),
            changes=[[graph.id(graph.root), format_number(1.0)]],
        ),
    ]
    uses = _uses(graph)
    received: dict[Value, int] = {}  # how many contributions each value has had so far
    for k, step in enumerate(steps, start=2):
        pages.append(_node_page(graph, step, f"Step {k} of {last}", uses, received))
    _add_skips_and_the_end(graph, steps, pages, received)
    return pages


def _node_page(
    graph: _Graph, step: Step, counter: str, uses: dict[Value, int], received: dict[Value, int]
) -> dict[str, Any]:
    node = step.node
    name = graph.names[node]
    paragraphs = []
    if graph.expressions[node] != name:
        paragraphs.append(f"{name} = {graph.expressions[node]}")
    if node is graph.root:
        paragraphs.append(f"Its grad is {format_number(step.grad)}, set in step 1.")
    else:
        paragraphs.append(
            f"Its grad, {format_number(step.grad)}, is complete: every value made from {name} has "
            "already passed its grad back to it. That is why backward() goes in reverse "
            "topological order."
        )
    paragraphs.append(
        f"Chain rule, for each input: input.grad += local_grad {TIMES} upstream grad. The "
        f"upstream grad is {_dot(name, 'grad')} = {format_number(step.grad)}, and local_grad = "
        f"d({name})/d(input).{_local_grads_sentence(node)}"
    )
    blocks: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    changes: list[list[str]] = []
    for edge in step.edges:
        child, child_id = edge.child, graph.id(edge.child)
        received[child] = received.get(child, 0) + 1
        contribution = edge.local_grad * step.grad  # the product that backward() adds
        heading = graph.names[child]
        if uses[child] > 1:
            heading += (
                f" \u00b7 used {uses[child]} times, so its grad adds up: contribution "
                f"{received[child]} of {uses[child]}"
            )
        blocks.append(
            {
                "name": heading,
                "lines": [
                    f"local_grad {TIMES} upstream grad = {format_number(edge.local_grad)} {TIMES} "
                    f"{_bracketed(format_number(step.grad))} = {format_number(contribution)}",
                    f"{_dot(graph.names[child], 'grad')} += {format_number(contribution)}  \u2192  "
                    f"{format_number(edge.before)} + {_bracketed(format_number(contribution))} = "
                    f"{format_number(edge.after)}",
                ],
                "adds": received[child] > 1,
            }
        )
        # On the arrow, short numbers as in draw_dot's local_grad labels: space is tight.
        product = (
            f"{_short(edge.local_grad)} {TIMES} {_bracketed(_short(step.grad))} = "
            f"{_short(contribution)}"
        )
        arrow = f"{child_id}->op{graph.numbers[node]}"
        # a*a draws two arrows v0->op1 side by side, too close for a tag each: the first
        # carries both products, and the second is only lit.
        twin = next((earlier for earlier in edges if earlier["edge"] == arrow), None)
        if twin is None:
            edges.append({"edge": arrow, "nth": 0, "text": product})
        else:
            twin["text"] += f"  and  {product}"
            edges.append({"edge": arrow, "nth": sum(e["edge"] == arrow for e in edges), "text": ""})
        changes.append([child_id, format_number(edge.after)])
    return _page_step(
        f"{counter}: {name} passes its grad back",
        paragraphs,
        node=graph.id(node),
        op=f"op{graph.numbers[node]}",
        changes=changes,
        blocks=blocks,
        edges=edges,
    )


def _page_step(
    title: str,
    paragraphs: list[str],
    *,
    node: str | None = None,
    op: str | None = None,
    changes: list[list[str]] | None = None,
    blocks: list[dict[str, Any]] | None = None,
    edges: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "title": title,
        "paragraphs": paragraphs,
        "node": node,
        "op": op,
        "changes": changes or [],
        "blocks": blocks or [],
        "edges": edges or [],
        "notes": [],
    }


def _local_grads_sentence(node: Value) -> str:
    """The op's local grads as the first line of its function's docstring states them
    (`x * y; d/dx = y, d/dy = x`): ` For x * y (x: the first input, y: the second): d/dx = y,
    d/dy = x.` Empty if there is no such line, as in an op of your own without one."""
    docstring = node.function.__doc__ if node.function is not None else None
    first_line = (docstring or "").strip().split("\n")[0]
    if "; d/d" not in first_line:
        return ""
    formula, local_grads = first_line.split("; ", 1)
    if node.constants:  # x ** 3: the op's one constant, the exponent, is its y
        which = f" (here y = {', '.join(format(c, 'g') for c in node.constants)})"
    elif len(node.inputs) == 2:
        which = " (x: the first input, y: the second)"
    else:
        which = ""
    return f" For {formula}{which}: {local_grads}."


def _add_skips_and_the_end(
    graph: _Graph, steps: list[Step], pages: list[dict[str, Any]], received: dict[Value, int]
) -> None:
    """Say where backward() skips a value, and at the last step that it is done."""
    page_of = _page_of_each_step(steps)
    page = 1
    for node in graph.backward_order:
        if node in page_of:
            page = page_of[node]
        elif node.inputs and node is not graph.root:  # as in backward(): its grad is 0
            pages[page]["notes"].append(
                f"Next in the order comes {graph.name_and_op(node)}, whose grad is 0: it "
                "would pass back only zeros, so backward() skips it."
            )
    end = pages[-1]
    unreached = [node for node in graph.numbers if node not in received and node is not graph.root]
    if unreached:
        end["changes"].extend([graph.id(node), format_number(0.0)] for node in unreached)
        end["notes"].append(
            f"No grad ever reached {', '.join(graph.names[node] for node in unreached)}: "
            "every path from the output passes a value whose grad is 0. Such a grad stays 0."
        )
    leaves = [graph.names[node] for node in graph.numbers if not node.inputs]
    which = f"The leaves ({', '.join(leaves)})" if len(leaves) <= 8 else f"The {len(leaves)} leaves"
    end["notes"].append(
        f"This is the last step. {which} have no inputs to pass a grad to, so backward() is "
        f"done: each grad shown is exactly what {_dot(graph.names[graph.root], 'backward()')} "
        "computes."
    )


def _order_entries(graph: _Graph, steps: list[Step]) -> list[dict[str, Any]]:
    """The panel's list: each value that backward() passes a grad back from, or skips, in
    its order, with the page step that shows it (None when skipped)."""
    page_of = _page_of_each_step(steps)
    entries: list[dict[str, Any]] = [
        {"text": f"start: {_dot(graph.names[graph.root], 'grad')} = 1", "step": 1}
    ]
    for node in graph.backward_order:
        if node in page_of:
            entries.append({"text": graph.name_and_op(node), "step": page_of[node]})
        elif node.inputs:
            entries.append({"text": f"{graph.name_and_op(node)}: skipped, grad 0", "step": None})
    return entries


def _page_of_each_step(steps: list[Step]) -> dict[Value, int]:
    # Page step 0 is the forward pass and 1 sets the output's grad: step i is on page i + 2.
    return {step.node: page for page, step in enumerate(steps, start=2)}


def _uses(graph: _Graph) -> dict[Value, int]:
    """How many arrows leave each value: how many contributions its grad may add up."""
    uses = dict.fromkeys(graph.numbers, 0)
    for node in graph.numbers:
        for child in node.inputs:
            uses[child] += 1
    return uses


def _bracketed(number: str) -> str:
    """A number after a plus or times sign, bracketed when negative: `2.0000 + (-3.0000)`."""
    return f"({number})" if number.startswith("-") else number


def _short(x: float) -> str:
    return format(x, ".4g")


def _dot(name: str, attribute: str) -> str:
    """`x1.grad`, but `(x1*w1).grad`: the grad of the whole expression."""
    return f"{name}.{attribute}" if re.fullmatch(r"[\w#]+", name) else f"({name}).{attribute}"


# ------------------------------------------------------------------ the page


def _copy_for_drawing(order: list[Value], graph: _Graph, pages: list[dict[str, Any]]) -> Value:
    """A copy of the graph to draw, in which an unlabeled value carries its name from the
    page, and each grad is the widest number its box will show, so every step fits the cell.

    The copy is made by hand, not by ops, so that nothing is recomputed and no_grad()
    cannot drop its inputs."""
    widest: dict[str, str] = {}
    for page in pages:
        for value_id, text in page["changes"]:
            if len(text) > len(widest.get(value_id, "")):
                widest[value_id] = text
    copies: dict[Value, Value] = {}
    for node in order:  # inputs first
        copy = Value(node.data, node.label or graph.names[node])
        copy.inputs = tuple(copies[child] for child in node.inputs)
        copy.local_grads = node.local_grads
        copy.function = node.function
        copy.constants = node.constants
        copy.grad = float(widest.get(graph.id(node), "0"))
        copies[node] = copy
    return copies[order[-1]]


def _inline(svg: str) -> str:
    """Graphviz's SVG file as an element of the page: what comes before <svg> (the XML
    declaration and a doctype that names a web address) goes, and so do the namespace
    declarations, which HTML supplies by itself."""
    start = svg.index("<svg")
    end_of_tag = svg.index(">", start)
    tag = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg[start:end_of_tag])
    return tag + svg[end_of_tag:].rstrip()


def _json_for_script(data: dict[str, Any]) -> str:
    """JSON that can sit inside <script>: the HTML parser ends that element at `</script`
    and treats `<!--` specially, so `<`, `>` and `&` are written as \\u escapes, which mean
    the same in JSON. Labels then reach the page only as text, never as markup."""
    text = json.dumps(data, ensure_ascii=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(title: str, svg: str, data: str) -> str:
    """The page: steps_page.html, with its style, steps_page.js and the data inline, and the
    reader's own fonts, so that the one file works alone, from disk, with no network."""
    folder = resources.files(__package__)
    template = (folder / "steps_page.html").read_text(encoding="utf-8")
    script = (folder / "steps_page.js").read_text(encoding="utf-8").rstrip("\n")
    parts = {"title": html.escape(title), "svg": svg, "data": data, "script": script}
    # One pass, so that a label such as "{{svg}}" in the title is never replaced in turn.
    return re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match.group(1)], template)
