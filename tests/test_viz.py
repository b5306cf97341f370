"""Tests for micrograd.viz (dot.py, text.py, renderer.py): exact DOT text, escaping of hostile
labels checked in real renders, the paths without Graphviz, limits, saving, and the text view.

Tests that lay graphs out need the Graphviz program `dot` and are skipped without it; the
paths for a missing, slow or failing Graphviz use small stand-in programs on PATH."""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import graphviz
import pytest
from graphs import lecture_neuron

from micrograd import MLP, Graph, Value, no_grad, viz
from micrograd.viz import (
    Drawing,
    GraphvizNotFoundError,
    RenderError,
    dot,
    draw_dot,
    draw_mlp,
    find_graphviz,
    render,
    renderer,
    save,
    tree,
    visible,
)

DOT = shutil.which("dot")
SLEEP = shutil.which("sleep")
needs_dot = pytest.mark.skipif(DOT is None, reason="the Graphviz program dot is not installed")
needs_sh = pytest.mark.skipif(sys.platform == "win32", reason="stand-in programs are sh scripts")
SVG = "{http://www.w3.org/2000/svg}"


def _neuron() -> Value:
    """The lecture's neuron after backward."""
    o = lecture_neuron()
    o.backward()
    return o


def _chain(n: int) -> Value:
    """x + 1 + 1 + ... : a graph n ops deep."""
    y = Value(0.0, label="x")
    for _ in range(n):
        y = y + 1
    return y


def _node_ids(source: str) -> list[str]:
    return re.findall(r"^\t+(\w+) \[label=", source, flags=re.MULTILINE)


def _svg_nodes(svg: str) -> dict[str, list[str]]:
    """Each node's id (its <title>) and the texts drawn in it, from dot's SVG."""
    nodes = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None
            texts = [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]
            nodes[title.text or ""] = texts
    return nodes


def _svg_edge_count(svg: str) -> int:
    return sum(g.get("class") == "edge" for g in ET.fromstring(svg).iter(f"{SVG}g"))


