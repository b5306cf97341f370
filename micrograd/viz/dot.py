"""Pictures of computation graphs and networks: `draw_dot`, `draw_mlp`, `save`.

`draw_dot(root)` draws every value that `root` was made from: one box per value with its
label, data and grad, and one small oval per op, with arrows in the direction the
forward pass ran. With `show_local_grads=True` each arrow carries the op's local_grad,
d(op output)/d(input), so a student can check the chain rule by hand: a value's grad is
the sum, over the arrows leaving it, of local_grad times the grad of the op's output.
`draw_mlp(model)` draws a network the way diagrams in courses do: neurons as circles,
weights as lines whose width is the weight's size and whose colour is its sign.

Both return a `Drawing`, a `graphviz.Digraph` that shows itself in Jupyter; `save(root,
"graph.svg")` writes a file (.svg .png .pdf .dot). Building the DOT text needs only
Python; laying it out needs Graphviz, which `micrograd.viz.renderer` finds and runs. Without
it, saving an image raises `GraphvizNotFoundError` with install hints, and Jupyter shows
the text view of `micrograd.viz.text` instead.

Three promises, each tested: the same graph gives the same DOT text byte for byte (ids
are v0, v1, ... in topological order, never taken from labels or memory addresses); no
label, however strange, can change the drawing's structure (see `_html`); and nothing
here recurses, so graphs of any depth work.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

import graphviz  # type: ignore[import-untyped]

from ..engine import Graph, Value
from ..files import write_atomically
from ..messages import short_repr, shorten, shorten_path
from .renderer import DEFAULT_TIMEOUT, Drawing, render
from .text import check_depth, check_value, format_number, tree, visible

SAVE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}
RANKDIRS = ("LR", "TB")
MAX_NODES = 500  # more values than this make an unreadable picture and a slow layout
COLOR_MODES = ("role", "grad", None)

# Fills light enough for black text (contrast 9:1 or more) yet told apart from each other
# and from white by anyone: blue, yellow and pink stay distinct under deuteranopia,
# protanopia and tritanopia (tests/test_viz.py simulates each). Blue and orange for signs, as
# in TensorFlow Playground, which also read well for the common kinds of colour blindness.
WHITE = "#ffffff"
ROLE_FILLS = {"input": "#9ebdfa", "parameter": "#ecd979", "output": "#ef8fa7"}
POSITIVE = "#5b9bd5"
NEGATIVE = "#f4a259"
UNKNOWN = "#cccccc"  # a nan grad
OP_FILL = "#eeeeee"
FONT = "Helvetica"
FONT_SIZE = "12"  # points; the smallest text in draw_dot's pictures


class GraphTooBigError(ValueError):
    """A drawing was asked for more values than `max_nodes`: a request to change, so it
    raises, even in a notebook. The message says how big the graph is and what fits."""

    def _render_traceback_(self) -> list[str]:
        # IPython and Jupyter show this instead of the traceback: the message is the news,
        # and twenty lines of draw_dot's insides would bury it.
        return [f"{type(self).__name__}: {self}"]


# What the drawings read from a model; micrograd.nn's MLP, Layer and Neuron fit.
class NeuronLike(Protocol):
    @property
    def w(self) -> Sequence[Value]: ...
    @property
    def b(self) -> Value: ...
    @property
    def activation(self) -> str: ...
    def role_of(self, value: Value) -> str | None:
        """What `value` is to the neuron ("weight", "weighted sum", ...), None if not its."""


class LayerLike(Protocol):
    @property
    def neurons(self) -> Sequence[NeuronLike]: ...


class MLPLike(Protocol):
    @property
    def nin(self) -> int: ...
    @property
    def layers(self) -> Sequence[LayerLike]: ...
    def parameters(self) -> list[Value]: ...


# ---------------------------------------------------------------------- draw_dot


def draw_dot(
    root: Value,
    format: str = "svg",
    rankdir: str = "LR",
    *,
    show_local_grads: bool = False,
    color: str | None = "role",
    max_nodes: int = MAX_NODES,
    depth: int | None = None,
    only: Iterable[Value] | None = None,
    model: MLPLike | None = None,
    legend: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw every value that `root` was computed from, and the ops between them.

    format: the drawing's own output format ("svg", "png", "pdf", ...), for its `.render()`
        and `.pipe()` and for what Jupyter shows ("png" or "jpeg" there, else SVG). `save`
        takes the format from the file name instead.
    rankdir: "LR" (left to right) or "TB" (top to bottom).
    (The lecture's notebook calls `draw_dot(root, format="svg", rankdir="LR")`: the same.)
    show_local_grads: write each op's local_grad on the arrow from its input.
    color: "role" fills inputs, parameters and the output; "grad" fills by the grad's
        sign (blue +, orange -) and size (stronger = larger); None leaves all white.
    max_nodes: refuse graphs with more values than this (a GraphTooBigError, which is a
        ValueError, that says which depth= fits): they are unreadable.
    depth: draw only the values within `depth` ops of the root; a dashed oval marks
        where inputs were left out.
    only: draw only these values (and the root), such as one path through a big network;
        a dashed oval marks an op whose other inputs were left out, and says how many.
    model: the MLP the graph came from; its parameters are coloured as such, and the
        values of each neuron (those its `role_of` claims) and layer are drawn in a box.
    legend: explain the colours and marks under the picture.
    timeout: seconds that Graphviz may take to lay out the picture.
    """
    check_value(root, "draw_dot")
    _check_format(format, "draw_dot")
    _check_rankdir(rankdir, "draw_dot")
    if color not in COLOR_MODES:
        raise ValueError(
            f"draw_dot: color must be 'role', 'grad' or None (no colour), got {color!r}"
        )
    _check_max_nodes(max_nodes, "draw_dot")
    check_depth(depth, "draw_dot")
    if model is not None and not hasattr(model, "layers"):
        raise TypeError(
            "draw_dot: model= needs an MLP (with .layers of .neurons, and .parameters()), "
            f"got {type(model).__name__}"
        )
    order, hidden = _values_to_draw(root, depth, only, max_nodes)
    index = {node: i for i, node in enumerate(order)}
    parameters = set(model.parameters()) if model is not None else set()
    roles = {node: _role(node, root, parameters) for node in order}
    fills = _fills(roles, color)
    owners = _neuron_of_each_value(order, model) if model is not None else {}

    drawing = Drawing(
        description=_count(len(order), "value"),
        text_view=tree(root, depth=depth),
        timeout=timeout,
        format=format,
        # Ranks close together: a box is three short lines, so the picture stays narrow
        # enough, left to right, for a notebook cell to show it with its text full size.
        graph_attr={
            "rankdir": rankdir,
            "bgcolor": WHITE,
            "fontname": FONT,
            "fontsize": FONT_SIZE,
            "ranksep": "0.3",
        },
        node_attr={"shape": "plain", "fontname": FONT, "fontsize": FONT_SIZE},
        # Local grads on the arrows as large and as black as the numbers in the boxes: the
        # chain rule multiplies the two.
        edge_attr={"fontname": FONT, "fontsize": FONT_SIZE, "arrowsize": "0.7"},
    )

    def add_value(graph: Any, node: Value) -> None:
        i = index[node]
        label = node.label
        if node in owners:  # inside its neuron's box, "w1" says enough
            assert model is not None  # only a model makes owners
            layer_index, neuron_index = owners[node]
            label = _display_name(node, model.layers[layer_index].neurons[neuron_index])
        graph.node(f"v{i}", label=_value_label(label, node, fills[node]))
        if node.inputs:  # a value made under no_grad() has an op but no inputs
            style = "filled,dashed" if node in hidden else "filled"
            graph.node(
                f"op{i}",
                label=f"<{_html(node.op)}>",
                shape="ellipse",
                style=style,
                fillcolor=OP_FILL,
                margin="0.04,0.02",
                height="0.3",
            )

    # Nodes outside any box first, then each layer's box with its neurons' boxes, then
    # every arrow: a node must be declared inside its box before an arrow mentions it.
    for node in order:
        if node not in owners:
            add_value(drawing, node)
    for layer_index, neurons in _boxes(order, owners).items():
        assert model is not None
        name = layer_name(layer_index, len(model.layers))
        layer_box = _box(f"cluster_{_id(name)}", name, "rounded,dashed")
        for neuron_index, members in neurons.items():
            neuron_box = _box(
                f"cluster_{_id(name)}_neuron_{neuron_index + 1}",
                f"neuron {neuron_index + 1}",
                "rounded,filled",
            )
            for node in members:
                add_value(neuron_box, node)
            layer_box.subgraph(neuron_box)
        drawing.subgraph(layer_box)
    for node in order:
        i = index[node]
        if not node.inputs:
            continue
        drawing.edge(f"op{i}", f"v{i}")
        if node in hidden:
            count = hidden[node]
            note = f"{_count(count, 'input')} not shown"
            drawing.node(f"hidden{i}", label=f"<{_html('⋯ ' + note)}>", fontcolor="#555555")
            drawing.edge(f"hidden{i}", f"op{i}", style="dashed", color="#999999")
        for child, local_grad in zip(node.inputs, node.local_grads):
            if child not in index:
                continue  # beyond depth, counted in the note above
            if show_local_grads:
                # Short (-3, 0.5) rather than -3.0000: the arrows into an op sit close.
                short = f"{local_grad:.4g}"
                drawing.edge(f"v{index[child]}", f"op{i}", label=f"<{_html(short)}>")
            else:
                drawing.edge(f"v{index[child]}", f"op{i}")
    if legend:
        notes = _legend_notes(set(roles.values()), color, model is not None, show_local_grads)
        if hidden and only is None:
            notes.append(("", f"dashed: inputs beyond depth={depth} not drawn"))
        elif hidden:
            # A value may feed ops that are not drawn: its grad still counts them all.
            notes.append(("", "dashed: inputs not drawn; a grad sums every use, drawn or not"))
        if notes:
            drawing.attr(label=_legend(notes), labelloc="b", labeljust="l")
    return drawing


