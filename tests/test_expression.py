"""Tests for micrograd.expression: a table of formulas that build, with their exact data and
grads; a table of inputs that are refused, with the message each gets; and proof, through
sentinels, that no part of a refused formula ever runs."""

from __future__ import annotations

import builtins
import math
import os
import re

import pytest

from micrograd import Value
from micrograd.expression import ExpressionError, parse_expression

B = 6.8813735870195432  # the lecture's bias: tanh(2*-3 + B) = 1/sqrt(2)
T = math.tanh(2.0 * -3.0 + B)
S = 1.0 / (1.0 + math.exp(-0.5))  # sigmoid(0.5)

# formula, values, the root's data, each leaf's grad: exact, computed the way the ops do.
ACCEPTED = [
    ("x", {"x": 2.0}, 2.0, {"x": 1.0}),
    ("x + w", {"x": 2.0, "w": -3.0}, -1.0, {"x": 1.0, "w": 1.0}),
    ("x - w", {"x": 2.0, "w": -3.0}, 5.0, {"x": 1.0, "w": -1.0}),
    ("x * w", {"x": 2.0, "w": -3.0}, -6.0, {"x": -3.0, "w": 2.0}),
    ("x / w", {"x": 3.0, "w": 2.0}, 1.5, {"x": 0.5, "w": -0.75}),
    ("x ** 2", {"x": -3.0}, 9.0, {"x": -6.0}),  # a number exponent: a negative base is fine
    ("x ** -1", {"x": 4.0}, 0.25, {"x": -0.0625}),
    ("x ** (1/2)", {"x": 4.0}, 2.0, {"x": 0.25}),  # constants are computed first
    ("2 ** x", {"x": 3.0}, 8.0, {"x": 8.0 * math.log(2.0)}),
    ("x ** w", {"x": 2.0, "w": 3.0}, 8.0, {"x": 12.0, "w": 8.0 * math.log(2.0)}),
    ("-x", {"x": 2.0}, -2.0, {"x": -1.0}),
    ("+x", {"x": 2.0}, 2.0, {"x": 1.0}),
    ("--x", {"x": 2.0}, 2.0, {"x": 1.0}),
    ("x * x + x", {"x": 3.0}, 12.0, {"x": 7.0}),  # x used three times: grads add up
    ("x * (2 * 3)", {"x": 1.5}, 9.0, {"x": 6.0}),
    ("2 * x + 1", {"x": 1.5}, 4.0, {"x": 2.0}),
    ("1 - x", {"x": 1.5}, -0.5, {"x": -1.0}),
    ("1 / x", {"x": 4.0}, 0.25, {"x": -0.0625}),
    (
        "tanh(x*w + b)",
        {"x": 2.0, "w": -3.0, "b": B},
        T,
        {"x": -3.0 * (1 - T * T), "w": 2.0 * (1 - T * T), "b": 1 - T * T},
    ),
    ("exp(x)", {"x": 1.0}, math.e, {"x": math.e}),
    ("log(x)", {"x": 4.0}, math.log(4.0), {"x": 0.25}),
    ("sigmoid(x)", {"x": 0.5}, S, {"x": S * (1 - S)}),
    ("relu(x)", {"x": -2.0}, 0.0, {"x": 0.0}),
    ("relu(x)", {"x": 2.0}, 2.0, {"x": 1.0}),
    ("softplus(x)", {"x": 0.0}, math.log(2.0), {"x": 0.5}),
    ("abs(x)", {"x": -2.5}, 2.5, {"x": -1.0}),
    ("tanh(0) + x", {"x": 1.0}, 1.0, {"x": 1.0}),
    ("  1_000 * x ", {"x": 2.0}, 2000.0, {"x": 1000.0}),
    ("2.5e-1 * x", {"x": 2.0}, 0.5, {"x": 0.25}),
    ("0x10 * x", {"x": 1.0}, 16.0, {"x": 16.0}),
    ("2 * 3", {}, 6.0, {}),
]

