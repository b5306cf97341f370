"""Tests for micrograd.engine: every op from the table, the backward pass, and the
regressions of micrograd 0.1.0 that this engine exists to fix."""

from __future__ import annotations

import gc
import math
import struct
import sys
import warnings
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_table import NOT_OPS, OPS, OpRow, between

from micrograd import Value, gradcheck, is_recording, no_grad
from micrograd.engine import Graph

# ------------------------------------------------------------------ the op table


def test_every_public_op_has_a_row_in_the_table():
    public = {
        name
        for name in vars(Value)
        if callable(getattr(Value, name))
        and (not name.startswith("_") or (name.startswith("__") and name.endswith("__")))
    }
    covered = {row.method for row in OPS}
    assert public - NOT_OPS - covered == set()
    assert covered - public == set(), "a row names a method that Value does not have"


def _inputs(row: OpRow) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(*row.inputs)


@pytest.mark.parametrize("row", OPS, ids=lambda row: row.name)
@given(data=st.data())
def test_op_forward_matches_math(row: OpRow, data: st.DataObject) -> None:
    xs = data.draw(_inputs(row))
    out = row.op(*(Value(x) for x in xs))
    assert type(out.data) is float
    if row.exact:  # one float operation: exactly what Python gives
        assert out.data == row.reference(*xs)
    else:
        assert out.data == pytest.approx(row.reference(*xs), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("row", OPS, ids=lambda row: row.name)
@given(data=st.data())
def test_op_backward_matches_central_differences(row: OpRow, data: st.DataObject) -> None:
    xs = data.draw(_inputs(row))
    assert gradcheck(row.op, *(Value(x) for x in xs))


# ------------------------------------------------------------- exact values


def test_ops_local_grads_exact_values():
    x, y = Value(3.0), Value(-2.0)
    for expr, expected in [
        (x + y, (1.0, 1.0)),
        (x - y, (1.0, -1.0)),
        (x * y, (-2.0, 3.0)),
        (x / y, (-0.5, -0.75)),
        (x**2, (6.0,)),
        (abs(y), (-1.0,)),
        (-x, (-1.0,)),
        (y.relu(), (0.0,)),
        (x.relu(), (1.0,)),
        (x.log(), (1 / 3,)),
    ]:
        assert expr.local_grads == expected, expr.op


def test_backward_textbook_neuron_exact_grads():
    # The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b), with b chosen so that n = 0.8814.
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071067811865476, rel=1e-12)
    # do/dn = 1 - o**2 = 0.5; each grad is 0.5 times the other factor of its product.
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))


def test_backward_accumulates_on_reused_value():
    a = Value(3.0)
    (a * a + a).backward()  # d/da (a**2 + a) = 2a + 1
    assert a.grad == 7.0


def test_dot_and_sum_are_one_node_each():
    ws = [Value(float(i)) for i in range(5)]
    xs = [Value(2.0) for _ in range(5)]
    out = Value.dot(ws, xs)
    assert out.data == 20.0 and len(out.inputs) == 10 and out.op == "dot"
    total = Value.sum([out, 1, 2.5])
    assert total.data == 23.5 and len(total.inputs) == 3
    total.backward()
    assert [w.grad for w in ws] == [2.0] * 5
    assert [x.grad for x in xs] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_dot_of_different_lengths_is_a_clear_error():
    with pytest.raises(ValueError, match="as many weights as inputs, got 2 and 3"):
        Value.dot([1, 2], [1, 2, 3])


# ------------------------------------------------ Value basics: types, repr


@pytest.mark.parametrize("data", [3, 2.5, True, Fraction(1, 4)])
def test_value_stores_real_numbers_as_float(data):
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)


def test_value_accepts_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5 and type(Value(np.int64(3)).data) is float