def _values_to_draw(
    root: Value, depth: int | None, only: Iterable[Value] | None, max_nodes: int
) -> tuple[list[Value], dict[Value, int]]:
    """The values to draw, each after its inputs; and for each value whose inputs `depth`
    or `only` leave out, how many are not drawn.

    The order is the engine's, `Graph(root).values`, keeping the values within `depth` ops
    of the root and in `only`: the ids v0, v1, ... follow it, so they depend only on the
    graph's shape.
    """
    order = Graph(root).values
    distance = distances(order)
    if depth is not None:
        order = [node for node in order if distance[node] <= depth]
    if only is not None:
        chosen = {root, *only}
        strangers = len(chosen - distance.keys())
        if strangers:
            raise ValueError(
                f"draw_dot: only= holds {_count(strangers, 'value')} that the root was not "
                "made from; pass values of the root's graph"
            )
        order = [node for node in order if node in chosen]
    if len(order) > max_nodes:
        raise GraphTooBigError(_too_many_values_message(distance, len(order), max_nodes, depth))
    drawn = set(order)
    hidden = {}
    for node in order:
        count = sum(child not in drawn for child in node.inputs)
        if count:
            hidden[node] = count
    return order, hidden


def distances(order: list[Value]) -> dict[Value, int]:
    """How many ops each value is from the root (the last of `order`), along the shortest
    path. Backwards, every value comes after all the values made from it, so its distance
    is final by the time it passes distance + 1 on to its inputs."""
    distance = {order[-1]: 0}
    for node in reversed(order):
        further = distance[node] + 1
        for child in node.inputs:
            if child not in distance or further < distance[child]:
                distance[child] = further
    return distance