# formula, values, the start of the message it is refused with
REFUSED = [
    (
        "__import__('os').system('x')",
        {},
        "attribute access is not allowed: __import__('os').system",
    ),
    ("x.__class__", {"x": 1.0}, "attribute access is not allowed: x.__class__"),
    ("x.__class__.__bases__[0].__subclasses__()", {"x": 1.0}, "attribute access is not allowed"),
    ("open('f')", {}, "unknown function open: open('f'); the functions are tanh, exp, log"),
    ("eval('1')", {}, "unknown function eval"),
    ("getattr(x, 'data')", {"x": 1.0}, "unknown function getattr"),
    ("x()", {"x": 1.0}, "unknown function x"),
    ("(lambda: 1)()", {}, "a lambda is not allowed: lambda: 1"),
    ("lambda: x", {"x": 1.0}, "a lambda is not allowed"),
    ("tanh(x)(x)", {"x": 1.0}, "calling tanh(x) is not allowed"),
    ("x[0]", {"x": 1.0}, "indexing is not allowed: x[0]"),
    ('"a"', {}, '"a" is not a number'),
    ("x + 'a'", {"x": 1.0}, "'a' is not a number"),
    ("x if x else w", {"x": 1.0, "w": 2.0}, "an if-else expression is not allowed: x if x else w"),
    ("x < w", {"x": 1.0, "w": 2.0}, "a comparison is not allowed: x < w"),
    ("x == w", {"x": 1.0, "w": 2.0}, "a comparison is not allowed"),
    ("x and w", {"x": 1.0, "w": 2.0}, "and/or is not allowed"),
    ("x ^ 2", {"x": 1.0}, "the operator ^ (for a power write **) is not allowed: x ^ 2"),
    ("x // 2", {"x": 1.0}, "the operator // (for division write /) is not allowed"),
    ("x % 2", {"x": 1.0}, "the operator % is not allowed"),
    ("x @ w", {"x": 1.0, "w": 2.0}, "the operator @ is not allowed"),
    ("x << 1", {"x": 1.0}, "the operator << is not allowed"),
    ("not x", {"x": 1.0}, "the operator not is not allowed"),
    ("~x", {"x": 1.0}, "the operator ~ is not allowed"),
    ("[x]", {"x": 1.0}, "a list is not allowed"),
    ("(x, x)", {"x": 1.0}, "a tuple is not allowed"),
    ("{x}", {"x": 1.0}, "a set is not allowed"),
    ("{'k': x}", {"x": 1.0}, "a dict is not allowed"),
    ("[x for x in y]", {"x": 1.0, "y": 1.0}, "a comprehension is not allowed"),
    ("f'{x}'", {"x": 1.0}, "an f-string is not allowed"),
    ("(y := x)", {"x": 1.0}, "an assignment (:=) is not allowed"),
    ("tanh(x, x)", {"x": 1.0}, "tanh takes one argument, as in tanh(x), got tanh(x, x)"),
    ("tanh(x=1)", {}, "tanh takes one argument"),
    ("tanh(*x)", {"x": 1.0}, "tanh takes one argument"),
    ("tanh()", {}, "tanh takes one argument"),
    ("tanh", {}, "tanh is a function: call it, as in tanh(x)"),
    ("True * x", {"x": 1.0}, "True is not a number"),
    ("None", {}, "None is not a number"),
    ("2j * x", {"x": 1.0}, "2j is not a number"),
    ("...", {}, "... is not a number"),
    ("1e999 * x", {"x": 1.0}, "the number 1e999 is too large for a float"),
    (
        "1" + "0" * 400 + " * x",
        {"x": 1.0},
        "the number 10000000000000000000 ... (401 characters) is too large",
    ),
    ("x +", {"x": 1.0}, "'x +' is not a formula Python can read"),
    ("x = 2", {"x": 1.0}, "'x = 2' is not a formula Python can read"),
    ("import os", {}, "'import os' is not a formula Python can read"),
    ("", {}, "the formula is empty"),
    ("   ", {}, "the formula is empty"),
    ("(" * 1000 + "x" + ")" * 1000, {"x": 1.0}, "'((("),  # Python's parser: too many parentheses
    ("-" * 100_000 + "x", {"x": 1.0}, "the formula is nested too deeply to read"),
    (
        " + ".join(["x"] * 3_000),
        {"x": 1.0},
        "the formula is too long to read: 2,999 operators (+ - * / ...) in a row, more than "
        "2,000; group terms in brackets, as in (a + b) + (c + d)",
    ),
    ("x" + " * -x" * 2_001, {"x": 1.0}, "the formula is too long to read: 2,001 operators"),
    ("tanh(x" + " - x" * 2_500 + ")", {"x": 1.0}, "the formula is too long to read: 2,500"),
    # names: every name used needs a value, and every value a use
    ("x * w", {"x": 1.0}, "the formula uses w but no value was given: add w=<number>"),
    (
        "x * w * z",
        {"x": 1.0},
        "the formula uses w, z but no value was given: add w=<number> z=<number>",
    ),
    ("x", {"x": 1.0, "w": 2.0}, "w was given a value, but the formula does not use it"),
    (
        "x",
        {"x": 1.0, "w": 2.0, "z": 3.0},
        "w, z were given values, but the formula does not use them",
    ),
    ("tanh(x)", {"x": 1.0, "tanh": 2.0}, "tanh is the name of a function"),
    ("x", {"x": 1.0, "2x": 2.0}, "'2x' is not a valid name"),
    ("x", {"x": 1.0, "if": 2.0}, "'if' is not a valid name"),
]


