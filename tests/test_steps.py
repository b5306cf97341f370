"""Tests for micrograd.steps: the steps of backward() (order, numbers, accumulation, final grads
bit for bit), the names and equations the page shows, and the page itself (self-contained,
labels escaped, the same limits and Graphviz errors as draw_dot). The browser test is in
test_steps_browser.py.

Tests that lay graphs out need the Graphviz program `dot` and are skipped without it."""

from __future__ import annotations

import importlib.util
import json
import math
import random
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from graphs import lecture_neuron

from micrograd import MLP, Graph, Value, no_grad
from micrograd.steps import backprop_steps, backward_steps
from micrograd.viz import GraphvizNotFoundError, draw_dot, renderer

TIMES = "\u00d7"  # the multiplication sign that the page writes
DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="the Graphviz program dot is not installed")
DEMO = Path(__file__).resolve().parent.parent / "demos" / "backprop_steps.py"


def _neuron() -> Value:
    return lecture_neuron()


def _reused() -> tuple[Value, Value, Value]:
    """c = a*b + a: a feeds two ops."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    return c, a, b


def _dead_relu() -> tuple[Value, Value]:
    """y = relu(x*3) + x with x < 0: the relu passes back 0, so backward() skips x*3."""
    x = Value(-2.0, label="x")
    y = (x * 3).relu() + x
    y.label = "y"
    return y, x


def _random_graph(seed: int) -> Value:
    """A graph of 40 ops on 6 leaves, each op taking earlier values at random: many reuses."""
    rng = random.Random(seed)
    values = [Value(rng.uniform(0.5, 2.0), label=f"x{i}") for i in range(6)]
    for _ in range(40):
        a, b = rng.choice(values), rng.choice(values)
        op = rng.choice(["+", "*", "-", "tanh", "sigmoid", "sum"])
        if op == "+":
            values.append(a + b)
        elif op == "*":
            values.append(a * b * 0.5)
        elif op == "-":
            values.append(a - b)
        elif op == "tanh":
            values.append(a.tanh())
        elif op == "sigmoid":
            values.append((a * b).sigmoid())
        else:
            values.append(Value.sum(rng.sample(values, 3)))
    return Value.sum(values[-8:])


def _all_values(root: Value) -> list[Value]:
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop().inputs:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return list(seen)


def _final_grads(root: Value) -> dict[Value, float]:
    """Each value's grad after the last step: its last edge's `after`, 1 for the root, else 0."""
    grads = dict.fromkeys(_all_values(root), 0.0)
    grads[root] = 1.0
    for step in backward_steps(root):
        for edge in step.edges:
            grads[edge.child] = edge.after
    return grads


# ------------------------------------------------------------------ the steps


def test_backward_steps_follow_backward_order_with_the_lecture_numbers():
    o = _neuron()
    steps = backward_steps(o)
    n = o.inputs[0]
    x1w1_plus_x2w2, b = n.inputs
    x1w1, x2w2 = x1w1_plus_x2w2.inputs
    assert [step.node for step in steps] == [o, n, x1w1_plus_x2w2, x2w2, x1w1]
    assert [step.grad for step in steps] == [1.0, o.local_grads[0]] + [o.local_grads[0]] * 3
    assert round(steps[1].grad, 12) == 0.5  # 1 - tanh(n)**2 = 1 - 0.5
    # The last step: x1*w1 passes 0.5 back; local grads are the other input's data.
    x1, w1 = x1w1.inputs
    half = steps[1].grad
    assert [tuple(edge) for edge in steps[-1].edges] == [
        (x1, -3.0, 0.0, -3.0 * half),
        (w1, 2.0, 0.0, 2.0 * half),
    ]
    assert [edge.child for edge in steps[1].edges] == [x1w1_plus_x2w2, b]


def test_backward_steps_accumulate_on_a_reused_value():
    c, a, b = _reused()
    steps = backward_steps(c)
    ab = c.inputs[0]
    assert [step.node for step in steps] == [c, ab]
    assert [tuple(edge) for edge in steps[0].edges] == [(ab, 1.0, 0.0, 1.0), (a, 1.0, 0.0, 1.0)]
    # a's second contribution adds to its first: 1 + (-3) * 1 = -2.
    assert [tuple(edge) for edge in steps[1].edges] == [(a, -3.0, 1.0, -2.0), (b, 2.0, 0.0, 2.0)]


def test_backward_steps_of_a_value_used_twice_by_one_op():
    a = Value(3.0, label="a")
    y = a * a
    [step] = backward_steps(y)
    assert [tuple(edge) for edge in step.edges] == [(a, 3.0, 0.0, 3.0), (a, 3.0, 3.0, 6.0)]


def test_backward_steps_skip_values_whose_grad_is_zero_and_leaves():
    y, x = _dead_relu()
    relu = y.inputs[0]
    steps = backward_steps(y)
    assert [step.node for step in steps] == [y, relu]  # x*3 gets grad 0: no step
    assert [edge.after for edge in steps[1].edges] == [0.0]
    assert backward_steps(x) == []  # a leaf: backward() only sets its grad to 1


@pytest.mark.parametrize(
    "make",
    [_neuron, lambda: _reused()[0], lambda: _dead_relu()[0]]
    + [lambda seed=seed: _random_graph(seed) for seed in range(5)],
    ids=["neuron", "reused", "dead_relu"] + [f"random{seed}" for seed in range(5)],
)
def test_backward_steps_last_grads_equal_backward_bit_for_bit(make):
    root = make()
    final = _final_grads(root)
    assert all(v.grad == 0.0 for v in final)  # computing the steps changed no grad
    root.backward()
    assert {v: v.grad.hex() for v in final} == {v: grad.hex() for v, grad in final.items()}


def test_backward_steps_work_under_no_grad_and_check_their_input():
    c, _, _ = _reused()
    with no_grad():
        assert len(backward_steps(c)) == 2
    with pytest.raises(TypeError, match=r"backward_steps needs a Value, got float: 1.5"):
        backward_steps(1.5)  # type: ignore[arg-type]


# ------------------------------------------------------------------ names


def _names(root: Value) -> list[str]:
    """What the page calls each value, in the drawing's order."""
    from micrograd.viz import steps

    order = Graph(root).values
    names, _ = steps._names(order, {node: i for i, node in enumerate(order)})
    return [names[node] for node in order]