def _too_many_values_message(
    distance: dict[Value, int], count: int, max_nodes: int, depth: int | None
) -> str:
    values_at = Counter(distance.values())  # how many values are k ops from the root
    within, fitting_depth = 0, 0
    for k in range(max(values_at) + 1):
        if within + values_at[k] > max_nodes:
            break
        within += values_at[k]
        fitting_depth = k
    which = "this graph has" if depth is None else f"with depth={depth} this graph still has"
    return (
        f"draw_dot: {which} {count} values, more than max_nodes={max_nodes}: too many to read. "
        f"Pass depth={fitting_depth} to draw the {within} values nearest the root, or "
        f"max_nodes={count} to draw them all; tree(root) shows any graph as text."
    )


def _fills(roles: dict[Value, str], color: str | None) -> dict[Value, str]:
    if color == "grad":
        largest = max((abs(node.grad) for node in roles if math.isfinite(node.grad)), default=0.0)
        return {node: _grad_fill(node.grad, largest) for node in roles}
    if color == "role":
        return {node: ROLE_FILLS.get(role, WHITE) for node, role in roles.items()}
    return dict.fromkeys(roles, WHITE)


def _role(node: Value, root: Value, parameters: set[Value]) -> str:
    """output, parameter (known only from a model), input (any other leaf), or computed."""
    if node is root:
        return "output"
    if node in parameters:
        return "parameter"
    if not node.inputs:
        return "input"
    return "computed"


