"""Tests for micrograd.viz (dot.py, text.py, renderer.py): exact DOT text, escaping of hostile
labels checked in real renders, the paths without Graphviz, limits, saving, and the text view.

Tests that lay graphs out need the Graphviz program `dot` and are skipped without it; the
paths for a missing, slow or failing Graphviz use small stand-in programs on PATH."""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import stat
import sys
import time
import xml.etree.ElementTree as ET
from itertools import pairwise
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
        '\tgraph [bgcolor="#ffffff" fontname=Helvetica fontsize=12 rankdir=LR ranksep=0.3]',
        "\tnode [fontname=Helvetica fontsize=12 shape=plain]",
        "\tedge [arrowsize=0.7 fontname=Helvetica fontsize=12]",
        '\tv0 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#9ebdfa"><TR><TD><B>a</B></TD></TR><TR><TD>data 2.0000</TD></TR>'
        "<TR><TD>grad -3.0000</TD></TR></TABLE>>]",
        '\tv1 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#9ebdfa"><TR><TD><B>b</B></TD></TR><TR><TD>data -3.0000</TD></TR>'
        "<TR><TD>grad 2.0000</TD></TR></TABLE>>]",
        '\tv2 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#ffffff"><TR><TD>data -6.0000</TD></TR><TR><TD>grad 1.0000</TD></TR>'
        "</TABLE>>]",
        '\top2 [label=<*> fillcolor="#eeeeee" height=0.3 margin="0.04,0.02" shape=ellipse '
        "style=filled]",
        '\tv3 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#9ebdfa"><TR><TD>data 1.0000</TD></TR><TR><TD>grad 1.0000</TD></TR>'
        "</TABLE>>]",
        '\tv4 [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        'BGCOLOR="#ef8fa7"><TR><TD><B>c</B></TD></TR><TR><TD>data -5.0000</TD></TR>'
        "<TR><TD>grad 1.0000</TD></TR></TABLE>>]",
        '\top4 [label=<+> fillcolor="#eeeeee" height=0.3 margin="0.04,0.02" shape=ellipse '
        "style=filled]",
        "\top2 -> v2",
        "\tv0 -> op2",
        "\tv1 -> op2",
        "\top4 -> v4",
        "\tv2 -> op4",
        "\tv3 -> op4",
        '\tlabel=<<TABLE BORDER="0" CELLSPACING="4"><TR><TD BGCOLOR="#9ebdfa" BORDER="1" '
        'WIDTH="14" HEIGHT="14"></TD><TD ALIGN="LEFT">leaf (input or parameter)</TD>'
        '<TD BGCOLOR="#ef8fa7" BORDER="1" WIDTH="14" HEIGHT="14"></TD><TD ALIGN="LEFT">'
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


def test_draw_dot_local_grads_top_to_bottom_and_no_colour_exact_lines():
    source = draw_dot(_a_times_b_plus_1(), show_local_grads=True, color=None, rankdir="TB").source
    lines = source.splitlines()
    assert (
        '\tgraph [bgcolor="#ffffff" fontname=Helvetica fontsize=12 rankdir=TB ranksep=0.3]'
    ) in lines
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


# Machado, Oliveira and Fernandes (2009): how a colour looks with each common kind of colour
# blindness (at full severity), as a matrix on linear RGB.
COLOUR_BLINDNESS = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear_rgb(color: str) -> list[float]:
    channels = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _seen_with(kind: str | None, color: str) -> list[float]:
    rgb = _linear_rgb(color)
    if kind is None:
        return rgb
    return [
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in COLOUR_BLINDNESS[kind]
    ]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    r, g, b = rgb
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _delta_e_2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000: how different two colours look; about 2 is just noticeable, 10 is plain."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc = l2 - l1, c2 - c1
    d_big_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_c = (l1 + l2) / 2, (c1 + c2) / 2
    mean_h = h1 + h2 if c1 * c2 == 0 else (h1 + dh / 2) % 360
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    rotation = -2 * math.sqrt(mean_c**7 / (mean_c**7 + 25**7))
    rotation *= math.sin(math.radians(60 * math.exp(-(((mean_h - 275) / 25) ** 2))))
    return math.sqrt(
        (dl / s_l) ** 2
        + (dc / s_c) ** 2
        + (d_big_h / s_h) ** 2
        + rotation * (dc / s_c) * (d_big_h / s_h)
    )