@pytest.mark.parametrize("bad", ["ab", None, [1.0], 1j, Value(1.0)])
def test_value_rejects_non_numbers_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_ops_reject_non_number_operands():
    # Changed on purpose (issue 14, item 10): an unknown operand gives NotImplemented, so
    # Python tries the other side and then raises its own message.
    with pytest.raises(TypeError, match=r"unsupported operand.*\+.*Value.*str"):
        Value(1.0) + "cd"
    with pytest.raises(TypeError, match="Value"):
        "cd" * Value(1.0)


def test_value_label_must_be_a_string():
    with pytest.raises(TypeError, match="makes a leaf.*Value.apply"):
        Value(1.0, (Value(2.0),))  # type: ignore[arg-type]


def test_value_repr_shows_data_grad_and_label():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(-1, label="w1")) == "Value(data=-1.0, grad=0.0, label='w1')"


def test_value_float_and_comparisons_use_data():
    a, b = Value(1.0), Value(2.0)
    assert float(a) == 1.0
    assert a < b and a <= b and b > a and b >= a and a < 1.5 and b >= 2
    assert 0.5 < a and not (a > 3)  # noqa: SIM300 (a number on the left)
    assert (a < b) is True


def test_value_equality_and_hash_stay_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2


def test_value_has_slots_so_typos_fail():
    v = Value(1.0)
    with pytest.raises(AttributeError):
        v.gard = 1.0  # type: ignore[attr-defined]


# -------------------------------------------------- domain and overflow errors


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(0.0).log(), ValueError, "log is defined for positive numbers, got 0.0"),
        (lambda: Value(-2.0).log(), ValueError, "log is defined for positive numbers, got -2.0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, "negative base needs a whole-number"),
        (lambda: Value(-8.0) ** Value(2.0), ValueError, "Value exponent needs a base >= 0"),
        (lambda: (-2) ** Value(0.5), ValueError, "Value exponent needs a base >= 0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "0 \\*\\* negative"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "division by zero: 1.0 / 0.0"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "division by zero"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp overflows .* got 1000.0"),
        (lambda: Value(1e200) ** 2, OverflowError, "\\*\\* overflows"),
    ],
)
def test_out_of_domain_inputs_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("x", [-1000.0, 1000.0])
def test_tanh_and_sigmoid_are_finite_with_correct_grads_at_extremes(x):
    a = Value(x)
    t, s = a.tanh(), a.sigmoid()
    assert t.data == math.copysign(1.0, x) and s.data == (1.0 if x > 0 else 0.0)
    (t + s).backward()
    assert a.grad == 0.0  # both saturate: the true derivative underflows to 0


def test_pow_at_zero_has_the_limit_slope():
    assert (Value(0.0) ** 2).local_grads == (0.0,)
    assert (Value(0.0) ** 1).local_grads == (1.0,)
    assert (Value(0.0) ** 0.5).local_grads == (math.inf,)
    assert (Value(0.0) ** Value(2.0)).local_grads == (0.0, 0.0)


def test_pow_with_negative_base_and_whole_exponent():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


# ------------------------------------------------------------------- backward


def test_backward_twice_gives_exactly_twice_the_grads_with_a_warning():
    x = Value(0.7)
    nodes = [x]
    for _ in range(30):  # deep, so the 0.1.0 bug would multiply by (depth + 1)
        nodes.append((nodes[-1] * 1.1).tanh() + x)
    root = nodes[-1]
    root.backward()
    once = [node.grad for node in Graph(root).values]
    with pytest.warns(UserWarning, match="already has a grad from an earlier backward"):
        root.backward()
    twice = [node.grad for node in Graph(root).values]
    assert twice == [2 * g for g in once]


def test_backward_from_another_root_adds_its_own_grads_only():
    a = Value(2.0)
    shared = a * a
    first, second = shared + 1, shared * 3
    first.backward()
    second.backward()  # no warning: a different root
    assert a.grad == 4.0 + 12.0
    assert shared.grad == 1.0 + 3.0


