"""Tests for micrograd.losses: hand-computed values, gradients, stability, bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from micrograd import Value, binary_cross_entropy, cross_entropy, gradcheck, l2, max_margin, mse
from micrograd.losses import accuracy


def test_mse_hand_computed():
    p = [Value(1.0), Value(2.0), Value(4.0)]
    loss = mse(p, [0.0, 2.0, 1.0])  # (1 + 0 + 9) / 3
    assert loss.data == pytest.approx(10 / 3)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 / 3, 0.0, 2.0])  # 2 (p - t) / n


def test_max_margin_hand_computed():
    s = [Value(0.5), Value(-2.0), Value(3.0)]
    loss = max_margin(s, [1, 1, -1])  # relu(0.5) + relu(3) + relu(4), over 3
    assert loss.data == pytest.approx(7.5 / 3)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([-1 / 3, -1 / 3, 1 / 3])


def test_max_margin_is_zero_beyond_the_margin():
    assert max_margin([Value(2.0), Value(-1.5)], [1, -1]).data == 0.0


def test_binary_cross_entropy_hand_computed():
    z = [Value(0.0), Value(2.0)]
    loss = binary_cross_entropy(z, [1, 0])
    expected = (-math.log(0.5) - math.log(1 - 1 / (1 + math.exp(-2.0)))) / 2
    assert loss.data == pytest.approx(expected, rel=1e-12)
    loss.backward()
    sigmoid = [0.5, 1 / (1 + math.exp(-2.0))]
    assert [v.grad for v in z] == pytest.approx([(sigmoid[0] - 1) / 2, sigmoid[1] / 2])


@pytest.mark.parametrize("logit", [-1000.0, 1000.0])
def test_binary_cross_entropy_is_stable_for_huge_logits(logit):
    z = Value(logit)
    right, wrong = (1, 0) if logit > 0 else (0, 1)
    assert binary_cross_entropy([z], [right]).data == 0.0
    loss = binary_cross_entropy([z], [wrong])
    assert loss.data == pytest.approx(1000.0)
    loss.backward()
    assert z.grad == pytest.approx(1.0 if logit > 0 else -1.0)


def test_cross_entropy_hand_computed_and_stable():
    logits = [[Value(1.0), Value(2.0), Value(3.0)]]
    loss = cross_entropy(logits, [2])
    total = math.exp(1) + math.exp(2) + math.exp(3)
    assert loss.data == pytest.approx(math.log(total) - 3.0, rel=1e-12)
    loss.backward()
    softmax = [math.exp(k) / total for k in (1, 2, 3)]
    assert [v.grad for v in logits[0]] == pytest.approx([softmax[0], softmax[1], softmax[2] - 1])
    huge = cross_entropy([[Value(1000.0), Value(-1000.0)]], [1])
    assert huge.data == pytest.approx(2000.0)


def test_l2_hand_computed():
    ps = [Value(1.0), Value(-2.0)]
    penalty = l2(ps, 0.1)
    assert penalty.data == pytest.approx(0.5)
    penalty.backward()
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4])  # 2 * alpha * p


@pytest.mark.parametrize(
    "loss",
    [
        lambda a, b, c: mse([a, b, c], [0.5, -1.0, 2.0]),
        lambda a, b, c: max_margin([a, b, c], [1, -1, 1]),
        lambda a, b, c: binary_cross_entropy([a, b, c], [1, 0, 1]),
        lambda a, b, c: cross_entropy([[a, b, c], [c, a, b]], [0, 2]),
        lambda a, b, c: l2([a, b, c], 0.3),
    ],
    ids=["mse", "max_margin", "bce", "cross_entropy", "l2"],
)
def test_loss_grads_match_central_differences(loss):
    assert gradcheck(loss, Value(0.3), Value(-0.6), Value(1.7))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: mse([Value(1.0)], [1.0, 2.0]), ValueError, "1 predictions and 2 targets"),
        (lambda: mse([], []), ValueError, "at least one sample"),
        (lambda: mse(Value(1.0), [1.0]), TypeError, "list of predictions"),
        (
            lambda: max_margin([Value(1.0)], [0]),
            ValueError,
            "must be -1 or 1, got 0: use -1 and \\+1",
        ),
        (lambda: binary_cross_entropy([Value(1.0)], [-1]), ValueError, "must be 0 or 1"),
        (
            lambda: cross_entropy([[Value(1.0), Value(2.0)]], [2]),
            ValueError,
            "class index 0..1, got 2",
        ),
        (lambda: cross_entropy([Value(1.0)], [0]), TypeError, "list of class scores"),
    ],
)
def test_bad_loss_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_accuracy_counts_signs():
    assert accuracy([Value(0.3), Value(-2.0), 1.0, -0.1], [1, -1, -1, 1]) == 0.5


def test_losses_take_generators_and_numpy_labels():
    scores = (Value(s) for s in [0.5, -0.5])
    assert max_margin(scores, iter([1, -1])).data == 0.5
    np = pytest.importorskip("numpy")
    loss = cross_entropy([[Value(1.0), Value(2.0)]], [np.int64(1)])
    assert loss.data == pytest.approx(math.log(math.exp(1) + math.exp(2)) - 2)


def test_a_list_per_sample_gets_a_hint_about_several_outputs():
    with pytest.raises(TypeError, match="sample 0 is list.*several outputs"):
        mse([[Value(1.0), Value(2.0)]], [1.0])


def test_nan_scores_give_a_nan_loss_not_a_perfect_one():
    s = [Value(math.nan), Value(1.0)]
    assert math.isnan(max_margin(s, [1, -1]).data)


def test_cross_entropy_names_a_class_score_that_is_not_a_number():
    # Not the hint for mse and the others (use cross_entropy for a list per sample).
    with pytest.raises(TypeError) as caught:
        cross_entropy([[Value(1.0), Value(2.0)], [Value(1.0), "x"]], [0, 1])
    assert str(caught.value) == (
        "cross_entropy takes a number or Value per class score, but sample 1 has a str: 'x'"
    )


def test_accuracy_counts_the_right_signs_with_zero_as_negative():
    # 3 of 4 right: a score of 0 counts as negative, as in micrograd's demo.
    assert accuracy([Value(0.5), Value(0.0), Value(-2.0), Value(3.0)], [1, -1, -1, -1]) == 0.75
    assert accuracy([Value(0.5), Value(-0.5)], [1, 0]) == 1.0  # 0/1 labels: 0 is negative


def test_cross_entropy_is_the_mean_over_samples():
    logits = [[Value(0.0), Value(0.0)], [Value(0.0), Value(0.0)]]
    loss = cross_entropy(logits, [0, 1])  # ln 2 for each sample
    assert loss.data == math.log(2.0)
    loss.backward()
    # (softmax - one-hot) / 2 samples
    assert [[v.grad for v in scores] for scores in logits] == [[-0.25, 0.25], [0.25, -0.25]]


def test_losses_take_plain_numbers_as_predictions():
    assert mse([1.0, Fraction(1, 2)], [0.0, 0.0]).data == 0.625
    assert max_margin([0.5, -3], [1, -1]).data == 0.25
    assert binary_cross_entropy([0.0], [1]).data == math.log1p(1.0)
    assert cross_entropy([[0.0, 0.0]], [1]).data == math.log(2.0)


_SEVERAL_OUTPUTS = (
    "A model with several outputs returns a list per sample: use cross_entropy, or pick one output."
)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: mse([Value(1.0)], [1.0, 2.0]),
            "mse needs one target per prediction, got 1 predictions and 2 targets",
        ),
        (
            lambda: max_margin([1.0], [1, 1]),
            "max_margin needs one target per prediction, got 1 predictions and 2 targets",
        ),
        (
            lambda: binary_cross_entropy([], []),
            "binary_cross_entropy needs at least one sample, got none",
        ),
        (
            lambda: cross_entropy([[1.0]], [0, 0]),
            "cross_entropy needs one target per prediction, got 1 predictions and 2 targets",
        ),
        (
            lambda: accuracy([1.0], 1),
            "accuracy takes a list of predictions and a list of targets, one per sample",
        ),
        (lambda: max_margin([1.0], [0]), "max_margin labels must be -1 or 1, got 0: use -1 and +1"),
        (
            lambda: binary_cross_entropy([1.0], [-1]),
            "binary_cross_entropy labels must be 0 or 1, got -1: use 0 and 1",
        ),
        (
            lambda: mse([1.0, "x"], [0.0, 0.0]),
            f"mse takes one number or Value per sample, but sample 1 is str: 'x'. {_SEVERAL_OUTPUTS}",
        ),
        (
            lambda: max_margin([1.0, [1.0]], [1, 1]),
            f"max_margin takes one number or Value per sample, but sample 1 is list: [1.0]. {_SEVERAL_OUTPUTS}",
        ),
        (
            lambda: binary_cross_entropy([1.0, None], [1, 1]),
            f"binary_cross_entropy takes one number or Value per sample, but sample 1 is NoneType: None. {_SEVERAL_OUTPUTS}",
        ),
        (
            lambda: cross_entropy([[1.0], []], [0, 0]),
            "cross_entropy needs a list of class scores per sample; sample 1 is []",
        ),
        (
            lambda: cross_entropy([[1.0], 2.0], [0, 0]),
            "cross_entropy needs a list of class scores per sample; sample 1 is 2.0",
        ),
    ],
)
def test_bad_loss_input_messages_in_full(call, message):
    with pytest.raises((TypeError, ValueError)) as caught:
        call()
    assert str(caught.value) == message