def _grad_fill(grad: float, largest: float) -> str:
    if math.isnan(grad):
        return UNKNOWN
    if math.isinf(grad):
        return POSITIVE if grad > 0 else NEGATIVE
    if grad == 0.0 or largest == 0.0:
        return WHITE
    # The square root lifts small grads, so that a tenth of the largest is still visible.
    strength = math.sqrt(min(abs(grad) / largest, 1.0))
    return _fade(POSITIVE if grad > 0 else NEGATIVE, strength)


def _fade(color: str, strength: float) -> str:
    """`color` mixed with white: strength 0 gives white, 1 the color itself."""
    channels = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 + (c - 255) * strength):02x}" for c in channels)


def _neuron_of_each_value(order: list[Value], model: MLPLike) -> dict[Value, tuple[int, int]]:
    """(layer, neuron) for each drawn value that a neuron of `model` says is its own, by
    its `role_of`: its weights and bias, and the values its forward pass made."""
    owner: dict[Value, tuple[int, int]] = {}
    for layer_index, layer in enumerate(model.layers):
        for neuron_index, neuron in enumerate(layer.neurons):
            for node in order:
                if node not in owner and neuron.role_of(node) is not None:
                    owner[node] = (layer_index, neuron_index)
    return {node: owner[node] for node in order if node in owner}


def layer_name(index: int, count: int) -> str:
    """What pictures and text views call layer `index` (counted from 0) of `count`:
    "hidden layer 1", "hidden layer 2", ..., "output layer".

    Pictures count from 1, as the inputs x1, x2, ... and the weights w1, w2, ... of the
    lecture do; the names of `named_parameters()` (`layer0.neuron3.w1`) count from 0 and
    stay as they are, being what a saved model file holds."""
    return "output layer" if index == count - 1 else f"hidden layer {index + 1}"


def _count(n: int, thing: str) -> str:
    """ "1 value", "2 values": a count and its noun, singular or plural."""
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _id(name: str) -> str:
    """A DOT id for a display name: "hidden layer 1" -> "hidden_layer_1"."""
    return name.replace(" ", "_")


def _display_name(node: Value, neuron: NeuronLike) -> str:
    """What a picture calls a neuron's own value: w1, w2, ... for the weights (wk multiplies
    input k, as x1*w1 in the lecture), b for the bias, else the value's label."""
    role = neuron.role_of(node)
    if role == "bias":
        return "b"
    if role == "weight":
        k = next(k for k, w in enumerate(neuron.w) if w is node)
        return f"w{k + 1}"
    return node.label


def _boxes(
    order: list[Value], owners: dict[Value, tuple[int, int]]
) -> dict[int, dict[int, list[Value]]]:
    """The drawn values of each layer and neuron, layers and neurons in index order."""
    boxes: dict[int, dict[int, list[Value]]] = {}
    for layer_index, neuron_index in sorted(set(owners.values())):
        boxes.setdefault(layer_index, {})[neuron_index] = []
    for node in order:
        if node in owners:
            layer_index, neuron_index = owners[node]
            boxes[layer_index][neuron_index].append(node)
    return boxes