def _program(folder: Path, name: str, body: str) -> Path:
    """A small sh script standing in for a Graphviz program."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that is the whole PATH (and stands for Python's scripts folder): empty, so
    no Graphviz is found until a test puts a program in it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(folder))
    return folder


# ------------------------------------------------------------------ DOT text


A_TIMES_B_PLUS_1 = "\n".join(
    [
        "digraph {",
        '\tgraph [bgcolor="#ffffff" fontname=Helvetica fontsize=11 rankdir=LR]',
        "\tnode [fontname=Helvetica fontsize=12 shape=plain]",
        '\tedge [arrowsize=0.7 fontcolor="#444444" fontname=Helvetica fontsize=11]',
        '\tv0 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#dcefd5"><TR><TD><B>a</B></TD><TD>data 2.0000</TD><TD>grad -3.0000</TD>'
        "</TR></TABLE>>]",
        '\tv1 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#dcefd5"><TR><TD><B>b</B></TD><TD>data -3.0000</TD><TD>grad 2.0000</TD>'
        "</TR></TABLE>>]",
        '\tv2 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#ffffff"><TR><TD>data -6.0000</TD><TD>grad 1.0000</TD></TR></TABLE>>]',
        '\top2 [label=<*> fillcolor="#eeeeee" fontsize=11 height=0.3 margin="0.04,0.02" '
        "shape=ellipse style=filled]",
        '\tv3 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#dcefd5"><TR><TD>data 1.0000</TD><TD>grad 1.0000</TD></TR></TABLE>>]',
        '\tv4 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#f6d3dc"><TR><TD><B>c</B></TD><TD>data -5.0000</TD><TD>grad 1.0000</TD>'
        "</TR></TABLE>>]",
        '\top4 [label=<+> fillcolor="#eeeeee" fontsize=11 height=0.3 margin="0.04,0.02" '
        "shape=ellipse style=filled]",
        "\top2 -> v2",
        "\tv0 -> op2",
        "\tv1 -> op2",
        "\top4 -> v4",
        "\tv2 -> op4",
        "\tv3 -> op4",
        '\tlabel=<<TABLE BORDER="0" CELLSPACING="4"><TR><TD BGCOLOR="#dcefd5" BORDER="1" '
        'WIDTH="14" HEIGHT="14"></TD><TD ALIGN="LEFT">leaf (input or parameter)</TD>'
        '<TD BGCOLOR="#f6d3dc" BORDER="1" WIDTH="14" HEIGHT="14"></TD><TD ALIGN="LEFT">'
        "output</TD></TR></TABLE>> labeljust=l labelloc=b",
        "}",
        "",
    ]
)


def _a_times_b_plus_1() -> Value:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + 1
    c.label = "c"
    c.backward()
    return c


def test_draw_dot_exact_text_for_a_small_graph():
    assert draw_dot(_a_times_b_plus_1()).source == A_TIMES_B_PLUS_1


def test_draw_dot_local_grads_stacked_cells_and_no_colour_exact_lines():
    source = draw_dot(_a_times_b_plus_1(), show_local_grads=True, color=None, rankdir="TB").source
    lines = source.splitlines()
    assert '\tgraph [bgcolor="#ffffff" fontname=Helvetica fontsize=11 rankdir=TB]' in lines
    assert (
        '\tv0 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#ffffff"><TR><TD><B>a</B></TD></TR><TR><TD>data 2.0000</TD></TR>'
        "<TR><TD>grad -3.0000</TD></TR></TABLE>>]"
    ) in lines
    # d(a*b)/da = b and d(a*b)/db = a: the numbers that the chain rule multiplies.
    assert "\tv0 -> op2 [label=<-3>]" in lines
    assert "\tv1 -> op2 [label=<2>]" in lines
    assert "\tv2 -> op4 [label=<1>]" in lines
    assert "local_grad = d(op output)/d(input)" in lines[-2]


def test_draw_dot_same_graph_same_text_and_ids_never_from_labels():
    first = draw_dot(_neuron(), show_local_grads=True).source
    second = draw_dot(_neuron(), show_local_grads=True).source
    assert first == second
    # Labels that look like node ids, and an op label, change nothing but the label text.
    a, b = Value(1.0, label="op1"), Value(2.0, label="v0 -> v1")
    c = a * b
    c.label = "v9"
    assert _node_ids(draw_dot(c).source) == ["v0", "v1", "v2", "op2"]


def test_draw_dot_ids_follow_topological_order():
    source = draw_dot(_neuron()).source
    for tail, head in re.findall(r"^\t(\w+) -> (\w+)", source, flags=re.MULTILINE):
        if tail.startswith("v"):  # a value into the op of a later value
            assert int(tail[1:]) < int(head[2:])
        else:  # an op into the value it made
            assert tail[2:] == head[1:]
    assert _node_ids(source)[-2:] == ["v9", "op9"]  # the output comes last


def test_draw_dot_value_used_twice_has_two_arrows_into_the_op():
    a = Value(3.0, label="a")
    y = a * a
    source = draw_dot(y, show_local_grads=True).source
    assert source.count("\tv0 -> op1 [label=<3>]") == 2


def test_draw_dot_value_made_under_no_grad_has_no_op_node():
    with no_grad():
        y = Value(2.0) * 3
    assert _node_ids(draw_dot(y).source) == ["v0"]


def test_draw_dot_colour_by_grad_sign_and_size():
    o = _neuron()
    source = draw_dot(o, color="grad").source

    def fill(label: str) -> str:
        match = re.search(rf'BGCOLOR="(#\w+)"><TR><TD><B>{label}</B>', source)
        assert match, label
        return match.group(1)

    assert fill("x1") == viz.NEGATIVE  # grad -1.5, the largest in size: full strength
    assert fill("o") == dot._fade(viz.POSITIVE, (1 / 1.5) ** 0.5)
    assert fill("w2") == "#ffffff"  # grad 0
    # grad 0.5 is a third of the largest; the square root keeps it clearly visible.
    assert fill("b") == dot._fade(viz.POSITIVE, (0.5 / 1.5) ** 0.5)
    assert "grad &gt; 0" in source and "grad &lt; 0" in source
    # Fading mixes with white, channel by channel.
    assert (dot._fade("#000000", 0.5), dot._fade("#5b9bd5", 0.0)) == ("#808080", "#ffffff")


def test_draw_dot_grad_colour_of_nan_and_inf():
    x = Value(1.0, label="x")
    x.grad = float("nan")
    y = x * 2
    y.label = "y"
    y.grad = float("inf")
    source = draw_dot(y, color="grad").source
    assert f'BGCOLOR="{viz.UNKNOWN}"><TR><TD><B>x</B></TD><TD>data 1.0000</TD><TD>grad nan' in (
        source
    )
    assert f'BGCOLOR="{viz.POSITIVE}"><TR><TD><B>y</B></TD><TD>data 2.0000</TD><TD>grad inf' in (
        source
    )


def test_draw_dot_rejects_bad_options_with_clear_errors():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"rankdir must be 'LR' .* or 'TB' .*, got 'RL'"):
        draw_dot(x, rankdir="RL")
    with pytest.raises(ValueError, match=r"color must be 'role', 'grad' or None .*, got 'red'"):
        draw_dot(x, color="red")
    with pytest.raises(ValueError, match=r"max_nodes must be a whole number >= 1, got 0"):
        draw_dot(x, max_nodes=0)
    with pytest.raises(ValueError, match=r"depth must be None .* or a whole number >= 0, got -1"):
        draw_dot(x, depth=-1)
    with pytest.raises(ValueError, match=r"timeout must be a number of seconds > 0, got 0"):
        draw_dot(x, timeout=0)
    with pytest.raises(TypeError, match=r"draw_dot needs a Value, got float: 1.5"):
        draw_dot(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"model= needs an MLP .*, got int"):
        draw_dot(x, model=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"format must be one that Graphviz writes, .* got 'gif2'"):
        draw_dot(x, format="gif2")
    with pytest.raises(ValueError, match=r"got 'TB'; 'TB' is a rankdir: pass rankdir='TB'"):
        draw_dot(x, "TB")


def test_draw_dot_takes_the_notebooks_arguments_format_and_rankdir():
    o = _neuron()
    # Karpathy's notebook: def draw_dot(root, format='svg', rankdir='LR')
    drawing = draw_dot(o, "png", "TB")
    assert drawing.format == "png" and drawing.graph_attr["rankdir"] == "TB"
    assert draw_dot(o, format="svg", rankdir="LR").source == draw_dot(o).source
    assert draw_dot(o, format="pdf").format == "pdf"
    assert draw_dot(o).format == "svg"
    assert draw_dot(o, format="png").copy().format == "png"


# ------------------------------------------------------------------ models


def _boxes(source: str) -> dict[str, list[str]]:
    """The node ids declared directly inside each cluster."""
    boxes: dict[str, list[str]] = {}
    current: list[str] = []
    for line in source.splitlines():
        opened = re.match(r"\t+subgraph (cluster_\w+) \{", line)
        if opened:
            current.append(opened.group(1))
            boxes[opened.group(1)] = []
        elif line.strip() == "}" and current:
            current.pop()
        else:
            declared = re.match(r"\t+(\w+) \[label=", line)
            if declared and current:
                boxes[current[-1]].append(declared.group(1))
    return boxes


def test_draw_dot_with_model_boxes_each_neuron_and_layer():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    out.backward()
    source = draw_dot(out, model=model).source
    boxes = _boxes(source)
    assert list(boxes) == [
        "cluster_layer0",
        "cluster_layer0_neuron0",
        "cluster_layer0_neuron1",
        "cluster_layer0_neuron2",
        "cluster_layer1",
        "cluster_layer1_neuron0",
    ]
    # A hidden neuron: w0, w1, b, then its dot (value and op) and its tanh (value and op).
    assert len(boxes["cluster_layer0_neuron0"]) == 3 + 2 + 2
    assert len(boxes["cluster_layer1_neuron0"]) == 4 + 2  # linear output: no activation
    assert boxes["cluster_layer0"] == []  # only neuron boxes inside a layer box
    # Inside its neuron's box, a parameter's label is short; the box says whose it is.
    assert "<B>w0</B>" in source and "layer0.neuron0.w0" not in source
    assert f'BGCOLOR="{viz.ROLE_FILLS["parameter"]}"><TR><TD><B>b</B>' in source
    assert f'BGCOLOR="{viz.ROLE_FILLS["input"]}"><TR><TD><B>x0</B>' in source
    assert ">parameter<" in source and ">input<" in source


class _StandInNeuron:
    """A neuron of one's own that adds its bias in a node of its own: d = dot(w, x),
    s = d + b, then tanh. It tells the drawing which values are its own by `role_of`."""

    def __init__(self, weights: list[float]) -> None:
        self.w = [Value(w, label=f"w{i}") for i, w in enumerate(weights)]
        self.b = Value(0.5, label="b")
        self.activation = "tanh"

    def __call__(self, x: list[Value]) -> Value:
        return (Value.dot(self.w, x) + self.b).tanh()

    def role_of(self, value: Value) -> str | None:
        inputs = value.inputs
        if not inputs:
            return "bias" if value is self.b else "weight" if value in self.w else None
        if value.op == "dot" and inputs[: len(self.w)] == tuple(self.w):
            return "weighted sum"
        if value.op == "+" and inputs[1:] == (self.b,) and self.role_of(inputs[0]):
            return "weighted sum"
        if value.op == "tanh" and self.role_of(inputs[0]) == "weighted sum":
            return "activation"
        return None


def test_draw_dot_with_model_boxes_the_values_a_neuron_says_are_its_own():
    neuron = _StandInNeuron([1.0, -2.0])
    layer = SimpleNamespace(neurons=[neuron])
    model = SimpleNamespace(nin=2, layers=[layer], parameters=lambda: [*neuron.w, neuron.b])
    out = neuron([Value(1.0), Value(2.0)])
    boxes = _boxes(draw_dot(out, model=model).source)
    assert len(boxes["cluster_layer0_neuron0"]) == 3 + 2 + 2 + 2  # w0 w1 b, dot, +, tanh


def test_draw_dot_with_model_leaves_out_of_the_boxes_what_no_neuron_made():
    model = MLP(2, [2, 1], activation="relu", output_activation="relu", seed=0)
    x = [Value(0.5, label="x0"), Value(-1.0, label="x1")]
    out = model(x)
    assert isinstance(out, Value)
    # A relu by hand, after the output neuron's own: the op a neuron ends with, of a
    # neuron's value, and yet no neuron's.
    again = out.relu()
    source = draw_dot(again, model=model).source
    boxed = {node for members in _boxes(source).values() for node in members}
    ids = {node: f"v{i}" for i, node in enumerate(Graph(again).values)}
    assert ids[out] in boxed and ids[out.inputs[0]] in boxed  # the neuron's relu and its sum
    assert ids[again] not in boxed
    assert ids[x[0]] not in boxed  # an input belongs to no neuron


# ------------------------------------------------------------------ size and depth


def test_draw_dot_refuses_a_big_graph_saying_how_big_and_what_to_do():
    with pytest.raises(ValueError) as caught:
        draw_dot(_chain(300))  # 601 values: 300 sums, 300 ones, and x
    message = str(caught.value)
    assert "this graph has 601 values, more than max_nodes=500" in message
    assert "Pass max_nodes=601 to draw it all" in message
    # Level k of the chain holds 2 values (a sum and a 1), so depth=249 fits 499.
    assert "or depth=249 to draw only the values within 249 ops of the root (499 values)" in (
        message
    )
    assert _node_ids(draw_dot(_chain(300), max_nodes=601).source).count("v600") == 1
    values = [i for i in _node_ids(draw_dot(_chain(300), depth=249).source) if i[0] == "v"]
    assert len(values) == 499


def test_draw_dot_depth_marks_values_with_hidden_inputs():
    o = _neuron()
    source = draw_dot(o, depth=2).source
    # o, n, and n's inputs: x1*w1 + x2*w2 and b.
    assert _node_ids(source) == ["v0", "op0", "v1", "v2", "op2", "v3", "op3", "hidden0"]
    assert 'op0 [label=<+> fillcolor="#eeeeee"' in source and "filled,dashed" in source
    assert "hidden0 [label=<&#8943; 2 inputs not shown>" in source
    assert '\thidden0 -> op0 [color="#999999" style=dashed]' in source
    assert "dashed: inputs beyond depth=2 not drawn" in source
    root_only = draw_dot(o, depth=0).source
    assert _node_ids(root_only) == ["v0", "op0", "hidden0"]
    assert "1 input not shown" in root_only
    assert "not shown" not in draw_dot(o, depth=10).source  # deeper than the graph


def test_draw_dot_depth_counts_only_inputs_that_are_really_hidden():
    a = Value(1.0, label="a")
    b = a * a  # 1 op from c below; its input `a` is also c's own input, so it is drawn
    c = b + a
    source = draw_dot(c, depth=1).source
    assert "not shown" not in source  # a is drawn, so nothing of b is hidden
    assert "\tv0 -> op2" in source


def test_draw_dot_depth_on_a_huge_deep_graph_still_checks_the_limit():
    y = _chain(100_000)
    # 7 values (the root, then a sum and a 1 on each level), 4 ops, 1 mark.
    assert len(_node_ids(draw_dot(y, depth=3).source)) == 7 + 4 + 1
    with pytest.raises(ValueError, match=r"with depth=400 this graph still has 801 values"):
        draw_dot(y, depth=400)


def test_draw_dot_deeper_than_the_recursion_limit():
    depth = sys.getrecursionlimit() * 3
    source = draw_dot(_chain(depth), max_nodes=2 * depth + 1, color=None).source
    assert f"\tv{2 * depth} -> op{2 * depth}" not in source  # a value never points at its op
    assert f"\top{2 * depth} -> v{2 * depth}" in source


# ------------------------------------------------------------------ escaping

HOSTILE_LABELS = [
    ('say "hi"', ['say "hi"']),
    ("it's", ["it's"]),
    ("<b>bold</b> <BR/>", ["<b>bold</b> <BR/>"]),
    ("{a|b} | <port> {", ["{a|b} | <port> {"]),
    ("ends in a backslash\\", ["ends in a backslash\\"]),
    ("\\", ["\\"]),
    ("\\\\ two", ["\\\\ two"]),
    ("\\N \\G \\E \\T \\H \\L \\l \\n \\r", ["\\N \\G \\E \\T \\H \\L \\l \\n \\r"]),
    ("two\nlines", ["two", "lines"]),
    ("tab\there", ["tab\\there"]),
    ("nul\x00 bell\x07", ["nul\\x00 bell\\x07"]),
    ("&amp; &#60; &lt;", ["&amp; &#60; &lt;"]),
    ('"]; v9 [label="x"]; v0 -> v9; a [label="', ['"]; v9 [label="x"]; v0 -> v9; a [label="']),
    ("</TD></TR></TABLE>>]; v9 [shape=box]; v8 [label=<", None),
    ("]]> <!-- --> <![CDATA[", None),
    ("}\n}\ndigraph evil {", ["}", "}", "digraph evil {"]),
    ("café ∂L/∂w 😀 中文 ñ", None),
    ("zero\u200bwidth", ["zero\\u200bwidth"]),
    ("lone \ud800 surrogate", ["lone \\ud800 surrogate"]),
    ("a  b", None),
]


def _hostile_graph(label: str) -> Value:
    x = Value(1.5, label=label)
    y = x.tanh()
    y.label = label
    return y


@pytest.mark.parametrize(("label", "shown"), HOSTILE_LABELS, ids=repr)
def test_hostile_labels_never_change_the_dot_structure(label: str, shown: list[str] | None):
    source = draw_dot(_hostile_graph(label)).source
    assert source.isascii()
    assert _node_ids(source) == ["v0", "v1", "op1"]
    assert re.findall(r"^\t\w+ -> \w+", source, flags=re.MULTILINE) == [
        "\top1 -> v1",
        "\tv0 -> op1",
    ]
    assert source.count("\n") == draw_dot(_hostile_graph("plain")).source.count("\n")


@pytest.fixture(params=["dot", "graphviz-pure"])
def graphviz_program(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Each Graphviz program installed here, as the only one on PATH."""
    # Also where pip puts graphviz-pure: beside the running Python, maybe not on PATH.
    search = os.pathsep.join([os.environ.get("PATH", ""), renderer._python_scripts_dir()])
    found = shutil.which(request.param, path=search)
    if found is None:
        pytest.skip(f"{request.param} is not installed")
    folder = tmp_path / "only"
    folder.mkdir()
    (folder / request.param).symlink_to(found)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(folder))
    return request.param


