"""Reading a formula such as "tanh(x*w + b)" into a graph of Values, safely.

`parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88})` gives the graph's root
and its leaves by name, ready for `backward()` and drawing: what `micrograd draw` does.

The text is never run as Python. It is parsed with the `ast` module, then checked against a
short list of what a formula may hold: numbers, the names given, `+ - * / **`, a sign, and
the engine's functions (tanh, exp, log, sigmoid, relu, softplus, abs). Anything else, such
as attribute access (`x.__class__`), an unknown function (`open('f')`), indexing, strings,
comparisons or lambdas, is refused by that check before anything is computed. Only then is
the graph built, by calling `Value`'s ops on the parsed tree.

Error messages quote the formula through `micrograd.messages`: one line, control codes
escaped, cut to a readable length, however long or strange the text.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import operator
import sys
import tokenize
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, cast

from .engine import Value
from .messages import LIMIT, short_repr, shorten

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "log": Value.log,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "softplus": Value.softplus,
    "abs": Value.__abs__,
}
OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
ALLOWED = "numbers, the names given, + - * / **, a sign (-x), and the functions " + ", ".join(
    FUNCTIONS
)

# How error messages name what they refuse. Other syntax goes by its class name in `ast`.
REFUSED_OPERATORS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "// (for division write /)",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^ (for a power write **)",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
REFUSED_SYNTAX: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "a lambda",
    ast.Compare: "a comparison",
    ast.IfExp: "an if-else expression",
    ast.BoolOp: "and/or",
    ast.NamedExpr: "an assignment (:=)",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.Starred: "unpacking with *",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}

SHOWN_NAMES = 5  # how many missing or unused names a message lists
# Python's parser nests a chain of n operators (x + x + ... + x) n levels deep, and stops at
# about 3,000 levels, fewer when called from deep in a program: a formula may have 2,000
# operators in a row, between one pair of brackets (any number in all: brackets nest them).
MAX_OPERATORS_IN_A_ROW = 2_000
BINARY_OPERATORS = {"+", "-", "*", "/", "**", "//", "%", "@", "<<", ">>", "|", "^", "&"}

# What each part of a formula becomes: a Value if it depends on a name, else a plain float.
Number = Value | float


class ExpressionError(ValueError):
    """The text is not a formula that can be built; the message says what was refused."""


def parse_expression(text: str, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of the formula `text`, whose names take the numbers in `values`.

    Returns the root and the leaves by name, each a `Value` labelled with its name. Every
    name in `values` must appear in `text` and every name in `text` must be in `values`.
    Names match as Python reads them, in their NFKC form: "µ" (micro sign) in `values`
    is the "μ" (Greek mu) that Python reads in the text.
    Parts without names (`2 * 3`) are computed to one number first, so a constant
    exponent stays a number: `x ** 2` works for a negative `x`.

    >>> root, leaves = parse_expression("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.5})
    >>> root.backward()
    >>> round(root.data, 4), round(leaves["x"].grad, 4), round(leaves["w"].grad, 4)
    (0.4621, -2.3593, 1.5729)
    >>> parse_expression("x.__class__", {"x": 1.0})
    Traceback (most recent call last):
        ...
    micrograd.expression.ExpressionError: attribute access is not allowed: x.__class__
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_expression needs the formula as a str, got {type(text).__name__}")
    text = text.strip()  # Python reads a leading space as an indent
    given = _normalized_names(values)
    tree = _parse(text)
    used = _check(tree, text, set(given))
    _check_names(used, given)
    leaves = {name: Value(values[name], label=name) for name in values}
    result = _build(tree.body, {normal: leaves[name] for normal, name in given.items()})
    root = result if isinstance(result, Value) else Value(result)
    return root, leaves


def _parse(text: str) -> ast.Expression:
    if not text:
        raise ExpressionError("the formula is empty; write one such as tanh(x*w + b)")
    in_a_row = _operators_in_a_row(text)
    if in_a_row > MAX_OPERATORS_IN_A_ROW:
        raise ExpressionError(
            f"the formula is too long to read: {in_a_row:,} operators (+ - * / ...) in a row, "
            f"more than {MAX_OPERATORS_IN_A_ROW:,}; group terms in brackets, as in "
            "(a + b) + (c + d)"
        )
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as error:
        if "integer string conversion" in error.msg:  # Python's limit of 4,300 digits
            raise ExpressionError(
                "the formula holds a number of thousands of digits, too large for a float"
            ) from None
        hint = "; a formula has no =: give the values after it, as in x=2" if "=" in text else ""
        raise ExpressionError(
            f"{shorten(text, 40, quoted=True)} is not a formula Python can read: "
            f"{shorten(error.msg)}{hint}"
        ) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the formula is nested too deeply to read") from None


def _operators_in_a_row(text: str) -> int:
    """The most binary operators between one pair of brackets (or outside all of them),
    counted on the formula's tokens without parsing it. An operator is binary where it
    follows an operand: `x - -y` has one."""
    counts = [0]  # one per open bracket, and one for the top level
    most = 0
    follows_operand = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if token.string in ("(", "[", "{"):
                counts.append(0)
            elif token.string in (")", "]", "}") and len(counts) > 1:
                most = max(most, counts.pop())
            elif token.type == tokenize.OP and token.string in BINARY_OPERATORS:
                counts[-1] += follows_operand
            follows_operand = token.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING) or (
                token.string in (")", "]", "}")
            )
    except (tokenize.TokenError, SyntaxError):  # unfinished text: ast.parse says what is wrong
        pass
    return max(most, *counts)


def _check(tree: ast.Expression, text: str, given: set[str]) -> set[str]:
    """Refuse anything outside the short list of allowed syntax; return the names used.

    This is the safety check: it looks at every node of the parsed tree and computes
    nothing, so no part of a refused formula ever runs.
    """
    called: set[ast.AST] = set()  # the Name nodes that name the function in a call
    used: set[str] = set()
    for node in ast.walk(tree.body):
        if isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
            continue  # checked with the node they belong to
        if isinstance(node, ast.BinOp):
            if type(node.op) not in OPERATORS:
                raise _refused_operator(node.op, text, node)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refused_operator(node.op, text, node)
        elif isinstance(node, ast.Call):
            _check_call(node, text)
            called.add(node.func)
        elif isinstance(node, ast.Name):
            if node in called:
                continue
            if node.id in FUNCTIONS and node.id not in given:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
            used.add(node.id)
        elif isinstance(node, ast.Constant):
            _check_number(node, text)
        else:
            raise _refused(node, text)
    return used


def _check_call(node: ast.Call, text: str) -> None:
    if isinstance(node.func, (ast.Attribute, ast.Lambda)):
        raise _refused(node.func, text)
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(
            f"calling {_source(text, node.func)} is not allowed; the functions are "
            + ", ".join(FUNCTIONS)
        )
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExpressionError(
            f"unknown function {shorten(name)}: {_source(text, node)}; the functions are "
            + ", ".join(FUNCTIONS)
        )
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(
            f"{name} takes one argument, as in {name}(x), got {_source(text, node)}"
        )


def _check_number(node: ast.Constant, text: str) -> None:
    number = node.value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise ExpressionError(f"{_source(text, node)} is not a number")
    if (isinstance(number, int) and abs(number) > sys.float_info.max) or math.isinf(number):
        raise ExpressionError(f"the number {_source(text, node, 20)} is too large for a float")


def _refused(node: ast.AST, text: str) -> ExpressionError:
    what = REFUSED_SYNTAX.get(type(node), type(node).__name__)
    return ExpressionError(f"{what} is not allowed: {_source(text, node)}")


def _refused_operator(op: ast.AST, text: str, node: ast.AST) -> ExpressionError:
    symbol = REFUSED_OPERATORS.get(type(op), type(op).__name__)
    return ExpressionError(
        f"the operator {symbol} is not allowed: {_source(text, node)}; a formula may use " + ALLOWED
    )


def _normalized_names(values: Mapping[str, float]) -> dict[str, str]:
    """Each given name as Python reads it in a formula (NFKC), mapped to the name as given.

    Python's parser turns every name into its NFKC form, so the "µ" (micro sign) typed in
    a formula reaches us as "μ" (Greek mu): the given names must be read the same way.
    """
    given: dict[str, str] = {}
    for name in values:
        if not isinstance(name, str):
            raise ExpressionError(
                f"a name must be a str, got {type(name).__name__}: {short_repr(name)}"
            )
        normal = unicodedata.normalize("NFKC", name)
        if not normal.isidentifier() or keyword.iskeyword(normal):
            raise ExpressionError(
                f"{short_repr(name)} is not a valid name: use letters, digits and _"
            )
        if normal in FUNCTIONS:
            raise ExpressionError(
                f"{normal} is the name of a function; give the value another name"
            )
        if normal in given:
            first = given[normal]
            raise ExpressionError(
                f"{_spelled(first)} and {_spelled(name)} are the same name as Python reads it "
                f"({shorten(normal)}, its NFKC form): give a value to only one of them"
            )
        given[normal] = name
    return given


def _spelled(name: str) -> str:
    """A name and its code points, to tell apart look-alikes such as µ and μ."""
    points = " ".join(f"U+{ord(c):04X}" for c in name[:SHOWN_NAMES])
    return f"{short_repr(name)} ({points}{' ...' if len(name) > SHOWN_NAMES else ''})"


def _check_names(used: set[str], given: dict[str, str]) -> None:
    """Every name used has a value, and every value is used; `given` is as
    `_normalized_names` returns it."""
    missing = sorted(used - set(given))
    if missing:
        raise ExpressionError(
            f"the formula uses {_names(missing)} but no value was given: add "
            + " ".join(f"{shorten(name)}=<number>" for name in missing[:SHOWN_NAMES])
        )
    unused = sorted(given[normal] for normal in set(given) - used)
    if len(unused) == 1:
        raise ExpressionError(
            f"{shorten(unused[0])} was given a value, but the formula does not use it: "
            "remove it or use it in the formula"
        )
    if unused:
        raise ExpressionError(
            f"{_names(unused)} were given values, but the formula does not use them: "
            "remove them or use them in the formula"
        )


def _names(names: list[str]) -> str:
    """The first few names, each shortened: a message stays one readable line."""
    more = len(names) - SHOWN_NAMES
    return ", ".join(map(shorten, names[:SHOWN_NAMES])) + (
        f" and {more:,} more" if more > 0 else ""
    )


def _build(body: ast.expr, leaves: dict[str, Value]) -> Number:
    """Compute the checked tree with Value's ops, each node after its operands.

    An explicit stack rather than recursion, so that any formula Python can parse can be
    built. An op on constants alone still goes through a Value, so that it fails with
    the engine's clear error messages (`log is defined for positive numbers, got -1.0`).
    """
    done: dict[ast.expr, Number] = {}
    stack: list[tuple[ast.expr, bool]] = [(body, False)]
    while stack:
        node, operands_done = stack.pop()
        operands = _operands(node)
        if operands and not operands_done:
            stack.append((node, True))
            stack.extend((operand, False) for operand in reversed(operands))
        else:
            done[node] = _compute(node, [done[operand] for operand in operands], leaves)
    return done[body]


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _compute(node: ast.expr, operands: list[Number], leaves: dict[str, Value]) -> Number:
    """One node of a checked tree, from its operands' results."""
    result: Number
    if isinstance(node, ast.Name):
        result = leaves[node.id]
    elif isinstance(node, ast.Constant):
        result = float(cast(float, node.value))  # an int or a float, as _check made sure
    elif isinstance(node, ast.UnaryOp):
        result = -operands[0] if isinstance(node.op, ast.USub) else operands[0]
    elif isinstance(node, ast.BinOp):
        left, right = operands
        op = OPERATORS[type(node.op)]
        # Constants alone: a Value does the op for its errors, and the result stays a
        # number, so that `x ** (1/2)` keeps a number exponent.
        if isinstance(left, float) and isinstance(right, float):
            result = op(Value(left), right).data
        else:
            result = op(left, right)
    else:  # a call of one of FUNCTIONS, as _check made sure
        function = FUNCTIONS[node.func.id]  # type: ignore[attr-defined]
        (argument,) = operands
        if isinstance(argument, float):
            result = function(Value(argument)).data
        else:
            result = function(argument)
    return result


def _source(text: str, node: ast.AST, limit: int = LIMIT) -> str:
    """The part of the formula that `node` was read from, fit for a one-line message."""
    return shorten(ast.get_source_segment(text, node) or type(node).__name__, limit)