def _box(name: str, label: str, style: str) -> Any:
    return graphviz.Digraph(
        name=name,
        graph_attr={
            "label": f"<{_html(label)}>",
            "labeljust": "l",
            "style": style,
            "color": "#aaaaaa",
            "fillcolor": "#f7f7f7",
        },
    )


def _value_label(label: str, node: Value, fill: str) -> str:
    """A small table: label (if any), data and grad, one above the other."""
    cells = [f"<TD><B>{_html(label)}</B></TD>"] if label else []
    cells.append(f"<TD>data {_html(format_number(node.data))}</TD>")
    cells.append(f"<TD>grad {_html(format_number(node.grad))}</TD>")
    rows = "".join(f"<TR>{cell}</TR>" for cell in cells)
    table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"'
    return f'<{table} BGCOLOR="{fill}">{rows}</TABLE>>'


def _legend_notes(
    roles: set[str], color: str | None, knows_parameters: bool, show_local_grads: bool
) -> list[tuple[str, str]]:
    """(swatch colour or "", text) for each thing the legend should explain."""
    notes: list[tuple[str, str]] = []
    if color == "role":
        # Without a model, a leaf may be an input or a parameter: nothing tells them apart.
        names = {"input": "input" if knows_parameters else "leaf (input or parameter)"}
        for role in ("input", "parameter", "output"):
            if role in roles:
                notes.append((ROLE_FILLS[role], names.get(role, role)))
    elif color == "grad":
        notes.append((POSITIVE, "grad > 0"))
        notes.append((NEGATIVE, "grad < 0  (paler: smaller |grad|)"))
    if show_local_grads:
        notes.append(("", "on each arrow: local_grad = d(op output)/d(input)"))
    return notes


def _legend(notes: list[tuple[str, str]]) -> str:
    cells = []
    for swatch, text in notes:
        if swatch:
            cells.append(f'<TD BGCOLOR="{swatch}" BORDER="1" WIDTH="14" HEIGHT="14"></TD>')
        cells.append(f'<TD ALIGN="LEFT">{_html(text)}</TD>')
    return f'<<TABLE BORDER="0" CELLSPACING="4"><TR>{"".join(cells)}</TR></TABLE>>'