@pytest.mark.parametrize(("label", "shown"), HOSTILE_LABELS, ids=repr)
def test_hostile_labels_render_literally(
    graphviz_program: str, label: str, shown: list[str] | None
):
    svg = render(draw_dot(_hostile_graph(label), legend=False).source, "svg").decode()
    nodes = _svg_nodes(svg)
    assert sorted(nodes) == ["op1", "v0", "v1"]
    assert _svg_edge_count(svg) == 2
    lines = shown if shown is not None else [label]
    assert nodes["v0"] == [*lines, "data 1.5000", "grad 0.0000"]
    assert nodes["v1"] == [*lines, "data 0.9051", "grad 0.0000"]
    assert nodes["op1"] == ["tanh"]


@needs_dot
@pytest.mark.parametrize("label", ["\u6f22" * 2_100, "&" * 3_500, "\u200b" * 2_000], ids=len)
def test_long_labels_are_cut_so_that_the_drawing_renders(label: str, tmp_path: Path):
    # Each is over Graphviz's 16 KB label limit once escaped (&#28450; &amp; \u200b).
    x = Value(1.5, label=label)

    def identity(value: float) -> tuple[float, tuple[float]]:
        return value, (1.0,)

    identity.__name__ = label  # an op of one's own is drawn with its function's name
    y = Value.apply(identity, x)
    svg = save(y, tmp_path / "long.svg").read_text(encoding="utf-8")
    nodes = _svg_nodes(svg)
    assert sorted(nodes) == ["op1", "v0", "v1"]
    for shown in (nodes["v0"][0], nodes["op1"][0]):
        assert shown.endswith("\u2026") and len(shown) < 1_100
        assert visible(label, newline="\n").startswith(shown[:-1])
    assert nodes["v0"][1:] == ["data 1.5000", "grad 0.0000"]


