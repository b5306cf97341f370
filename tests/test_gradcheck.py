"""Tests for micrograd.gradcheck: it passes right gradients, names wrong ones, and has no
side effects."""

from __future__ import annotations

import math

import pytest

from micrograd import GradcheckError, Value, gradcheck, numerical_grads


def _wrong_square(x: Value) -> Value:
    # x**2 with a wrong local grad (x instead of 2x): the kind of bug gradcheck is for.
    def bad_square(x):
        return x * x, (x,)  # the local grad should be 2x

    return Value.apply(bad_square, x)


def test_numerical_grads_by_central_differences():
    grads = numerical_grads(lambda x, y: x * x * y, Value(3.0), Value(2.0))
    assert grads == pytest.approx([12.0, 9.0], rel=1e-8)


def test_gradcheck_names_each_input_with_both_gradients_on_mismatch():
    x, y = Value(3.0, label="x"), Value(2.0)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: _wrong_square(a) + b, x, y)
    header, *rows = str(caught.value).split("\n")
    # The defaults: rtol=1e-5, atol=1e-8, eps=1e-6.
    assert header == "gradcheck failed on 1 of 2 inputs (rtol=1e-05, atol=1e-08, eps=1e-06):"
    assert len(rows) == 2
    assert rows[0].startswith(
        "  MISMATCH input 0 ('x') at data=3.0: analytic 3.0, numerical 5.9999"
    )
    assert rows[1].startswith("  ok       input 1 at data=2.0: analytic 1.0, numerical 1.0000")


def test_gradcheck_leaves_every_grad_and_data_as_it_was():
    w = Value(2.0)
    w.grad = 5.0
    x = Value(3.0)
    x.grad = -1.0
    assert gradcheck(lambda v: v * w, x)
    assert (w.grad, x.grad, w.data, x.data) == (5.0, -1.0, 2.0, 3.0)


def test_gradcheck_gives_zero_for_an_unused_input():
    unused = Value(1.0)
    unused.grad = 7.0
    assert gradcheck(lambda a, b: a * 2.0, Value(1.0), unused)
    assert unused.grad == 7.0


def test_gradcheck_explains_a_nudge_out_of_the_domain():
    with pytest.raises(ValueError) as caught:
        gradcheck(lambda x: x.log(), Value(1e-7))
    # The step is eps = 1e-6 times max(1, |x|).
    assert str(caught.value) == (
        "f failed when gradcheck nudged input 0 from 1e-07 to -9e-07 (step 1e-06): log is "
        "defined for positive numbers, got -9e-07. Check a point further from the edge of the "
        "domain, or pass a smaller eps."
    )


def test_gradcheck_rejects_non_values_and_non_value_results():
    with pytest.raises(TypeError, match="input 0 is float"):
        gradcheck(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="return a Value, got float"):
        gradcheck(lambda x: x.data, Value(1.0))


def test_gradcheck_tolerances_are_relative_and_absolute():
    # exp(20) ~ 4.85e8: the absolute error is large, the relative one tiny.
    assert gradcheck(lambda x: x.exp(), Value(20.0))
    assert math.isfinite(numerical_grads(lambda x: x.exp(), Value(20.0))[0])


def test_numerical_grads_default_step_is_small():
    # x**3's central difference is 3x**2 + h**2: with the default h = 1e-6, 3 to 1e-10.
    assert numerical_grads(lambda x: x**3, Value(1.0)) == pytest.approx([3.0], rel=1e-10)


def test_gradcheck_central_differences_use_its_eps():
    # With eps = 0.1, x**3's central difference at 1 is 3 + 0.01: a mismatch.
    with pytest.raises(GradcheckError, match=r"analytic 3.0, numerical 3.0100000"):
        gradcheck(lambda x: x**3, Value(1.0), eps=0.1)