def test_zero_grad_clears_the_whole_graph():
    a, b = Value(1.5), Value(-0.5)
    root = (a * b).tanh() + a
    root.backward()
    root.zero_grad()
    assert all(node.grad == 0.0 for node in Graph(root).values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        root.backward()  # after zero_grad: a fresh pass, no warning


def test_topological_order_puts_children_first_and_visits_each_once():
    a = Value(1.0)
    b = a * 2
    c = a + b
    d = b * c
    order = Graph(d).values
    assert len(order) == len(set(order))
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[child] < position[node]


def test_backward_on_a_million_deep_chain():
    x = Value(0.5)
    node = x
    for _ in range(1_000_000):
        node = -node
    node.backward()
    node.zero_grad()
    node.backward()
    assert x.grad == 1.0  # an even number of negations


def test_backward_on_sum_of_a_thousand_losses_under_default_recursion_limit():
    # micrograd 0.1.0: RecursionError, because sum() builds a 1,000-deep chain.
    assert sys.getrecursionlimit() <= 10_000
    w = Value(0.3)
    total = sum((w * float(i) - 1.0) ** 2 for i in range(1000))
    assert isinstance(total, Value)
    total.backward()
    assert w.grad == pytest.approx(sum(2 * (0.3 * i - 1) * i for i in range(1000)))


def test_graph_and_grads_are_bit_identical_across_rebuilds():
    # micrograd 0.1.0 kept children in a set: 13 distinct grads over 20 rebuilds.
    def build() -> float:
        x = Value(0.1)
        terms = [(x * float(i)).tanh() * x + x / (i + 1) for i in range(50)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        total.backward()
        return x.grad

    patterns = {struct.pack("<d", build()) for _ in range(20)}
    assert len(patterns) == 1


def test_relu_of_negative_is_float_zero():
    out = Value(-3).relu()
    assert out.data == 0.0 and type(out.data) is float


# ------------------------------------------------------------------- no_grad


def test_no_grad_records_no_children_and_restores_on_exit():
    x = Value(2.0)
    assert is_recording()
    with no_grad():
        assert not is_recording()
        y = (x * x).tanh()
        with no_grad():
            pass
        assert not is_recording()
    assert is_recording()
    assert y.inputs == () and y.op == "" and y.data == math.tanh(4.0)
    z = x * x
    assert z.inputs == (x, x)


def test_no_grad_restores_recording_after_an_exception():
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert is_recording()


# ------------------------------------------------------------ memory


def test_dropped_graph_leaves_nothing_for_the_cyclic_collector():
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        x = Value(0.5)
        root = x
        for _ in range(2000):
            root = (root * x).tanh() + 1.0
        root.backward()
        del root, x
        after = len(gc.get_objects())
        assert after - before < 50  # all 6,000 values were freed by reference counting
        assert gc.collect() == 0
    finally:
        gc.enable()


# ------------------------------------------------ random graphs (property test)

UNARY = [Value.tanh, Value.sigmoid, lambda v: -v, lambda v: (v * 0.5).exp()]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: (a * b).tanh(),  # tanh keeps products of products bounded
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: Value.dot([a, b], [b, a]),
]


@st.composite
def expression_graphs(draw):
    """A recipe: leaves, then steps that each read earlier nodes (so nodes get reused)."""
    leaves = draw(st.lists(between(-2.0, 2.0), min_size=1, max_size=4))
    steps = []
    for n_nodes in range(len(leaves), len(leaves) + draw(st.integers(1, 12))):
        pick = st.integers(0, n_nodes - 1)
        if draw(st.booleans()):
            steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)), draw(pick), 0))
        else:
            steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)), draw(pick), draw(pick)))
    return leaves, steps


def build(steps, leaves):
    nodes = list(leaves)
    for kind, which, i, j in steps:
        if kind == "unary":
            nodes.append(UNARY[which](nodes[i]))
        else:
            nodes.append(BINARY[which](nodes[i], nodes[j]))
    return Value.sum([*nodes[len(leaves) :], nodes[-1]])  # the last node used twice