def test_unlabeled_values_are_named_by_the_expression_with_brackets_where_needed():
    a, b, c = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
    names = _names(((a - (b - c)) * (a + 1) / (b * c)).tanh() - a * -3)
    assert names == [
        "a", "b", "c", "b - c", "a - (b - c)", "1", "a + 1", "(a - (b - c))*(a + 1)", "b*c",
        "#9",  # the quotient: its expression is too long, so its number in the drawing
        "tanh(#9)", "-3", "a*(-3)", "tanh(#9) - a*(-3)",
    ]  # fmt: skip
    assert _names((a * b * c * a * b * c + a * b * c).tanh())[-1] == "output"  # a long root name
    x, y = Value(2.0, label="x"), Value(1.0, label="y")
    assert _names(x**3 + (-y).exp()) == ["x", "x**3", "y", "-y", "exp(-y)", "x**3 + exp(-y)"]
    assert _names(x ** (y + 1))[-1] == "x**(y + 1)"
    assert _names(Value.sum([x, y, x * y]))[-1] == "sum(x, y, x*y)"


def test_a_step_quotes_the_local_grads_from_the_docstring_of_the_ops_function():
    from micrograd.viz import steps

    def as_written(node: Value) -> tuple[str, str]:
        first_line = node.function.__doc__.strip().split("\n")[0]
        formula, local_grads = first_line.split("; ", 1)
        return formula, local_grads

    x, y = Value(3.0, label="x"), Value(2.0, label="y")
    product = x * y
    formula, local_grads = as_written(product)
    assert steps._local_grads_sentence(product) == (
        f" For {formula} (x: the first input, y: the second): {local_grads}."
    )
    square = x**2  # the exponent is a constant of the op, not an input
    formula, local_grads = as_written(square)
    assert steps._local_grads_sentence(square) == f" For {formula} (here y = 2): {local_grads}."
    formula, local_grads = as_written(x.sigmoid())
    assert steps._local_grads_sentence(x.sigmoid()) == f" For {formula}: {local_grads}."

    def cube(v: float) -> tuple[float, tuple[float]]:
        """v**3; d/dv = 3v**2"""
        return v**3, (3 * v**2,)

    def undocumented(v: float) -> tuple[float, tuple[float]]:
        return v * v, (2 * v,)

    assert steps._local_grads_sentence(Value.apply(cube, x)) == " For v**3: d/dv = 3v**2."
    assert steps._local_grads_sentence(Value.apply(undocumented, x)) == ""