# ------------------------------------------------------------------ rendering


@needs_dot
def test_render_svg_with_dot_shows_every_value():
    svg = render(draw_dot(_neuron(), show_local_grads=True).source, "svg").decode()
    nodes = _svg_nodes(svg)
    assert len(nodes) == 10 + 5  # values and ops
    assert _svg_edge_count(svg) == 5 + 9
    texts = [text for node in nodes.values() for text in node]
    assert "grad -1.5000" in texts and "data 0.7071" in texts
    edge_texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text]
    assert "-3" in edge_texts  # the local_grad on x1's arrow


@needs_dot
def test_drawing_shows_as_svg_in_jupyter():
    bundle = draw_dot(_neuron())._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert isinstance(bundle["image/svg+xml"], str)
    assert bundle["image/svg+xml"].startswith("<?xml")
    images = draw_dot(_neuron())._repr_mimebundle_(include=["image/png", "image/jpeg"])
    assert images["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert images["image/jpeg"][:2] == b"\xff\xd8"
    assert draw_dot(_neuron())._repr_mimebundle_(exclude=["image/svg+xml"]) == {}


@needs_dot
def test_drawing_shows_in_its_own_format_when_jupyter_takes_it():
    png = draw_dot(_neuron(), format="png")._repr_mimebundle_()
    assert list(png) == ["image/png"] and png["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert list(draw_dot(_neuron(), format="pdf")._repr_mimebundle_()) == ["image/svg+xml"]


def test_without_graphviz_dot_text_and_text_view_still_work(programs: Path):
    o = _neuron()
    drawing = draw_dot(o)
    assert drawing.source.startswith("digraph {")
    assert tree(o).startswith("o = tanh")
    with pytest.raises(GraphvizNotFoundError) as caught:
        find_graphviz()
    assert isinstance(caught.value, RuntimeError)
    message = str(caught.value)
    for hint in (
        "neither was found on PATH",
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
        "pip install graphviz-pure",
    ):
        assert hint in message
    with pytest.raises(GraphvizNotFoundError):
        save(o, programs.parent / "o.svg")
    assert not (programs.parent / "o.svg").exists()
    assert save(o, programs.parent / "o.dot").read_text() == drawing.source


def test_without_graphviz_jupyter_shows_the_text_view_and_the_hint(programs: Path):
    o = _neuron()
    bundle = draw_dot(o, depth=1)._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    text = bundle["text/plain"]
    assert isinstance(text, str)
    assert text.startswith(tree(o, depth=1) + "\n\n")
    assert text.endswith(renderer.INSTALL_HINT)
    mlp_bundle = draw_mlp(MLP(2, [2, 1], seed=0))._repr_mimebundle_()
    assert mlp_bundle["text/plain"].startswith("inputs: 2\nlayer 0: 2 neurons, relu")


@needs_dot
@needs_sh
def test_graphviz_pure_is_used_when_dot_is_missing(programs: Path):
    log = programs / "calls.log"
    _program(programs, "graphviz-pure", f'echo "$@" >> "{log}"\nexec "{DOT}" "$@"')
    assert find_graphviz() == str(programs / "graphviz-pure")
    assert render(draw_dot(_neuron()).source, "svg").startswith(b"<?xml")
    assert log.read_text() == "-Tsvg\n"


@needs_sh
def test_dot_is_preferred_over_graphviz_pure(programs: Path):
    _program(programs, "graphviz-pure", "exit 1")
    _program(programs, "dot", "echo drawn-by-dot")
    assert render("digraph {}", "svg") == b"drawn-by-dot\n"


@needs_sh
def test_graphviz_pure_in_the_python_scripts_folder_is_found(
    programs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    scripts = tmp_path / "venv-bin"
    scripts.mkdir()
    _program(scripts, "graphviz-pure", "echo ok")
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(scripts))
    assert find_graphviz() == str(scripts / "graphviz-pure")


@needs_sh
def test_render_stops_graphviz_after_the_timeout(programs: Path):
    _program(programs, "dot", f'exec "{SLEEP}" 10')
    started = time.perf_counter()
    with pytest.raises(RenderError, match=r"dot took longer than timeout=0.2 seconds"):
        render("digraph {}", "svg", timeout=0.2)
    assert time.perf_counter() - started < 5
    bundle = draw_dot(_neuron(), timeout=0.2)._repr_mimebundle_()
    assert "took longer than timeout=0.2 seconds" in bundle["text/plain"]


@needs_sh
def test_render_failure_says_what_graphviz_said(programs: Path):
    _program(programs, "dot", 'echo "Error: syntax error in line 1" >&2\nexit 3')
    with pytest.raises(
        RenderError, match=r"dot could not render this graph as png \(exit code 3\)"
    ) as caught:
        render("digraph {", "png")
    assert "syntax error in line 1" in str(caught.value)
    assert not isinstance(caught.value, GraphvizNotFoundError)


# ------------------------------------------------------------------ saving


@needs_dot
@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("o.svg", b"<?xml"),
        ("o.png", b"\x89PNG\r\n\x1a\n"),
        ("o.pdf", b"%PDF-"),
        ("o.dot", b"digraph {"),
        ("O.SVG", b"<?xml"),
    ],
)
def test_save_takes_the_format_from_the_extension(tmp_path: Path, name: str, start: bytes):
    written = save(_neuron(), tmp_path / name, show_local_grads=True)
    assert written == tmp_path / name
    assert written.read_bytes().startswith(start)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_save_dot_is_the_source_and_takes_draw_options(tmp_path: Path):
    o = _neuron()
    text = save(o, str(tmp_path / "o.dot"), rankdir="TB", depth=1).read_text()
    assert text == draw_dot(o, rankdir="TB", depth=1).source


