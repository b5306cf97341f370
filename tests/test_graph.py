"""Graph: a value's graph walked once, and re-run in place (forward) and backward."""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_table import OPS, OpRow, between
from test_engine import BINARY, UNARY, expression_graphs

from micrograd import MLP, SGD, Graph, Value, data, gradcheck, l2, max_margin, no_grad

# ------------------------------------------------------------------ the order


def test_graph_values_put_inputs_first_once_each_and_root_last():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a * c
    graph = Graph(d)
    order = graph.values
    assert order[-1] is d and len(order) == len(set(order)) == 5
    position = {v: i for i, v in enumerate(order)}
    for node in order:
        for input_value in node.inputs:
            assert position[input_value] < position[node]
    assert graph.leaves == [a, b] and len(graph) == 5 and list(graph) == order
    assert repr(graph) == "Graph of 5 values, 2 of them leaves"


def test_graph_needs_a_value():
    with pytest.raises(TypeError, match="Graph needs a Value, got float"):
        Graph(1.0)  # type: ignore[arg-type]


def test_graph_of_a_leaf():
    x = Value(3.0)
    graph = Graph(x)
    assert graph.values == [x] and graph.forward() == 3.0
    graph.backward()
    assert x.grad == 1.0


# ------------------------------------------------------------------ re-running


def _inputs(row: OpRow) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(*row.inputs)


@pytest.mark.parametrize("row", OPS, ids=lambda row: row.name)
@given(data=st.data())
def test_every_op_re_runs_to_exactly_what_a_fresh_graph_gives(row: OpRow, data) -> None:
    first, second = data.draw(_inputs(row)), data.draw(_inputs(row))
    leaves = [Value(x) for x in first]
    out = row.op(*leaves)
    graph = Graph(out)
    for leaf, x in zip(leaves, second):
        leaf.data = x
    graph.forward()
    graph.backward()
    fresh_leaves = [Value(x) for x in second]
    fresh = row.op(*fresh_leaves)
    fresh.backward()
    assert out.data == fresh.data
    assert tuple(out.local_grads) == tuple(fresh.local_grads)
    assert [v.grad for v in leaves] == [v.grad for v in fresh_leaves]


RELU_GRAPH_OPS = [*UNARY, Value.relu, lambda v: (v - 0.5).relu()]


@st.composite
def relu_graphs(draw):
    """expression_graphs, with ReLUs among the unary ops, and two sets of leaf values."""
    leaves, steps = draw(expression_graphs())
    steps = [
        (kind, draw(st.integers(0, len(RELU_GRAPH_OPS) - 1)) if kind == "unary" else which, i, j)
        for kind, which, i, j in steps
    ]
    other = draw(st.lists(between(-2.0, 2.0), min_size=len(leaves), max_size=len(leaves)))
    return leaves, other, steps


def _build(steps, leaves):
    nodes = list(leaves)
    for kind, which, i, j in steps:
        if kind == "unary":
            nodes.append(RELU_GRAPH_OPS[which](nodes[i]))
        else:
            nodes.append(BINARY[which](nodes[i], nodes[j]))
    return Value.sum([*nodes[len(leaves) :], nodes[-1]])


@given(relu_graphs())
def test_re_run_equals_a_fresh_eager_graph_bit_for_bit(case):
    first, second, steps = case
    leaves = [Value(x) for x in first]
    root = _build(steps, leaves)
    graph = Graph(root)
    root.backward()  # grads left from the first run must not leak into the re-run
    for leaf, x in zip(leaves, second):
        leaf.data = x
    for leaf in graph.leaves:  # constants too (the 0.5 of x * 0.5): leaves keep their grads
        leaf.grad = 0.0
    graph.forward()
    graph.backward()
    fresh_leaves = [Value(x) for x in second]
    fresh = _build(steps, fresh_leaves)
    fresh.backward()
    pairs = list(zip(graph.values, Graph(fresh).values, strict=True))
    assert [(a.data, tuple(a.local_grads), a.grad) for a, _ in pairs] == [
        (b.data, tuple(b.local_grads), b.grad) for _, b in pairs
    ]


def test_re_run_relu_takes_the_other_branch():
    x = Value(2.0)
    y = (x * 3.0).relu()
    graph = Graph(y)
    x.data = -1.0
    assert graph.forward() == 0.0 and y.local_grads == (0.0,)
    x.data = 4.0
    assert graph.forward() == 12.0 and y.local_grads == (1.0,)


def test_forward_resets_the_grads_it_recomputes_and_leaves_keep_theirs():
    x = Value(2.0)
    y = x * x + 1.0
    y.backward()
    graph = Graph(y)
    graph.forward()
    assert y.grad == 0.0 and y.inputs[0].grad == 0.0
    assert x.grad == 4.0  # a leaf: the optimizer's zero_grad() clears it, not forward()


def test_re_run_fails_as_the_first_run_would():
    x = Value(2.0)
    y = x.log()
    graph = Graph(y)
    x.data = -2.0
    with pytest.raises(ValueError, match=r"log is defined for positive numbers, got -2.0"):
        graph.forward()
    with pytest.raises(ValueError, match=r"log is defined for positive numbers, got -2.0"):
        Value(-2.0).log()