def test_delta_e_2000_matches_the_published_test_pairs():
    # Sharma, Wu and Dalal (2005), pairs 1, 7 and 17 of their table.
    assert _delta_e_2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(
        2.0425, abs=1e-4
    )
    assert _delta_e_2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert _delta_e_2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


@pytest.mark.parametrize("kind", [None, *COLOUR_BLINDNESS])
def test_role_fills_stay_distinct_with_colour_blindness_and_black_text_reads_on_them(
    kind: str | None,
):
    # Inputs, parameters, the output and computed values (white) must not look alike to
    # anyone: before, input green and output pink differed by 7 under deuteranopia.
    fills = {**viz.ROLE_FILLS, "computed": viz.WHITE}
    for (role1, fill1), (role2, fill2) in itertools.combinations(fills.items(), 2):
        seen = _lab(_seen_with(kind, fill1)), _lab(_seen_with(kind, fill2))
        assert _delta_e_2000(*seen) > 18, (kind, role1, role2)
    for role, fill in viz.ROLE_FILLS.items():
        luminance = sum(w * c for w, c in zip((0.2126, 0.7152, 0.0722), _linear_rgb(fill)))
        assert (luminance + 0.05) / 0.05 > 9, role  # WCAG contrast with black: AAA is 7


def test_draw_dot_grad_colour_of_nan_and_inf():
    x = Value(1.0, label="x")
    x.grad = float("nan")
    y = x * 2
    y.label = "y"
    y.grad = float("inf")
    source = draw_dot(y, color="grad").source
    assert (
        f'BGCOLOR="{viz.UNKNOWN}"><TR><TD><B>x</B></TD></TR><TR><TD>data 1.0000</TD></TR>'
        "<TR><TD>grad nan"
    ) in source
    assert (
        f'BGCOLOR="{viz.POSITIVE}"><TR><TD><B>y</B></TD></TR><TR><TD>data 2.0000</TD></TR>'
        "<TR><TD>grad inf"
    ) in source


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
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    assert isinstance(out, Value)
    out.backward()
    source = draw_dot(out, model=model).source
    boxes = _boxes(source)
    assert list(boxes) == [
        "cluster_hidden_layer_1",
        "cluster_hidden_layer_1_neuron_1",
        "cluster_hidden_layer_1_neuron_2",
        "cluster_hidden_layer_1_neuron_3",
        "cluster_hidden_layer_2",
        "cluster_hidden_layer_2_neuron_1",
        "cluster_hidden_layer_2_neuron_2",
        "cluster_output_layer",
        "cluster_output_layer_neuron_1",
    ]
    # A hidden neuron: w1, w2, b, then its dot (value and op) and its tanh (value and op).
    assert len(boxes["cluster_hidden_layer_1_neuron_1"]) == 3 + 2 + 2
    assert len(boxes["cluster_output_layer_neuron_1"]) == 3 + 2  # linear: no activation
    assert boxes["cluster_hidden_layer_1"] == []  # only neuron boxes inside a layer box
    # The names a picture shows count from 1, as x1 and x2 do: layers, neurons, weights.
    titles = re.findall(r"graph \[.* label=<([^<>]*)> ", source)
    assert titles == [
        "hidden layer 1", "neuron 1", "neuron 2", "neuron 3",
        "hidden layer 2", "neuron 1", "neuron 2",
        "output layer", "neuron 1",
    ]  # fmt: skip
    labels = re.findall(r"<TD><B>([^<]*)</B></TD>", source)
    hidden_1, hidden_2, output = (
        ["w1", "w2", "b"] * 3,
        ["w1", "w2", "w3", "b"] * 2,
        ["w1", "w2", "b"],
    )
    assert labels == ["x1", "x2", *hidden_1, *hidden_2, *output]
    # The saved-file names stay the parameters' labels; the picture does not show them.
    assert model.layers[0].neurons[0].w[0].label == "layer0.neuron0.w0"
    assert "layer0" not in source.replace("cluster_", "")
    assert f'BGCOLOR="{viz.ROLE_FILLS["parameter"]}"><TR><TD><B>b</B>' in source
    assert f'BGCOLOR="{viz.ROLE_FILLS["input"]}"><TR><TD><B>x1</B>' in source
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
    # One layer: the output layer. w1 w2 b, dot, +, tanh.
    assert len(boxes["cluster_output_layer_neuron_1"]) == 3 + 2 + 2 + 2
    assert re.findall(r"<TD><B>([^<]*)</B></TD>", draw_dot(out, model=model).source) == [
        "w1",
        "w2",
        "b",
    ]


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
    with pytest.raises(viz.GraphTooBigError) as caught:
        draw_dot(_chain(300))  # 601 values: 300 sums, 300 ones, and x
    assert isinstance(caught.value, ValueError)
    # Short, for a notebook: the size, the depth that fits, the way to draw it all anyway.
    # Level k of the chain holds 2 values (a sum and a 1), so depth=249 fits 499.
    assert str(caught.value) == (
        "draw_dot: this graph has 601 values, more than max_nodes=500: too many to read. "
        "Pass depth=249 to draw the 499 values nearest the root, or max_nodes=601 to draw "
        "them all; tree(root) shows any graph as text."
    )
    # In IPython and Jupyter the message alone, without twenty lines of traceback.
    assert caught.value._render_traceback_() == [f"GraphTooBigError: {caught.value}"]
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


