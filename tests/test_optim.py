"""Tests for micrograd.optim: each update against a hand-computed step."""

from __future__ import annotations

import math

import pytest

from micrograd import SGD, Adam, Value


def _param(data: float, grad: float) -> Value:
    p = Value(data)
    p.grad = grad
    return p


def test_sgd_step_is_lr_times_grad():
    p = _param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == 1.0 - 0.1 * 0.5


def test_sgd_momentum_and_weight_decay_by_hand():
    p = _param(1.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step()  # v = 0.5 + 0.01 * 1.0 = 0.51
    assert p.data == pytest.approx(1.0 - 0.1 * 0.51)
    p.grad = 0.5
    w = p.data
    opt.step()  # v = 0.9 * 0.51 + (0.5 + 0.01 * w)
    assert p.data == pytest.approx(w - 0.1 * (0.9 * 0.51 + 0.5 + 0.01 * w))


def test_learning_rate_schedule_gets_the_step_number():
    p = _param(0.0, 1.0)
    seen = []
    opt = SGD([p], lr=lambda k: seen.append(k) or 1.0 / (k + 1))
    for _ in range(3):
        opt.step()
    assert seen == [0, 1, 2]
    assert p.data == pytest.approx(-(1 + 1 / 2 + 1 / 3))


def test_adam_first_steps_by_hand():
    p = _param(1.0, 0.2)
    opt = Adam([p], lr=0.01)
    opt.step()  # bias-corrected: m = 0.2, v = 0.04, step = 0.2 / (0.2 + 1e-8)
    assert p.data == pytest.approx(1.0 - 0.01 * 0.2 / (0.2 + 1e-8), rel=1e-15)
    p.grad = -0.1
    before = p.data
    opt.step()
    m = 0.9 * 0.1 * 0.2 + 0.1 * -0.1
    v = 0.999 * 0.001 * 0.04 + 0.001 * 0.01
    step = (m / (1 - 0.9**2)) / (math.sqrt(v / (1 - 0.999**2)) + 1e-8)
    assert p.data == pytest.approx(before - 0.01 * step, rel=1e-12)


def test_adam_minimizes_a_quadratic():
    x = Value(5.0)
    opt = Adam([x], lr=0.1)
    for _ in range(500):
        loss = (x - 2.0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert x.data == pytest.approx(2.0, abs=1e-3)


def test_a_parameter_listed_twice_is_refused():
    p = Value(1.0)
    with pytest.raises(ValueError, match="same parameter twice"):
        SGD([p, p], lr=0.1)


def test_adam_weight_decay_is_added_to_the_grad():
    p = _param(2.0, 0.0)
    Adam([p], lr=0.1, weight_decay=0.5).step()  # grad = 0 + 0.5 * 2 = 1: a full step of lr
    assert p.data == pytest.approx(2.0 - 0.1 * 1.0 / (1.0 + 1e-8))


def test_zero_grad_clears_parameters():
    ps = [_param(1.0, 3.0), _param(2.0, -1.0)]
    SGD(ps, lr=0.1).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SGD([], lr=0.1), ValueError, "got no parameters"),
        (lambda: SGD([1.0], lr=0.1), TypeError, "parameter 0 is float"),
        (
            lambda: SGD([Value(1.0)], lr=-1),
            ValueError,
            "learning rate must be a finite number >= 0",
        ),
        (lambda: SGD([Value(1.0)], lr="fast"), ValueError, "learning rate"),
        (
            lambda: SGD([Value(1.0)], lr=0.1, momentum=1.5),
            ValueError,
            "momentum must be a number in",
        ),
        (
            lambda: SGD([Value(1.0)], lr=0.1, momentum="0.9"),
            ValueError,
            "momentum must be a number",
        ),
        (
            lambda: SGD([Value(1.0)], lr=0.1, weight_decay=math.inf),
            ValueError,
            "weight_decay must be a finite",
        ),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), ValueError, "betas must be a pair"),
        (lambda: Adam([Value(1.0)], eps=0.0), ValueError, "eps must be > 0"),
        (
            lambda: Adam([Value(1.0)], betas=(0.9, 1.0)),
            ValueError,
            "betas\\[1\\] must be a number in",
        ),
    ],
)
def test_bad_optimizer_settings_are_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_schedule_that_returns_garbage_is_caught_at_the_step():
    opt = SGD([_param(1.0, 1.0)], lr=lambda k: float("nan"))
    with pytest.raises(ValueError, match="learning rate"):
        opt.step()


def test_adam_default_learning_rate_is_pytorchs():
    p = _param(1.0, 0.5)
    Adam([p]).step()  # the first step is lr * grad / (|grad| + eps): about lr = 1e-3
    assert p.data == pytest.approx(1.0 - 1e-3 * 0.5 / (0.5 + 1e-8), rel=1e-12)


def test_adam_weight_decay_times_the_weight_can_cancel_the_grad():
    p = _param(2.0, -1.0)
    Adam([p], lr=0.1, weight_decay=0.5).step()  # grad -1 + 0.5 * 2 = 0: no step at all
    assert p.data == 2.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Adam([]), "Adam got no parameters: pass model.parameters()"),
        (lambda: Adam([Value(1.0), 1.0]), "Adam optimizes Values, but parameter 1 is float"),
        (
            lambda: Adam([Value(1.0)] * 2),
            "Adam got the same parameter twice: it would step it twice",
        ),
        (
            lambda: Adam([Value(1.0)], betas=0.9),
            "betas must be a pair such as (0.9, 0.999), got 0.9",
        ),
        (lambda: Adam([Value(1.0)], betas=(2, 0.9)), "betas[0] must be a number in [0, 1), got 2"),
        (lambda: Adam([Value(1.0)], eps=-1), "eps must be a finite number >= 0, got -1"),
        (
            lambda: Adam([Value(1.0)], eps=0),
            "eps must be > 0: it keeps a zero grad from dividing by zero",
        ),
        (
            lambda: Adam([Value(1.0)], weight_decay=-1),
            "weight_decay must be a finite number >= 0, got -1",
        ),
        (
            lambda: SGD([Value(1.0)], 0.1, momentum=1.5),
            "momentum must be a number in [0, 1), got 1.5",
        ),
    ],
)
def test_bad_optimizer_settings_messages_in_full(make, message):
    with pytest.raises((TypeError, ValueError)) as caught:
        make()
    assert str(caught.value) == message