@given(expression_graphs())
def test_random_graphs_grads_match_central_differences(graph):
    leaves, steps = graph
    values = [Value(x) for x in leaves]
    assert gradcheck(lambda *vs: build(steps, vs), *values, rtol=1e-4, atol=1e-6)


@given(expression_graphs())
def test_random_graphs_backward_twice_is_exactly_double(graph):
    leaves, steps = graph
    root = build(steps, [Value(x) for x in leaves])
    root.backward()
    once = [node.grad for node in Graph(root).values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.backward()
    assert [node.grad for node in Graph(root).values] == [2 * g for g in once]


@pytest.mark.parametrize("x", [-1000.0, 0.0, 1000.0])
def test_softplus_and_logsumexp_are_stable_at_extremes(x):
    a = Value(x)
    s = a.softplus()
    assert s.data == max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    assert s.local_grads == (a.sigmoid().data,)
    lse = Value.logsumexp([a, Value(0.0)])
    assert math.isfinite(lse.data) and sum(lse.local_grads) == pytest.approx(1.0)


def test_logsumexp_of_nothing_is_a_clear_error():
    with pytest.raises(ValueError, match="at least one term"):
        Value.logsumexp([])


def test_dot_with_bias_adds_in_order_from_the_bias_like_micrograd():
    ws, xs, b = [Value(0.1), Value(0.2)], [Value(0.3), Value(-0.7)], Value(0.05)
    out = Value.dot(ws, xs, b)
    assert out.data == 0.05 + 0.1 * 0.3 + 0.2 * -0.7  # the same float ops, in the same order
    assert out.inputs == (*ws, *xs, b) and out.local_grads == (0.3, -0.7, 0.1, 0.2, 1.0)


def test_dot_and_sum_accept_numbers_and_reject_other_things():
    assert Value.dot([Value(2.0)], [3]).data == 6.0
    assert Value.sum([1, Value(2.0), True]).data == 4.0
    with pytest.raises(TypeError, match=r"Value\.dot.*str"):
        Value.dot([Value(1.0)], ["x"])


def test_backward_skips_nodes_with_zero_grad_instead_of_making_nan():
    # d sqrt(x)/dx is inf at 0, but nothing flows back through a dead ReLU: 0, not nan.
    x = Value(0.0)
    out = (x**0.5 - 1.0).relu()
    out.backward()
    assert x.grad == 0.0


def test_division_gives_the_correctly_rounded_quotient():
    assert (Value(3.0) / Value(5.0)).data == 0.6
    assert (Value(1e-320) / Value(1e-320)).data == 1.0


def test_relu_passes_nan_through_as_pytorch_does():
    out = Value(math.nan).relu()
    assert math.isnan(out.data)


def test_numbers_too_large_for_a_float_are_clear_errors():
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(10**400)
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(1.0) ** 10**400


def test_value_accepts_numpy_bool():
    np = pytest.importorskip("numpy")
    assert Value(np.bool_(True)).data == 1.0


def test_logsumexp_with_infinite_terms():
    assert Value.logsumexp([math.inf, 1.0]).data == math.inf
    assert Value.logsumexp([-math.inf, -math.inf]).data == -math.inf
    assert Value.logsumexp([Value(-math.inf), Value(0.0)]).data == 0.0


def test_n_ary_ops_need_a_list_and_an_empty_sum_is_zero():
    with pytest.raises(TypeError, match="Value.sum takes a list"):
        Value.sum(Value(1.0))
    with pytest.raises(TypeError, match="Value.sum takes a list"):
        Value.sum("ab")
    with pytest.raises(TypeError, match="a term of Value.sum .* str"):
        Value.sum([1.0, "x"])
    empty = Value.sum([])
    assert empty.data == 0.0 and type(empty.data) is float


def test_backward_warns_when_the_root_already_holds_grads_from_a_larger_pass():
    a = Value(2.0)
    h = a * a
    (h + 1).backward()
    with pytest.warns(UserWarning, match="already has a grad"):
        h.backward()
    assert a.grad == 8.0  # 4 from each pass: grads accumulate, as the warning says
