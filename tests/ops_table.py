"""One row per public op: how to call it, what `math` says it computes, and where its
inputs may come from (inside its domain, away from kinks). Every per-op test reads this
table, so adding an op means adding a row here."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from micrograd import Value

SearchStrategy = st.SearchStrategy


def between(low: float, high: float) -> SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float) -> SearchStrategy[float]:
    """Magnitudes in [low, high] with either sign: keeps kinks and poles at 0 out of reach."""
    return st.tuples(st.sampled_from([-1.0, 1.0]), between(low, high)).map(lambda t: t[0] * t[1])


ANY = between(-100.0, 100.0)
SMALL = between(-10.0, 10.0)
NONZERO = away_from_zero(0.1, 100.0)  # for divisors: far from the pole at 0
POSITIVE = between(0.01, 100.0)
BASE, EXPONENT = between(0.1, 10.0), between(-3.0, 3.0)  # x**y stays within 1e-3..1e3


def hypot(x: float, y: float) -> tuple[float, tuple[float, float]]:
    """An op of a user's own, defined as the built-in ones are: sqrt(x**2 + y**2);
    d/dx = x / h, d/dy = y / h"""
    h = math.hypot(x, y)
    return h, (x / h, y / h)


@dataclass(frozen=True)
class OpRow:
    name: str  # a readable id for the test report
    method: str  # the Value attribute this row covers, for the guard test
    op: Callable[..., Value]
    reference: Callable[..., float]
    inputs: tuple[SearchStrategy[float], ...]
    exact: bool = False  # one correctly rounded float operation: compared exactly


OPS = [
    OpRow("add", "__add__", lambda x, y: x + y, lambda x, y: x + y, (ANY, ANY), exact=True),
    OpRow("radd", "__radd__", lambda x: 2.5 + x, lambda x: 2.5 + x, (ANY,), exact=True),
    OpRow("sub", "__sub__", lambda x, y: x - y, lambda x, y: x - y, (ANY, ANY), exact=True),
    OpRow("rsub", "__rsub__", lambda x: 2.5 - x, lambda x: 2.5 - x, (ANY,), exact=True),
    OpRow("mul", "__mul__", lambda x, y: x * y, lambda x, y: x * y, (ANY, ANY), exact=True),
    OpRow("rmul", "__rmul__", lambda x: 3.0 * x, lambda x: 3.0 * x, (ANY,), exact=True),
    OpRow("div", "__truediv__", lambda x, y: x / y, lambda x, y: x / y, (ANY, NONZERO), exact=True),
    OpRow("rdiv", "__rtruediv__", lambda x: 2.0 / x, lambda x: 2.0 / x, (NONZERO,), exact=True),
    OpRow("pow_int", "__pow__", lambda x: x**3, lambda x: x**3, (SMALL,)),
    OpRow("pow_negative_int", "__pow__", lambda x: x**-2, lambda x: x**-2, (NONZERO,)),
    OpRow("pow_fraction", "__pow__", lambda x: x**0.5, math.sqrt, (POSITIVE,)),
    OpRow("pow_value", "__pow__", lambda x, y: x**y, math.pow, (BASE, EXPONENT)),
    OpRow("rpow", "__rpow__", lambda x: 2.0**x, lambda x: 2.0**x, (SMALL,)),
    OpRow("neg", "__neg__", lambda x: -x, lambda x: -x, (ANY,), exact=True),
    OpRow("abs", "__abs__", abs, abs, (away_from_zero(0.01, 100),), exact=True),
    OpRow("exp", "exp", Value.exp, math.exp, (between(-50.0, 50.0),)),
    OpRow("log", "log", Value.log, math.log, (between(0.01, 1000.0),)),
    OpRow("tanh", "tanh", Value.tanh, math.tanh, (SMALL,)),
    OpRow("sigmoid", "sigmoid", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)), (SMALL,)),
    OpRow("softplus", "softplus", Value.softplus, lambda x: math.log1p(math.exp(x)), (SMALL,)),
    OpRow(
        "relu", "relu", Value.relu, lambda x: max(0.0, x), (away_from_zero(0.01, 100),), exact=True
    ),
    OpRow("sum", "sum", lambda *xs: Value.sum(xs), lambda *xs: math.fsum(xs), (ANY,) * 4),
    OpRow(
        "logsumexp",
        "logsumexp",
        lambda *xs: Value.logsumexp(xs),
        lambda *xs: math.log(math.fsum(math.exp(x) for x in xs)),
        (SMALL,) * 3,
    ),
    OpRow(
        "dot_with_bias",
        "dot",
        lambda w1, w2, x1, x2, b: Value.dot([w1, w2], [x1, x2], b),
        lambda w1, w2, x1, x2, b: b + w1 * x1 + w2 * x2,
        (SMALL,) * 5,
    ),
    OpRow(
        "apply_your_own_op",
        "apply",
        lambda x, y: Value.apply(hypot, x, y),
        math.hypot,
        (NONZERO, NONZERO),
    ),
    OpRow(
        "dot",
        "dot",
        lambda w1, w2, x1, x2: Value.dot([w1, w2], [x1, x2]),
        lambda w1, w2, x1, x2: w1 * x1 + w2 * x2,
        (SMALL,) * 4,
    ),
]

# Value's attributes that are not ops: the guard test fails on anything public outside
# this set and the table, so a new op cannot ship without a row.
NOT_OPS = {
    "__init__", "__repr__", "__float__", "__lt__", "__le__", "__gt__", "__ge__",
    "backward", "zero_grad", "data", "grad", "label", "draw", "tree",
    "backward_step", "__reduce__", "__setstate__", "__copy__",
}  # fmt: skip