@pytest.mark.parametrize(
    ("text", "values", "data", "grads"), ACCEPTED, ids=[row[0] for row in ACCEPTED]
)
def test_parse_expression_builds_the_graph_with_exact_data_and_grads(text, values, data, grads):
    root, leaves = parse_expression(text, values)
    root.backward()
    assert root.data == data
    assert {name: leaf.grad for name, leaf in leaves.items()} == grads
    assert all(leaf.label == name and leaf.data == values[name] for name, leaf in leaves.items())


def test_parse_expression_uses_one_leaf_per_name():
    root, leaves = parse_expression("x * x", {"x": 3.0})
    assert root.inputs == (leaves["x"], leaves["x"])


def test_parse_expression_keeps_a_constant_exponent_a_number():
    root, _ = parse_expression("x ** (1 + 1)", {"x": -3.0})
    assert root.op == "**2"  # one child: the exponent is not a Value
    assert len(root.inputs) == 1


def test_parse_expression_of_only_constants_gives_a_leaf():
    root, leaves = parse_expression("tanh(0.5) * 2", {})
    assert leaves == {}
    assert root.data == math.tanh(0.5) * 2
    assert root.inputs == ()


def test_parse_expression_builds_long_formulas_without_recursion():
    text = " + ".join(["x"] * 900)  # a graph 900 ops deep, and a parse tree as deep
    root, leaves = parse_expression(text, {"x": 1.0})
    root.backward()
    assert root.data == 900.0
    assert leaves["x"].grad == 900.0


def test_parse_expression_ops_fail_with_the_engines_messages():
    with pytest.raises(ValueError, match="log is defined for positive numbers, got -1.0"):
        parse_expression("log(x)", {"x": -1.0})
    with pytest.raises(ValueError, match="log is defined for positive numbers, got -1.0"):
        parse_expression("log(-1) * x", {"x": 1.0})  # constants too
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        parse_expression("x / 0", {"x": 1.0})


@pytest.mark.parametrize(
    ("text", "values", "message"), REFUSED, ids=[row[0][:40] for row in REFUSED]
)
def test_parse_expression_refuses_with_a_message_naming_what(text, values, message):
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, values)
    assert str(error.value).startswith(message)
    assert isinstance(error.value, ValueError)


def test_parse_expression_refuses_a_non_string():
    with pytest.raises(TypeError, match="needs the formula as a str"):
        parse_expression(42, {})  # type: ignore[arg-type]


class Sentinel:
    """Records every call; a refused formula must never make one."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def __call__(self, *args: object) -> int:
        self.calls.append(args)
        return 0


NEVER_RUN = [
    "__import__('os').system('x')",
    "open('f')",
    "sentinel()",
    "tanh(sentinel())",
    "x + sentinel()",
    "sentinel() + x",
    "(lambda: sentinel())()",
    "x if sentinel() else x",
    "x[sentinel()]",
    "[sentinel() for _ in x]",
    "x < sentinel()",
    "sentinel() and x",
    "sentinel.__call__()",
    "x.__class__(sentinel())",
    "-x ^ sentinel()",
]


@pytest.mark.parametrize("text", NEVER_RUN)
def test_parse_expression_never_runs_a_refused_formula(text, monkeypatch):
    sentinel = Sentinel()
    monkeypatch.setattr(builtins, "sentinel", sentinel, raising=False)
    monkeypatch.setattr(builtins, "open", sentinel)
    monkeypatch.setattr(os, "system", sentinel)
    values = {"x": 1.0} if "x" in text.replace("sentinel", "") else {}
    with pytest.raises(ExpressionError):
        parse_expression(text, values)
    assert sentinel.calls == []


def test_parse_expression_never_evaluates_a_name_it_was_not_given(monkeypatch):
    sentinel = Sentinel()
    monkeypatch.setattr(builtins, "sentinel", sentinel, raising=False)
    with pytest.raises(ExpressionError, match="the formula uses sentinel but no value was given"):
        parse_expression("sentinel * x", {"x": 1.0})
    root, _ = parse_expression("sentinel * x", {"sentinel": 2.0, "x": 1.0})
    assert isinstance(root, Value) and root.data == 2.0  # the given number, not the builtin
    assert sentinel.calls == []


def balanced_sum(terms):
    """x0 + x1 + ... as a balanced tree, ((x0 + x1) + (x2 + x3)) + ...: a long formula
    only log2(n) deep, which Python's parser reads (a chain 40,000 deep it does not)."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return f"({balanced_sum(terms[:half])} + {balanced_sum(terms[half:])})"


