"""The lecture's code, replayed: Karpathy's "building micrograd" walks the graph through
`_prev`, backprops by hand with `_backward()`, and writes its own `exp`. Our reconstruction
of those cells, run on this package (the names are aliases of the public ones)."""

from __future__ import annotations

import math

import pytest
from graphs import lecture_neuron

from micrograd import Value


def _lecture_values(o: Value) -> dict[str, Value]:
    n = o._prev[0]
    x1w1x2w2, b = n._prev
    x1w1, x2w2 = x1w1x2w2._prev
    x1, w1 = x1w1._prev
    x2, w2 = x2w2._prev
    return dict(n=n, x1w1x2w2=x1w1x2w2, b=b, x1w1=x1w1, x2w2=x2w2, x1=x1, w1=w1, x2=x2, w2=w2)


def test_lecture_manual_backprop_one_node_at_a_time():
    o = lecture_neuron()
    v = _lecture_values(o)
    o.grad = 1.0
    o._backward()
    v["n"]._backward()
    v["b"]._backward()  # a leaf: nothing to do, as in the lecture
    v["x1w1x2w2"]._backward()
    v["x2w2"]._backward()
    v["x1w1"]._backward()
    assert v["n"].grad == pytest.approx(0.5)
    assert (v["x1"].grad, v["w1"].grad) == pytest.approx((-1.5, 1.0))
    assert (v["x2"].grad, v["w2"].grad) == pytest.approx((0.5, 0.0))
    assert o._op == "tanh" and v["n"]._op == "+" and v["x1w1"]._op == "*"


def test_lecture_hand_written_topological_sort_then_backward():
    o = lecture_neuron()
    topo: list[Value] = []
    visited: set[Value] = set()

    def build_topo(v: Value) -> None:  # the lecture's cell, recursion and all
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    manual = {v.label: v.grad for v in topo if v.label}

    fresh = lecture_neuron()
    fresh.backward()
    from micrograd import Graph

    assert manual == {v.label: v.grad for v in Graph(fresh).values if v.label}
    assert [v.data for v in topo] == [v.data for v in Graph(fresh).values]


def test_lecture_hand_written_trace_and_draw():
    graphviz = pytest.importorskip("graphviz")
    o = lecture_neuron()
    o.backward()

    def trace(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
        nodes, edges = set(), set()

        def build(v: Value) -> None:
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)

        build(root)
        return nodes, edges

    nodes, edges = trace(o)
    assert len(nodes) == 10 and len(edges) == 9
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label=f"{{ {n.label} | data {n.data:.4f} | grad {n.grad:.4f} }}")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    source = dot.source
    assert source.count("label=tanh") == 1 and source.count('label="*"') == 2
    assert "grad -1.5000" in source


def test_lecture_own_exp_in_the_lecture_form_explains_the_way_here():
    a = Value(2.0)
    with pytest.raises(TypeError, match=r"Value\.apply\(exp, v\)"):
        Value(math.exp(a.data), (a,), "exp")  # type: ignore[arg-type]


def test_lecture_own_exp_written_the_way_here():
    def exp(x: float) -> tuple[float, tuple[float]]:
        """e**x; d/dx = e**x"""
        e = math.exp(x)
        return e, (e,)

    x = Value(0.8814, label="n")
    e = Value.apply(exp, 2 * x)
    o = (e - 1) / (e + 1)  # the lecture's tanh, from exp
    o.backward()
    assert o.data == pytest.approx(math.tanh(0.8814))
    assert x.grad == pytest.approx(1 - math.tanh(0.8814) ** 2)
    assert e.op == "exp"