def test_draw_dot_only_draws_the_values_given_and_marks_what_is_left_out():
    o = _neuron()
    n = o.inputs[0]
    x1w1_plus_x2w2 = n.inputs[0]
    x1w1 = x1w1_plus_x2w2.inputs[0]
    x1, w1 = x1w1.inputs
    source = draw_dot(o, only=[n, x1w1_plus_x2w2, x1w1, x1, w1]).source
    # x1, w1, x1*w1, the sum, n and o; b and x2*w2 (with x2 and w2) are left out.
    assert _node_ids(source) == [
        "v0", "v1", "v2", "op2", "v3", "op3", "v4", "op4", "v5", "op5", "hidden3", "hidden4",
    ]  # fmt: skip
    assert "hidden3 [label=<&#8943; 1 input not shown>" in source  # x2*w2, into the sum
    assert "hidden4 [label=<&#8943; 1 input not shown>" in source  # b, into n's +
    assert "dashed: inputs not drawn; a grad sums every use, drawn or not" in source
    assert draw_dot(o, only=[]).source.count("[label=<<TABLE") == 1  # the root alone
    with pytest.raises(ValueError, match=r"only= holds 1 value that the root was not made from"):
        draw_dot(o, only=[n, Value(1.0)])


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


def _points(shape: ET.Element) -> list[tuple[float, float]]:
    """The corners of a polygon, or of the box around an ellipse, in an SVG."""
    if shape.tag == f"{SVG}ellipse":
        cx, cy, rx, ry = (float(shape.get(k, "0")) for k in ("cx", "cy", "rx", "ry"))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    pairs = (point.split(",") for point in (shape.get("points") or "").split())
    return [(float(x), float(y)) for x, y in pairs]