@needs_dot
def test_save_a_finished_drawing(tmp_path: Path):
    model = MLP(2, [3, 1], seed=0)
    assert save(draw_mlp(model), tmp_path / "mlp.svg").read_bytes().startswith(b"<?xml")
    with pytest.raises(TypeError, match=r"options such as depth, rankdir apply when drawing"):
        save(draw_mlp(model), tmp_path / "mlp2.svg", rankdir="TB", depth=1)


def test_save_rejects_unknown_extensions_listing_the_supported_ones(tmp_path: Path):
    with pytest.raises(ValueError) as caught:
        save(Value(1.0), tmp_path / "graph.jpg")
    assert str(caught.value) == (
        "save() takes the format from the file name, and 'graph.jpg' has the extension "
        "'.jpg'; end it with one of .svg, .png, .pdf, .dot"
    )
    with pytest.raises(ValueError, match=r"'graph' has no extension; end it with one of"):
        save(Value(1.0), tmp_path / "graph")
    with pytest.raises(FileNotFoundError, match=r"the folder .*missing does not exist"):
        save(Value(1.0), tmp_path / "missing" / "graph.dot")
    with pytest.raises(TypeError, match=r"save\(\) needs a Value or a drawing, got str"):
        save("x", tmp_path / "graph.dot")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@needs_sh