# Graphviz refuses a label longer than 16 KB once escaped (as `&#28450;`, each CJK character
# takes 8 bytes): past this many characters, a label is shown cut, ending in an ellipsis.
MAX_LABEL_LENGTH = 100


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label that shows `text` exactly, whatever it holds
    (its first MAX_LABEL_LENGTH characters and "…" if it is longer).

    `&`, `<`, `>` and quotes become entities, so the text can never close the label and
    start new DOT. Backslashes are doubled, because Graphviz reads `\\N`, `\\G`, ... even in
    HTML labels. Every non-ASCII character becomes `&#NNN;`, so the DOT text is plain ASCII.
    Newlines break the line; other invisible characters show as Python escapes (`\\t`).
    """
    if len(text) > MAX_LABEL_LENGTH:
        text = text[: MAX_LABEL_LENGTH - 1] + "\u2026"
    lines = visible(text, newline="\n").split("\n")
    escaped = (html.escape(line.replace("\\", "\\\\"), quote=True) for line in lines)
    return "<BR/>".join(escaped).encode("ascii", "xmlcharrefreplace").decode("ascii")


# ---------------------------------------------------------------------- draw_mlp


def draw_mlp(
    model: MLPLike,
    *,
    rankdir: str = "LR",
    show_weights: bool = False,
    max_nodes: int = MAX_NODES,
    legend: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw a network: inputs, then each layer's neurons as circles, one line per weight.

    A line's width follows the size of its weight (the largest is thickest) and its colour
    the sign: blue for positive, orange for negative. Hovering over a line in the SVG
    shows the weight's name and value; `show_weights=True` writes the value on it.
    Everything counts from 1, as in the lecture: inputs x1, x2, ..., layers "hidden layer
    1", ..., "output layer", and neurons 1, 2, ... in each.
    """
    if not hasattr(model, "layers") or not hasattr(model, "nin"):
        raise TypeError(
            f"draw_mlp needs an MLP (with .nin and .layers of .neurons), got {type(model).__name__}"
        )
    _check_rankdir(rankdir, "draw_mlp")
    _check_max_nodes(max_nodes, "draw_mlp")
    layers = [list(layer.neurons) for layer in model.layers]
    count = model.nin + sum(map(len, layers))
    if count > max_nodes:
        raise GraphTooBigError(
            f"draw_mlp: this network has {count} inputs and neurons, more than max_nodes="
            f"{max_nodes}: too many to read. Pass max_nodes={count} to draw it anyway."
        )
    weights = [abs(w.data) for neurons in layers for n in neurons for w in n.w]
    largest = max((w for w in weights if math.isfinite(w)), default=0.0)

    drawing = Drawing(
        description=f"a network of {count} inputs and neurons",
        text_view=_mlp_text(model.nin, layers),
        timeout=timeout,
        format="svg",
        graph_attr={
            "rankdir": rankdir,
            "bgcolor": WHITE,
            "fontname": FONT,
            "fontsize": FONT_SIZE,
            "ranksep": "1.2",
            "nodesep": "0.15",
        },
        node_attr={
            "shape": "circle",
            "style": "filled",
            "fontname": FONT,
            "fontsize": FONT_SIZE,
            "width": "0.5",
            "fixedsize": "true",
        },
        edge_attr={"arrowhead": "none", "fontname": FONT, "fontsize": FONT_SIZE},
    )
    inputs = [(f"x{k + 1}", f"x{k + 1}") for k in range(model.nin)]
    drawing.subgraph(_column("inputs", "<<B>inputs</B>>", inputs, ROLE_FILLS["input"]))
    last = len(layers) - 1
    names = [layer_name(layer_index, len(layers)) for layer_index in range(len(layers))]
    for layer_index, neurons in enumerate(layers):
        name = names[layer_index]
        title = f"<<B>{_html(name)}</B><BR/>{_html(neurons[0].activation)}>"
        circles = [(f"{_id(name)}_neuron_{j + 1}", str(j + 1)) for j in range(len(neurons))]
        fill = ROLE_FILLS["output"] if layer_index == last else WHITE
        drawing.subgraph(_column(_id(name), title, circles, fill))
    for layer_index, neurons in enumerate(layers):
        name = names[layer_index]
        before = "x" if layer_index == 0 else f"{_id(names[layer_index - 1])}_neuron_"
        for j, neuron in enumerate(neurons):
            for k, weight in enumerate(neuron.w):
                w = weight.data
                shown = {"label": f"<{format_number(w)}>"} if show_weights else {}
                drawing.edge(
                    f"{before}{k + 1}",
                    f"{_id(name)}_neuron_{j + 1}",
                    color=_weight_color(w),
                    penwidth=_weight_width(w, largest),
                    # The display name, and the name the weight has in a saved model.
                    tooltip=f"{name}, neuron {j + 1}, w{k + 1} = {format_number(w)} "
                    f"(saved as layer{layer_index}.neuron{j}.w{k})",
                    **shown,
                )
    if legend:
        notes = [
            (POSITIVE, "positive weight"),
            (NEGATIVE, "negative weight"),
            ("", "thicker: larger |weight|"),
        ]
        drawing.attr(label=_legend(notes), labelloc="b", labeljust="l")
    return drawing


def _column(name: str, title: str, circles: list[tuple[str, str]], fill: str) -> Any:
    """A title, then circles, all in one rank and in the order given.

    Invisible lines between neighbours hold the order. (Boxes around layers, as in
    draw_dot, would make dot ignore it, so the title stands at the head of the column.)
    """
    column = graphviz.Digraph(graph_attr={"rank": "same"})
    column.node(name, label=title, shape="plaintext", style="", fixedsize="false")
    for node_id, text in circles:
        column.node(node_id, label=f"<{_html(text)}>", fillcolor=fill)
    ids = [name] + [node_id for node_id, _ in circles]
    for first, second in pairwise(ids):
        column.edge(first, second, style="invis")
    return column