def texts_outside_their_boxes(svg: str) -> list[str]:
    """Each text of a node that crosses the edge of the smallest box or oval around it,
    and each text of the legend that runs into the next item or off the picture, measured
    by the width that its `textLength` gives it in any font. A text without one has the
    width of whatever font draws it: it counts as crossing."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox", "0 0 0 0").split()[2])
    crossing = []

    def extent(text: ET.Element) -> tuple[float, float]:
        x, length = float(text.get("x", "0")), float(text.get("textLength", "nan"))
        start = {"start": x, "middle": x - length / 2, "end": x - length}[text.get("text-anchor")]
        return start, start + length

    for group in root.iter(f"{SVG}g"):
        shapes = [_points(s) for s in group if s.tag in (f"{SVG}polygon", f"{SVG}ellipse")]
        texts = [t for t in group if t.tag == f"{SVG}text"]
        if group.get("class") == "node":
            for text in texts:
                left, right = extent(text)
                x, y = float(text.get("x", "0")), float(text.get("y", "0"))
                around = [
                    (min(p[0] for p in s), max(p[0] for p in s))
                    for s in shapes
                    if min(p[0] for p in s) <= x <= max(p[0] for p in s)
                    and min(p[1] for p in s) <= y <= max(p[1] for p in s)
                ]
                if not around:  # a node without a border: a column's title, say
                    continue
                low, high = min(around, key=lambda box: box[1] - box[0])
                if not low - 0.5 <= left <= right <= high + 0.5:
                    crossing.append(f"{text.text!r}: {left:.1f}..{right:.1f} in {low}..{high}")
        elif group.get("class") == "graph":  # the legend: swatches and texts in a row
            # shapes[0] is the background; each swatch is drawn twice, filled and outlined.
            swatches = {(min(p[0] for p in s), max(p[0] for p in s), "swatch") for s in shapes[1:]}
            row = sorted([(*extent(text), text.text) for text in texts] + list(swatches))
            for (_, right, name), (left, _, _) in pairwise([*row, (width, width, "")]):
                if not right <= left + 0.5:
                    crossing.append(f"{name!r} ends at {right:.1f}, the next item starts at {left}")
    return crossing


@pytest.mark.parametrize("graphviz_program", ["graphviz-pure"], indirect=True)
def test_fallback_svg_keeps_every_text_inside_its_box(graphviz_program: str):
    model = MLP(2, [2, 1], seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    assert isinstance(out, Value)
    out.backward()
    drawings = [
        draw_dot(_neuron(), show_local_grads=True),
        draw_dot(_neuron(), rankdir="TB", color="grad"),
        draw_dot(out, model=model),
        draw_mlp(model),
    ]
    for drawing in drawings:
        svg = render(drawing.source, "svg").decode()
        assert svg.count("<text ") == svg.count(' lengthAdjust="spacingAndGlyphs"') > 5
        assert texts_outside_their_boxes(svg) == []
        # What Jupyter shows is the same picture.
        assert drawing._repr_mimebundle_()["image/svg+xml"] == svg


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


def _size_and_smallest_font(svg: str) -> tuple[float, float, float]:
    """The picture's width and height and its smallest text, in points (1/72 inch)."""
    root = ET.fromstring(svg)
    width, height = (float((root.get(k) or "").removesuffix("pt")) for k in ("width", "height"))
    sizes = [float(t.get("font-size", "14")) for t in root.iter(f"{SVG}text")]
    return width, height, min(sizes)


@needs_dot
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_jupyter_shows_the_lecture_neuron_in_a_cell_with_text_readable(rankdir: str):
    # A browser draws 1pt as 4/3 px, and a notebook shrinks a picture wider than its cell,
    # about 1,000 px, to fit. Left to right, the neuron was 1,980 px wide: text of 7 px.
    bundle = draw_dot(_neuron(), show_local_grads=True, rankdir=rankdir)._repr_mimebundle_()
    width, _, smallest = _size_and_smallest_font(str(bundle["image/svg+xml"]))
    shown = smallest * 4 / 3 * min(1.0, 1000 / (width * 4 / 3))
    assert smallest >= 12 and shown >= 12, (width, smallest, shown)


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
    assert mlp_bundle["text/plain"].startswith(
        "inputs: x1, x2\nhidden layer 1: 2 neurons, relu, weights from "
    )
    assert "\noutput layer: 1 neuron, linear, weights from " in mlp_bundle["text/plain"]


@needs_dot
@needs_sh
def test_graphviz_pure_is_used_when_dot_is_missing(programs: Path):
    log = programs / "calls.log"
    _program(programs, "graphviz-pure", f'echo "$@" >> "{log}"\nexec "{DOT}" "$@"')
    assert find_graphviz() == str(programs / "graphviz-pure")
    svg = render(draw_dot(_neuron()).source, "svg")
    assert svg.startswith(b"<?xml")
    # The SVG, then the layout as JSON, for the width of each text: see the next test.
    assert log.read_text() == "-Tsvg\n-Tjson\n"
    assert svg.count(b"<text ") == svg.count(b' lengthAdjust="spacingAndGlyphs"') > 30
    assert render(draw_dot(_neuron()).source, "png").startswith(b"\x89PNG")
    assert log.read_text() == "-Tsvg\n-Tjson\n-Tpng\n"


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
    assert repr(draw_dot(Value(1.0))).startswith("<Drawing of 1 value;")