# Formulas whose text would break a one-line message: a newline, terminal control codes
# (ESC [2J clears the screen), or tens of thousands of characters.
HOSTILE = [
    ("(x\n% 2)", {"x": 1.0}),
    ("x + '\x1b[2J'", {"x": 1.0}),
    ("x + '\u202e'", {"x": 1.0}),  # right-to-left override: reorders what the terminal shows
    (balanced_sum(["x"] * 40_000) + " % 2", {"x": 1.0}),
    ("[" + ", ".join(["x"] * 40_000) + "]", {"x": 1.0}),
    ("f" * 100_000 + "(x)", {"x": 1.0}),
    ("tanh(" + ", ".join(["x"] * 40_000) + ")", {"x": 1.0}),
    (balanced_sum([f"x{i}" for i in range(40_000)]), {}),
    ("x", {"x": 1.0, **{f"w{i}": 1.0 for i in range(40_000)}}),
    ("x", {"x": 1.0, "\x1b[2J" * 10_000: 1.0}),
    ("x +\n\x1b[2J", {"x": 1.0}),
    ("1" * 5000 + " * x", {"x": 1.0}),
]


@pytest.mark.parametrize(("text", "values"), HOSTILE, ids=lambda v: repr(v)[:30])
def test_parse_expression_errors_are_one_short_safe_line(text, values):
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, values)
    message = str(error.value)
    assert message.isprintable(), message  # no newline, no control code, no bidi override
    assert len(message) < 400, message[:400]


def test_parse_expression_errors_list_the_first_missing_names_and_count_the_rest():
    text = balanced_sum([f"x{i}" for i in range(40_000)])
    with pytest.raises(ExpressionError, match=r"uses x0, x1, x10, x100, x1000 and 39,995 more"):
        parse_expression(text, {})


def test_parse_expression_reads_a_long_formula_in_brackets():
    terms = " + ".join(["x"] * 1_500)
    root, _ = parse_expression(f"({terms}) + ({terms})", {"x": 1.0})
    assert root.data == 3_000.0


def test_parse_expression_refuses_a_huge_literal_without_pythons_digit_limit_advice():
    with pytest.raises(ExpressionError) as error:
        parse_expression("1" * 5000 + " * x", {"x": 1.0})
    assert "too large for a float" in str(error.value)
    assert "set_int_max_str_digits" not in str(error.value)


def test_parse_expression_matches_names_as_python_reads_them():
    # Python's parser reads "µ" (U+00B5, micro sign) in a formula as "μ" (U+03BC, Greek mu).
    root, leaves = parse_expression("\u00b5*2", {"\u00b5": 3.0})
    assert root.data == 6.0 and list(leaves) == ["\u00b5"]  # the name as it was given
    assert leaves["\u00b5"].label == "\u00b5"
    root, leaves = parse_expression("\u03bc*2", {"\u00b5": 3.0})
    assert root.data == 6.0
    root, leaves = parse_expression("\ufb01 + 1", {"fi": 1.0})  # the ligature U+FB01 is fi
    assert root.data == 2.0 and list(leaves) == ["fi"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"\u00b5": 1.0, "\u03bc": 2.0}, "'µ' (U+00B5) and 'μ' (U+03BC) are the same name"),
        ({"\u00b5": 1.0, "\uff49\uff46": 2.0}, "'\uff49\uff46' is not a valid"),  # fullwidth if
        ({"\u00b5": 1.0, "\uff54\uff41\uff4e\uff48": 2.0}, "tanh is the name of a function"),
        ({"\u00b5": 1.0, 3: 2.0}, "a name must be a str, got int: 3"),
    ],
)
def test_parse_expression_refuses_names_that_collide_once_normalized(values, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_expression("\u00b5 * 2", values)