def _weight_color(w: float) -> str:
    if math.isnan(w):
        return UNKNOWN
    return POSITIVE if w >= 0 else NEGATIVE


def _weight_width(w: float, largest: float) -> str:
    if largest == 0.0 or not math.isfinite(w):
        return "1.00"
    return f"{0.4 + 4.6 * abs(w) / largest:.2f}"


def _mlp_text(nin: int, layers: list[list[NeuronLike]]) -> str:
    """The network in words, one line a layer, with the names draw_mlp gives them."""
    inputs = ", ".join(f"x{k + 1}" for k in range(nin)) if nin <= 3 else f"x1 to x{nin}"
    lines = [f"inputs: {inputs}"]
    for layer_index, neurons in enumerate(layers):
        weights = [w.data for neuron in neurons for w in neuron.w]
        lines.append(
            f"{layer_name(layer_index, len(layers))}: {_count(len(neurons), 'neuron')}, "
            f"{neurons[0].activation}, "
            f"weights from {format_number(min(weights))} to {format_number(max(weights))}"
        )
    return "\n".join(lines)


# ------------------------------------------------------------ rendering and saving


def save(
    what: Value | graphviz.Digraph,
    path: str | os.PathLike[str],
    *,
    timeout: float | None = None,
    **draw_options: Any,
) -> Path:
    """Write a picture of `what` (a Value, drawn with `draw_dot(what, **draw_options)`, or a
    drawing) to `path`, in the format its extension names: .svg, .png, .pdf or .dot.

    The file is written whole or not at all: the picture is rendered first, written to a
    temporary file beside `path`, then renamed over it in one step.
    """
    path = Path(path)
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        name, suffix = shorten(path.name, quoted=True), shorten(path.suffix, quoted=True)
        has = f"the extension {suffix}" if path.suffix else "no extension"
        raise ValueError(
            f"save() takes the format from the file name, and {name} has {has}; "
            f"end it with one of {', '.join(SAVE_FORMATS)}"
        )
    if isinstance(what, Value):
        drawing = draw_dot(what, **draw_options)
    elif isinstance(what, (graphviz.Digraph, graphviz.Graph)):
        if draw_options:
            raise TypeError(
                f"save(): options such as {', '.join(sorted(draw_options))} apply when drawing "
                "a Value; this is a finished drawing, so pass them to draw_dot() instead"
            )
        drawing = what
    else:
        raise TypeError(
            f"save() needs a Value or a drawing, got {type(what).__name__}: {short_repr(what)}"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {shorten_path(path)}: the folder {shorten_path(path.parent)} "
            "does not exist"
        )
    if timeout is None:
        timeout = getattr(drawing, "timeout", DEFAULT_TIMEOUT)
    source: str = drawing.source
    content = source.encode("utf-8") if fmt == "dot" else render(source, fmt, timeout)
    write_atomically(path, content)
    return path


# ---------------------------------------------------------------------- checks


def _check_format(fmt: str, caller: str) -> None:
    if fmt in graphviz.FORMATS:
        return
    hint = f"; {fmt!r} is a rankdir: pass rankdir={fmt!r}" if fmt in RANKDIRS else ""
    raise ValueError(
        f"{caller}: format must be one that Graphviz writes, such as 'svg', 'png' or 'pdf', "
        f"got {fmt!r}{hint}"
    )


def _check_rankdir(rankdir: str, caller: str) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(
            f"{caller}: rankdir must be 'LR' (left to right) or 'TB' (top to bottom), "
            f"got {rankdir!r}"
        )


def _check_max_nodes(max_nodes: int, caller: str) -> None:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"{caller}: max_nodes must be a whole number >= 1, got {max_nodes!r}")