# ------------------------------------------------------------------ the page


def _page_data(page: str) -> dict:
    [data] = re.findall(r'<script type="application/json" id="steps-data">(.*?)</script>', page)
    return json.loads(data)


def _svg_texts(page: str) -> list[str]:
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    return [(t.text or "").replace("\xa0", " ") for t in ET.fromstring(svg).iter("text")]


def _replay(data: dict, upto: int) -> dict[str, str]:
    """The grads that the page shows at step `upto`, replaying the changes as its script does."""
    shown = dict.fromkeys(data["values"], "")
    for step in data["steps"][1 : upto + 1]:
        for value_id, text in step["changes"]:
            shown[value_id] = text
    return shown


@needs_dot
def test_backprop_steps_page_holds_every_step_and_ends_with_backwards_grads(tmp_path: Path):
    c, a, b = _reused()
    written = backprop_steps(c, tmp_path / "steps.html")
    assert written == tmp_path / "steps.html"
    data = _page_data(written.read_text(encoding="utf-8"))
    steps = data["steps"]
    assert [step["title"] for step in steps] == [
        "Step 0 of 3: after the forward pass",
        "Step 1 of 3: start at the output",
        "Step 2 of 3: c passes its grad back",
        "Step 3 of 3: a*b passes its grad back",
    ]
    # Ids as in draw_dot: a v0, b v1, a*b v2, c v3.
    assert [(step["node"], step["op"]) for step in steps] == [
        (None, None),
        ("v3", None),
        ("v3", "op3"),
        ("v2", "op2"),
    ]
    assert [step["changes"] for step in steps] == [
        [],
        [["v3", "1.0000"]],
        [["v2", "1.0000"], ["v0", "1.0000"]],
        [["v0", "-2.0000"], ["v1", "2.0000"]],
    ]
    assert steps[3]["edges"] == [
        {"edge": "v0->op2", "nth": 0, "text": f"-3 {TIMES} 1 = -3"},
        {"edge": "v1->op2", "nth": 0, "text": f"2 {TIMES} 1 = 2"},
    ]
    # a's second contribution, written out as old + contribution = new.
    assert steps[3]["blocks"][0] == {
        "name": "a · used 2 times, so its grad adds up: contribution 2 of 2",
        "lines": [
            f"local_grad {TIMES} upstream grad = -3.0000 {TIMES} 1.0000 = -3.0000",
            "a.grad += -3.0000  →  1.0000 + (-3.0000) = -2.0000",
        ],
        "adds": True,
    }
    assert (
        "For x * y (x: the first input, y: the second): d/dx = y, d/dy = x."
        in (steps[3]["paragraphs"][-1])
    )
    assert data["order"] == [
        {"text": "start: c.grad = 1", "step": 1},
        {"text": "c (+)", "step": 2},
        {"text": "a*b", "step": 3},
    ]
    c.backward()
    assert _replay(data, 3) == {"v0": "-2.0000", "v1": "2.0000", "v2": "1.0000", "v3": "1.0000"}
    assert (a.grad, b.grad) == (-2.0, 2.0)
    assert _replay(data, 0) == dict.fromkeys(data["values"], "")  # step 0: all blank