def test_save_failing_render_leaves_the_old_file_and_no_temporary(programs: Path):
    folder = programs.parent / "out"
    folder.mkdir()
    old = folder / "graph.svg"
    old.write_text("the old picture")
    _program(programs, "dot", 'printf "<svg half"\necho "Error: out of memory" >&2\nexit 1')
    with pytest.raises(RenderError, match="out of memory"):
        save(_neuron(), old)
    with pytest.raises(RenderError):
        save(_neuron(), folder / "new.svg")
    assert old.read_text() == "the old picture"
    assert sorted(p.name for p in folder.iterdir()) == ["graph.svg"]


def test_save_failing_rename_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    old = tmp_path / "graph.dot"
    old.write_text("the old text")

    def failing_replace(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        save(_neuron(), old)
    assert old.read_text() == "the old text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot"]


def test_save_gives_the_file_the_usual_permissions(tmp_path: Path):
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    umask = os.umask(0o022)
    try:
        written = save(Value(1.0), tmp_path / "graph.dot")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(written.stat().st_mode) == 0o644


# ------------------------------------------------------------------ Drawing


def test_drawing_is_a_graphviz_digraph_that_keeps_its_extras_when_copied():
    drawing = draw_dot(_neuron(), timeout=5)
    assert isinstance(drawing, graphviz.Digraph)
    copy = drawing.copy()
    assert isinstance(copy, Drawing)
    assert (copy.source, copy.text_view, copy.timeout) == (
        drawing.source,
        drawing.text_view,
        5.0,
    )
    assert repr(drawing) == "<Drawing of 10 values; save(drawing, 'graph.svg') writes it to a file>"