def test_drawing_render_pipe_and_view_without_graphviz_give_the_install_hint(
    programs: Path, monkeypatch: pytest.MonkeyPatch
):
    # graphviz's own methods would raise its ExecutableNotFound, with no word of graphviz-pure.
    opened: list[object] = []
    monkeypatch.setattr(graphviz, "view", lambda *args, **kwargs: opened.append(args))
    drawing, folder = draw_dot(_neuron()), programs.parent
    for call in (
        drawing.pipe,
        lambda: drawing.render(directory=folder),
        lambda: drawing.view(directory=folder),
        lambda: drawing.render(outfile=folder / "o.png"),
    ):
        with pytest.raises(GraphvizNotFoundError, match="pip install graphviz-pure"):
            call()
    assert sorted(p.name for p in folder.iterdir()) == ["bin"]  # nothing written
    assert opened == []


@needs_sh
def test_drawing_render_pipe_and_view_use_graphviz_pure_when_dot_is_missing(
    programs: Path, monkeypatch: pytest.MonkeyPatch
):
    log = programs / "calls.log"
    _program(programs, "graphviz-pure", f'echo "$@" >> "{log}"\necho "picture $1"')
    opened: list[tuple[object, object]] = []
    monkeypatch.setattr(graphviz, "view", lambda path, quiet: opened.append((path, quiet)))
    folder = programs.parent
    drawing = draw_dot(_neuron(), format="png")
    assert drawing.pipe() == b"picture -Tpng\n"
    assert drawing.pipe(format="pdf", encoding="ascii") == "picture -Tpdf\n"
    rendered = drawing.render(directory=folder)
    assert rendered == str(folder / "Drawing.gv.png")  # graphviz's names, from the class
    assert (folder / "Drawing.gv.png").read_bytes() == b"picture -Tpng\n"
    assert (folder / "Drawing.gv").read_text() == drawing.source
    assert drawing.render(folder / "o", format="svg", cleanup=True) == str(folder / "o.svg")
    assert not (folder / "o").exists()
    assert drawing.render(outfile=folder / "n.pdf") == str(folder / "n.pdf")
    assert (folder / "n.pdf").read_bytes() == b"picture -Tpdf\n"
    assert (folder / "n.gv").read_text() == drawing.source
    assert drawing.view(folder / "v", quiet_view=True) == str(folder / "v.png")
    assert opened == [(folder / "v.png", True)]
    calls = ["-Tpng", "-Tpdf", "-Tpng", "-Tsvg", "-Tjson", "-Tpdf", "-Tpng", ""]
    assert log.read_text().split("\n") == calls
    with pytest.raises(ValueError, match=r"does not take engine=, renderer="):
        drawing.render(engine="neato", renderer="cairo")
    with pytest.raises(ValueError, match=r"format must be one that Graphviz writes, .* got 'gif2'"):
        drawing.pipe(format="gif2")


@needs_sh
def test_drawing_render_stops_graphviz_after_the_timeout(programs: Path):
    _program(programs, "dot", f'exec "{SLEEP}" 10')
    drawing = draw_dot(_neuron(), timeout=0.2)
    for call in (drawing.pipe, lambda: drawing.render(directory=programs.parent)):
        with pytest.raises(RenderError, match=r"dot took longer than timeout=0.2 seconds"):
            call()


# ------------------------------------------------------------------ draw_mlp