@needs_dot
def test_backprop_steps_page_of_the_neuron_shows_the_lecture_grads_at_the_end(tmp_path: Path):
    o = _neuron()
    page = backprop_steps(o, tmp_path / "neuron.html").read_text(encoding="utf-8")
    data = _page_data(page)
    o.backward()
    texts = _svg_texts(page)
    labels = ["x1", "w1", "x2", "w2", "b", "n", "o"]
    assert all(label in texts for label in labels)
    shown = _replay(data, len(data["steps"]) - 1)
    # The boxes are drawn from a copy: data as in the graph, grads as the widest number shown.
    assert "data 0.7071" in texts and "data 6.8814" in texts
    assert sorted(shown.values()) == sorted(
        f"{v.grad:.4f}" for v in _all_values(o)
    )  # the same multiset of grads as backward()
    assert "x1*w1 + x2*w2" in texts  # unlabeled values carry their names
    assert data["steps"][-1]["notes"][-1].startswith(
        "This is the last step. The leaves (x1, w1, x2, w2, b) have no inputs"
    )


@needs_dot
def test_backprop_steps_says_where_backward_skips_and_what_nothing_reached(tmp_path: Path):
    y, _ = _dead_relu()
    data = _page_data(backprop_steps(y, tmp_path / "s.html").read_text(encoding="utf-8"))
    assert [entry["text"] for entry in data["order"]] == [
        "start: y.grad = 1",
        "y (+)",
        "relu(x*3)",
        "x*3: skipped, grad 0",
    ]
    last = data["steps"][-1]
    assert any("Next in the order comes x*3, whose grad is 0" in note for note in last["notes"])
    assert any("No grad ever reached 3" in note for note in last["notes"])
    y.backward()
    shown = _replay(data, len(data["steps"]) - 1)
    assert sorted(shown.values()) == sorted(f"{v.grad:.4f}" for v in _all_values(y))


HOSTILE = '</script><script>window.injected = 1</script> <img src=x onerror="x()"> & "q" \'s'