# ------------------------------------------------------------------ draw_mlp


def test_draw_mlp_draws_neurons_in_layers_and_weights_by_size_and_sign():
    model = MLP(2, [3, 1], seed=0)
    weights = {
        (layer, j, k): w.data
        for layer, lay in enumerate(model.layers)
        for j, neuron in enumerate(lay.neurons)
        for k, w in enumerate(neuron.w)
    }
    largest = max(abs(w) for w in weights.values())
    source = draw_mlp(model).source
    assert _node_ids(source) == [
        "inputs", "x0", "x1",
        "layer0", "layer0_neuron0", "layer0_neuron1", "layer0_neuron2",
        "layer1", "layer1_neuron0",
    ]  # fmt: skip
    edges = re.findall(r"^\t(\w+) -> (\w+) \[(.*)\]$", source, flags=re.MULTILINE)
    visible_edges = [edge for edge in edges if "invis" not in edge[2]]
    assert len(visible_edges) == len(weights) == 2 * 3 + 3 * 1
    for (layer, j, k), w in weights.items():
        source_id = f"x{k}" if layer == 0 else f"layer{layer - 1}_neuron{k}"
        [attributes] = [
            a for t, h, a in visible_edges if (t, h) == (source_id, f"layer{layer}_neuron{j}")
        ]
        assert f'color="{viz.POSITIVE if w >= 0 else viz.NEGATIVE}"' in attributes
        assert f"penwidth={0.4 + 4.6 * abs(w) / largest:.2f}" in attributes
        assert f'tooltip="layer{layer}.neuron{j}.w{k} = {w:.4f}"' in attributes
        assert "label=" not in attributes
    assert "penwidth=5.00" in source  # the largest weight is the thickest line
    assert "<B>layer 1</B><BR/>output, linear" in source
    assert "<B>layer 0</B><BR/>hidden, relu" in source
    assert draw_mlp(model).source == source