def test_draw_mlp_draws_neurons_in_layers_and_weights_by_size_and_sign():
    model = MLP(2, [3, 2, 1], seed=0)
    weights = {
        (layer, j, k): w.data
        for layer, lay in enumerate(model.layers)
        for j, neuron in enumerate(lay.neurons)
        for k, w in enumerate(neuron.w)
    }
    largest = max(abs(w) for w in weights.values())
    source = draw_mlp(model).source
    # Everything counts from 1, as x1 and x2 do; ids follow the names shown.
    assert _node_ids(source) == [
        "inputs", "x1", "x2",
        "hidden_layer_1", "hidden_layer_1_neuron_1", "hidden_layer_1_neuron_2",
        "hidden_layer_1_neuron_3",
        "hidden_layer_2", "hidden_layer_2_neuron_1", "hidden_layer_2_neuron_2",
        "output_layer", "output_layer_neuron_1",
    ]  # fmt: skip
    shown = re.findall(r"^\t+\w+ \[label=<(.*?)> ", source, flags=re.MULTILINE)
    assert shown == [
        "<B>inputs</B>", "x1", "x2",
        "<B>hidden layer 1</B><BR/>relu", "1", "2", "3",
        "<B>hidden layer 2</B><BR/>relu", "1", "2",
        "<B>output layer</B><BR/>linear", "1",
    ]  # fmt: skip
    edges = re.findall(r"^\t(\w+) -> (\w+) \[(.*)\]$", source, flags=re.MULTILINE)
    visible_edges = [edge for edge in edges if "invis" not in edge[2]]
    assert len(visible_edges) == len(weights) == 2 * 3 + 3 * 2 + 2 * 1
    names = ["hidden_layer_1", "hidden_layer_2", "output_layer"]
    for (layer, j, k), w in weights.items():
        source_id = f"x{k + 1}" if layer == 0 else f"{names[layer - 1]}_neuron_{k + 1}"
        head = f"{names[layer]}_neuron_{j + 1}"
        [attributes] = [a for t, h, a in visible_edges if (t, h) == (source_id, head)]
        assert f'color="{viz.POSITIVE if w >= 0 else viz.NEGATIVE}"' in attributes
        assert f"penwidth={0.4 + 4.6 * abs(w) / largest:.2f}" in attributes
        # On hover: the weight's name in the picture, and its name in a saved model.
        name = names[layer].replace("_", " ")
        assert (
            f'tooltip="{name}, neuron {j + 1}, w{k + 1} = {w:.4f} '
            f'(saved as layer{layer}.neuron{j}.w{k})"'
        ) in attributes
        assert "label=" not in attributes
    assert "penwidth=5.00" in source  # the largest weight is the thickest line
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
        r"max_nodes=500: too many to read. Pass max_nodes=603 to draw it anyway.",
    ):
        draw_mlp(MLP(2, [600, 1], seed=0))
    with pytest.raises(ValueError, match=r"draw_mlp: rankdir must be .*, got 'BT'"):
        draw_mlp(MLP(2, [1], seed=0), rankdir="BT")


@needs_dot
def test_draw_mlp_renders_one_circle_per_input_and_neuron():
    svg = render(draw_mlp(MLP(3, [4, 4, 2], seed=0)).source, "svg").decode()
    nodes = _svg_nodes(svg)
    assert len(nodes) == 3 + 4 + 4 + 2 + 4  # the circles, and a title per column
    assert nodes["output_layer_neuron_2"] == ["2"] and nodes["x3"] == ["x3"]
    assert nodes["hidden_layer_2"] == ["hidden layer 2", "relu"]
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


def test_tree_shows_itself_as_text_at_the_prompt_and_in_notebooks():
    o = _neuron()
    text = tree(o)
    expected = "\n".join(
        [
            "o = tanh        data  0.7071  grad  1.0000",
            "└─ n = +        data  0.8814  grad  0.5000",
            "   ├─ +         data -6.0000  grad  0.5000",
        ]
    )
    # The REPL and a notebook's last line show repr(): the lines themselves, not '...\n...'.
    assert repr(text).startswith(expected + "\n")
    assert repr(o.tree(depth=1)) == tree(o, depth=1) == str(tree(o, depth=1))
    # Still a string in every other way: print, ==, +, str methods, f-strings.
    assert isinstance(text, str) and text == str(text) and text.startswith(expected)
    assert type(text + "!") is str and f"{text}" == str(text)


def test_tree_shows_itself_as_text_in_ipython():
    pretty = pytest.importorskip("IPython.lib.pretty", reason="IPython is not installed")
    text = tree(_neuron())
    assert pretty.pretty(text) == str(text)  # what Jupyter puts under a cell