def test_training_loop_with_a_re_run_graph_matches_eager_bit_for_bit_and_never_warns():
    X, labels = data.moons(30, noise=0.1, seed=3)
    y = data.signs(labels)

    def make() -> tuple[MLP, SGD]:
        model = MLP(2, [8, 8, 1], seed=5)
        return model, SGD(model.parameters(), lr=0.5, momentum=0.9)

    eager_model, eager_optimizer = make()
    eager_losses = []
    for _ in range(10):
        loss = max_margin([eager_model(x) for x in X], y) + l2(eager_model.parameters(), 1e-4)
        eager_optimizer.zero_grad()
        loss.backward()
        eager_optimizer.step()
        eager_losses.append(loss.data)

    model, optimizer = make()
    loss = max_margin([model(x) for x in X], y) + l2(model.parameters(), 1e-4)
    graph = Graph(loss)
    losses = []
    for _ in range(10):  # filterwarnings = error: a warning would fail this test
        losses.append(graph.forward())
        optimizer.zero_grad()
        graph.backward()
        optimizer.step()
    assert losses == eager_losses
    assert [p.data for p in model.parameters()] == [p.data for p in eager_model.parameters()]


# ------------------------------------------------------- the documented limits


def test_re_run_does_not_re_run_python_control_flow():
    x = Value(2.0)
    y = x * 2.0 if x.data > 0 else x * -5.0  # Python chose the branch once
    graph = Graph(y)
    x.data = -1.0
    assert graph.forward() == -2.0  # still x * 2.0: a fresh graph would give 5.0


def test_re_run_keeps_constants_baked_into_the_graph():
    w = Value(1.0)
    labels = [1.0, -1.0]
    loss = max_margin([w * 2.0, w * -3.0], labels)
    graph = Graph(loss)
    labels[0] = -1.0  # the loss turned the labels into leaves when it was built
    graph.forward()
    fresh = max_margin([w * 2.0, w * -3.0], [1.0, -1.0])
    assert loss.data == fresh.data


# -------------------------------------------------------------- your own op


def leaky_relu(x: float) -> tuple[float, tuple[float]]:
    """max(0.01x, x); d/dx = 1 if x > 0 else 0.01"""
    return (x, (1.0,)) if x > 0 else (0.01 * x, (0.01,))


def test_own_op_backprops_re_runs_and_passes_gradcheck():
    x = Value(-2.0)
    y = Value.apply(leaky_relu, x) * 3.0
    assert y.inputs[0].op == "leaky_relu" and y.data == pytest.approx(-0.06)
    graph = Graph(y)
    x.data = 5.0
    assert graph.forward() == 15.0
    graph.backward()
    assert x.grad == 3.0
    assert gradcheck(lambda v: Value.apply(leaky_relu, v), Value(0.7))
    assert gradcheck(lambda v: Value.apply(leaky_relu, v), Value(-0.7))


def test_own_op_under_no_grad_records_nothing():
    with no_grad():
        y = Value.apply(leaky_relu, Value(2.0))
    assert y.data == 2.0 and y.is_leaf and y.op == ""


def test_own_op_pickles_by_reference():
    y = Value.apply(leaky_relu, Value(-1.0))
    copy = pickle.loads(pickle.dumps(y))
    assert copy.function is leaky_relu and copy.op == "leaky_relu" and copy.data == y.data
    Graph(copy).forward()
    assert copy.data == y.data


def test_own_op_takes_numbers_as_constant_leaves():
    def scaled(x: float, k: float) -> tuple[float, tuple[float, float]]:
        return k * x, (k, x)

    y = Value.apply(scaled, Value(2.0), 5)
    assert y.data == 10.0 and y.inputs[1].is_leaf and y.inputs[1].data == 5.0


@pytest.mark.parametrize(
    "function, error, message",
    [
        (lambda x: x * 2, TypeError, r"returns \(result, local_grads\).*returned 4.0"),
        (lambda x: (x, 1.0), TypeError, r"one local grad per input"),
        (lambda x: (x, (1.0, 2.0)), ValueError, r"got 1 input\(s\)"),
        (lambda x: ("a", (1.0,)), TypeError, r"the result of <lambda> needs a real number"),
    ],
)
def test_own_op_that_breaks_the_contract_is_a_clear_error(function, error, message):
    with pytest.raises(error, match=message):
        Value.apply(function, Value(2.0))


def test_apply_needs_a_function():
    with pytest.raises(TypeError, match="Value.apply needs a function first, got Value"):
        Value.apply(Value(1.0), Value(2.0))  # type: ignore[arg-type]


def test_numbers_in_a_re_run_graph_are_plain_floats():
    x = Value(3)
    y = x**2
    Graph(y).forward()
    assert type(y.data) is float and y.data == 9.0 and math.isfinite(y.local_grads[0])


def test_re_run_checks_your_own_op_as_value_apply_does():
    def step(x: float) -> tuple[float, list[float]]:
        return (1 if x > 0 else 0), [0.0]  # an int and a list: taken as float and tuple

    def squares(x: float):
        return x * x, (2 * x for _ in range(1))  # a generator, used up after one pass

    x = Value(-1.0)
    y = Value.apply(step, x)
    graph = Graph(y)
    x.data = 2.0
    graph.forward()
    assert type(y.data) is float and y.data == 1.0 and y.local_grads == (0.0,)
    z = Value.apply(squares, x)
    graph = Graph(z)
    graph.forward()
    graph.backward()
    graph.forward()
    x.grad = 0.0
    graph.backward()
    assert x.grad == 4.0  # a second pass still has its local grad


def test_values_made_under_no_grad_are_constants_to_a_re_run():
    w = Value(1.0)
    with no_grad():
        target = w * 2.0
    loss = (w - target) ** 2
    graph = Graph(loss)
    w.data = 5.0
    assert graph.forward() == (5.0 - 2.0) ** 2  # target kept its data: as the docstring says