@needs_dot
def test_backprop_steps_shows_hostile_labels_literally_and_never_as_markup(tmp_path: Path):
    x = Value(1.5, label=HOSTILE)
    y = x.tanh() * x
    y.label = "{{svg}} <!-- -->"
    page = backprop_steps(y, tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.count("<script") == 2  # the step data and the page's own script
    assert "</script><script>window" not in page and "\\u003c/script\\u003e" in page
    assert "<img" not in page and "<!-- -->" not in page
    assert page.count("<svg") == 1
    data = _page_data(page)
    assert data["order"][0]["text"] == "start: ({{svg}} <!-- -->).grad = 1"
    assert any(HOSTILE in block["name"] for step in data["steps"] for block in step["blocks"])
    assert HOSTILE in _svg_texts(page) and "{{svg}} <!-- -->" in _svg_texts(page)
    assert "<title>Backpropagation step by step: {{svg}} &lt;!-- --&gt;</title>" in page


@needs_dot
def test_backprop_steps_page_needs_nothing_from_elsewhere(tmp_path: Path):
    page = backprop_steps(_neuron(), tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("http", "//", "src=", "href=", "<link", "@import", "url(", "<iframe"):
        assert outside not in page.replace("// ", "").replace("//\n", ""), outside
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.html"]  # no temporary file left


@needs_dot
def test_backprop_steps_leaves_the_graph_alone_and_works_under_no_grad(tmp_path: Path):
    c, _, _ = _reused()
    c.backward()
    before = [(v.data, v.grad, v.label, v.op) for v in _all_values(c)]
    with no_grad():
        backprop_steps(c, str(tmp_path / "s.html"), rankdir="LR", color=None)
    assert [(v.data, v.grad, v.label, v.op) for v in _all_values(c)] == before


def test_backprop_steps_refuses_a_big_graph_with_draw_dots_error(tmp_path: Path):
    y = Value(0.0, label="x")
    for _ in range(300):
        y = y + 1
    with pytest.raises(ValueError) as drawn:
        draw_dot(y)
    with pytest.raises(ValueError) as stepped:
        backprop_steps(y, tmp_path / "s.html")
    assert str(stepped.value) == str(drawn.value)
    assert "this graph has 601 values, more than max_nodes=500" in str(stepped.value)
    with pytest.raises(ValueError, match="more than max_nodes=3"):
        backprop_steps(_reused()[0], tmp_path / "s.html", max_nodes=3)
    assert list(tmp_path.iterdir()) == []


def test_backprop_steps_refuses_options_that_would_hide_steps(tmp_path: Path):
    c = _reused()[0]
    with pytest.raises(ValueError, match=r"does not take depth=: every value takes part"):
        backprop_steps(c, tmp_path / "s.html", depth=1)
    with pytest.raises(ValueError, match=r"does not take model=: it boxes a network.s neurons"):
        backprop_steps(c, tmp_path / "s.html", model=MLP(2, [1], seed=0))
    with pytest.raises(ValueError, match=r"color='grad': colours by grad would show the final"):
        backprop_steps(c, tmp_path / "s.html", color="grad")
    with pytest.raises(ValueError, match=r"draw_dot: rankdir must be 'LR' .*, got 'RL'"):
        backprop_steps(c, tmp_path / "s.html", rankdir="RL")
    with pytest.raises(TypeError, match=r"backprop_steps needs a Value, got list"):
        backprop_steps([c], tmp_path / "s.html")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_backprop_steps_without_graphviz_gives_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(empty))
    with pytest.raises(GraphvizNotFoundError) as caught:
        backprop_steps(_neuron(), tmp_path / "steps.html")
    assert str(caught.value) == renderer.INSTALL_HINT
    assert not (tmp_path / "steps.html").exists()


# ------------------------------------------------------------------ the demo


@needs_dot
def test_demo_writes_both_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    spec = importlib.util.spec_from_file_location("backprop_steps_demo", DEMO)
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    paths = demo.main(["--out", str(tmp_path / "out")])
    assert [p.name for p in paths] == ["neuron_steps.html", "reused_value_steps.html"]
    out = capsys.readouterr().out
    assert "input.grad += local_grad x its grad" in out
    assert [line for line in out.splitlines() if line.startswith("wrote ")] == [
        f"wrote {p}" for p in paths
    ]
    reused = _page_data(paths[1].read_text(encoding="utf-8"))
    assert "contribution 2 of 2" in json.dumps(reused, ensure_ascii=False)
    assert math.isclose(demo.neuron().data, 2**-0.5)


@needs_dot
def test_backprop_steps_one_tag_for_the_two_arrows_of_a_value_used_twice_by_one_op(
    tmp_path: Path,
):
    a = Value(3.0, label="a")
    y = a - a * 1
    [step_of_y, _] = _page_data(backprop_steps(y, tmp_path / "s.html").read_text())["steps"][2:]
    assert step_of_y["edges"] == [
        {"edge": "v0->op3", "nth": 0, "text": f"1 {TIMES} 1 = 1"},  # a
        {"edge": "v2->op3", "nth": 0, "text": f"-1 {TIMES} 1 = -1"},  # a * 1
    ]
    z = a - a
    [step] = _page_data(backprop_steps(z, tmp_path / "s.html").read_text())["steps"][2:]
    assert step["edges"] == [
        {"edge": "v0->op1", "nth": 0, "text": f"1 {TIMES} 1 = 1  and  -1 {TIMES} 1 = -1"},
        {"edge": "v0->op1", "nth": 1, "text": ""},
    ]
    assert step["changes"] == [["v0", "1.0000"], ["v0", "0.0000"]]