def test_draw_mlp_show_weights_writes_each_value_on_its_line():
    model = MLP(2, [1], seed=3)
    w0 = model.layers[0].neurons[0].w[0].data
    source = draw_mlp(model, show_weights=True, rankdir="TB", legend=False).source
    assert f"label=<{w0:.4f}>" in source
    assert "rankdir=TB" in source and "positive weight" not in source


def test_draw_mlp_checks_its_input():
    with pytest.raises(TypeError, match=r"draw_mlp needs an MLP .*, got Value"):
        draw_mlp(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"this network has 603 inputs and neurons, more than "
        r"max_nodes=500; .* Pass max_nodes=603 to draw it",
    ):
        draw_mlp(MLP(2, [600, 1], seed=0))
    with pytest.raises(ValueError, match=r"draw_mlp: rankdir must be .*, got 'BT'"):
        draw_mlp(MLP(2, [1], seed=0), rankdir="BT")


@needs_dot
def test_draw_mlp_renders_one_circle_per_input_and_neuron():
    svg = render(draw_mlp(MLP(3, [4, 4, 2], seed=0)).source, "svg").decode()
    nodes = _svg_nodes(svg)
    assert len(nodes) == 3 + 4 + 4 + 2 + 4  # the circles, and a title per column
    assert nodes["layer2_neuron1"] == ["1"] and nodes["x2"] == ["x2"]
    assert _svg_edge_count(svg) == 3 * 4 + 4 * 4 + 4 * 2  # the invisible lines are not drawn


# ------------------------------------------------------------------ text view


def test_tree_exact_text_of_the_lecture_neuron():
    assert tree(_neuron()) == "\n".join(
        [
            "o = tanh        data  0.7071  grad  1.0000",
            "└─ n = +        data  0.8814  grad  0.5000",
            "   ├─ +         data -6.0000  grad  0.5000",
            "   │  ├─ *      data -6.0000  grad  0.5000",
            "   │  │  ├─ x1  data  2.0000  grad -1.5000",
            "   │  │  └─ w1  data -3.0000  grad  1.0000",
            "   │  └─ *      data  0.0000  grad  0.5000",
            "   │     ├─ x2  data  0.0000  grad  0.5000",
            "   │     └─ w2  data  1.0000  grad  0.0000",
            "   └─ b         data  6.8814  grad  0.5000",
        ]
    )


def test_tree_prints_a_shared_value_once_and_refers_to_it_after():
    a = Value(2.0, label="a")
    b = a * a
    y = b + b * a
    y.backward()
    assert tree(y) == "\n".join(
        [
            "+           data 12.0000  grad  1.0000",
            "├─ #1 *     data  4.0000  grad  3.0000",
            "│  ├─ #2 a  data  2.0000  grad 16.0000",  # d(a**2 + a**3)/da = 2a + 3a**2
            "│  └─ #2 a  (shown above)",
            "└─ *        data  8.0000  grad  1.0000",
            "   ├─ #1 *  (shown above)",
            "   └─ #2 a  (shown above)",
        ]
    )


def test_tree_depth_says_how_many_inputs_are_not_shown():
    assert tree(_neuron(), depth=1) == "\n".join(
        [
            "o = tanh  data 0.7071  grad 1.0000",
            "└─ n = +  data 0.8814  grad 0.5000",
            "   └─ ⋯   2 inputs not shown",
        ]
    )


def test_tree_labels_cannot_break_lines_and_numbers_stay_readable():
    x = Value(1e-9, label="two\nlines\tand tab")
    y = x * 1e7
    y.label = "big"
    text = tree(y)
    assert text.splitlines()[1].startswith("├─ two\\nlines\\tand tab  data 1.000e-09")
    assert "data 1.000e-09" in text and "data 1.000e+07" in text and "data    0.0100" in text
    assert tree(Value(3.0)) == "leaf  data 3.0000  grad 0.0000"


def test_tree_of_a_100000_deep_chain():
    text = tree(_chain(100_000))
    lines = text.splitlines()
    assert len(lines) == 200_001  # every sum and every 1, and x
    assert lines[0] == "+" + " " * 59 + "  data 100000.0000  grad 0.0000"
    assert lines[-1].startswith("└─ leaf")
    # Indentation starts again every 30 levels, so no line grows with the depth.
    assert max(map(len, lines)) < 160
    assert lines[30].startswith("[+30] ├─ +")


def test_tree_rejects_what_is_not_a_value_or_a_depth():
    with pytest.raises(TypeError, match=r"tree\(\) needs a Value, got list"):
        tree([Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"tree: depth must be None .*, got 1.5"):
        tree(Value(1.0), depth=1.5)  # type: ignore[arg-type]
