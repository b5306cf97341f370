"""Tests for micrograd.messages, and for its promise kept across the library: what a user
gave is shown in an error on one short line, with nothing that a terminal would act on."""

from __future__ import annotations

from fractions import Fraction

import pytest

from micrograd import SGD, Adam, Value, data, losses
from micrograd.messages import short_repr, shorten, shorten_path

ESCAPE = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window's title


def test_shorten_keeps_ordinary_text_as_it_is():
    assert shorten("tanh(x*w + b)") == "tanh(x*w + b)"
    assert shorten("µ * 2") == "µ * 2"


def test_shorten_escapes_what_does_not_print_and_says_how_long_it_was():
    assert shorten("a\nb") == "'a\\nb'"
    assert shorten("x\u202e") == "'x\\u202e'"  # right-to-left override
    long = shorten(ESCAPE * 10_000)
    assert long.isprintable() and long.endswith("... (140,000 characters)")
    assert len(long) < 200


def test_shorten_path_gives_paths_more_room():
    path = "/data/" + "folder/" * 30 + "model.json"
    assert shorten_path(path) == path
    assert shorten_path("out\n.svg") == "'out\\n.svg'"


def test_short_repr_is_bounded_for_huge_deep_and_strange_values():
    assert short_repr([0.5] * 1_000_000) == "[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, ...]"
    assert short_repr(10**5000) == "an int of about 5,001 digits"  # repr() itself refuses
    deep: list[object] = [1]
    for _ in range(100_000):  # repr() of this would exceed the recursion limit
        deep = [deep]
    assert short_repr(deep) == "[[[[...]]]]"

    class Strange:
        def __repr__(self) -> str:
            return "line one\nline two" + ESCAPE * 1000

    shown = short_repr(Strange())
    assert shown.isprintable() and len(shown) <= 80


# A call with something hostile in it, and the error it must raise: each message must be
# one short line, whatever it was given.
CALLS = [
    (lambda: SGD([Value(1.0)], lr=ESCAPE * 10_000), ValueError),
    (lambda: SGD([Value(1.0)], lr=10**5000), ValueError),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=10**5000), ValueError),
    (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=10**400), ValueError),
    (lambda: Adam([Value(1.0)], betas=[ESCAPE] * 100_000), ValueError),
    (lambda: Adam([Value(1.0)], betas=(0.9, ESCAPE)), ValueError),
    (lambda: Adam([Value(1.0)], eps=ESCAPE), ValueError),
    (lambda: losses.mse([ESCAPE * 10_000], [1.0]), TypeError),
    (lambda: losses.max_margin([1.0], [ESCAPE * 10_000]), ValueError),
    (lambda: losses.cross_entropy([[1.0, 2.0]], [ESCAPE * 10_000]), ValueError),
    (lambda: losses.cross_entropy([ESCAPE * 10_000], [0]), TypeError),
    (lambda: data.moons(10, noise=10**400), ValueError),
    (lambda: data.moons(10, noise=ESCAPE), ValueError),
    (lambda: data.moons(10, seed=ESCAPE * 10_000), TypeError),
    (lambda: data.circles(10, factor=10**5000), ValueError),
    (lambda: data.spiral(10, classes=ESCAPE), ValueError),
    (lambda: data.signs([ESCAPE * 10_000]), ValueError),
    (lambda: data.train_test_split([[0.0], [1.0]], [0, 1], test_fraction=10**5000), ValueError),
]


@pytest.mark.parametrize(("call", "error"), CALLS)
def test_errors_across_the_library_show_what_they_were_given_on_one_short_line(call, error):
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert message.isprintable() and len(message) < 300, message[:300]


def test_optimizers_and_losses_take_any_real_number_as_value_does():
    np = pytest.importorskip("numpy")
    w = Value(1.0)
    w.grad = 1.0
    SGD([w], lr=np.float32(0.5), momentum=Fraction(1, 2), weight_decay=np.int64(0)).step()
    assert w.data == 0.5 and type(w.data) is float  # not a numpy float32
    Adam([w], lr=Fraction(1, 10), betas=(np.float32(0.5), np.float64(0.9))).step()
    assert losses.mse([np.float32(2.0), Fraction(1, 2)], [0.0, 0.5]).data == 2.0
