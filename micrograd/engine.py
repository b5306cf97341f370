"""The autograd engine: `Value`, a scalar that remembers how it was made.

Every op computes its result *and* the local derivative of that result with respect to
each input (its `local_grads`), and stores both with the inputs (its `children`).
`backward()` then needs only one rule, the chain rule, written once:

    child.grad += local_grad * node.grad

applied to every edge, visiting each node after every node that uses it. What this
teaches: a derivative of a big expression is a sum over paths of products of small
local derivatives, and an engine only has to record those small ones.
"""

from __future__ import annotations

import gc
import math
import numbers
import operator
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from .viz_render import Drawing

Number = int | float
Operand = Union["Value", int, float]

# Whether ops record the graph. A module global (not thread-local) keeps op
# construction fast; `no_grad()` is the only thing that changes it.
_recording = True


@contextmanager
def no_grad() -> Iterator[None]:
    """Compute values without recording a graph, e.g. to evaluate or plot a model.

    Values made inside have no children, so they cost less memory and time and
    `backward()` stops at them.

    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y._children
    (9.0, ())
    """
    global _recording
    previous = _recording
    _recording = False
    try:
        yield
    finally:
        _recording = previous


def is_recording() -> bool:
    """True unless inside `no_grad()`."""
    return _recording


def _as_float(data: object, what: str = "Value") -> float:
    """Convert a real number to float; anything else is a TypeError naming its type."""
    if type(data) is float:
        return data
    # bool is an int, and numpy's numbers register as numbers.Real, all but its bool.
    if isinstance(data, numbers.Real) or type(data).__name__ in ("bool", "bool_"):
        try:
            return float(data)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{what} got {data!r}, too large for a float") from None
    raise TypeError(
        f"{what} needs a real number (int, float, bool), got {type(data).__name__}: {data!r}"
    )


def _stable_sigmoid(x: float) -> float:
    # exp of a large positive number overflows, so only ever exponentiate -|x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Value:
    """A scalar in a computation graph: its `data`, its `grad`, and how it was made.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    """

    # Slots: less memory per node, and a typo such as `v.gard = 1` fails loudly.
    __slots__ = ("data", "grad", "label", "_children", "_local_grads", "_op")

    data: float
    grad: float
    label: str
    _children: tuple[Value, ...]
    _local_grads: tuple[float, ...]
    _op: str

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _as_float(data)
        self.grad = 0.0
        if type(label) is not str:
            raise TypeError(
                f"label must be a str, got {type(label).__name__}: {label!r}. "
                "Call Value(data, label='x'); ops record their inputs themselves."
            )
        self.label = label
        self._children = ()
        self._local_grads = ()
        self._op = ""

    # ----------------------------------------------------------------- basics

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # Comparisons look at data only. == and hash stay by identity (the defaults),
    # because graphs keep values in sets and dicts.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data_of(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data_of(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data_of(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data_of(other, ">=")

    # ------------------------------------------------------- primitive ops
    # Each op: compute the result, compute d(result)/d(child) for each child,
    # return a new Value holding both. Nothing else; backward() does the rest.

    def __add__(self, other: Operand) -> Value:
        """x + y; d/dx = 1, d/dy = 1"""
        if type(other) is not Value:
            other = _as_value(other, "the other operand of +")
        return _result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __sub__(self, other: Operand) -> Value:
        """x - y; d/dx = 1, d/dy = -1"""
        if type(other) is not Value:
            other = _as_value(other, "the other operand of -")
        return _result(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __mul__(self, other: Operand) -> Value:
        """x * y; d/dx = y, d/dy = x"""
        if type(other) is not Value:
            other = _as_value(other, "the other operand of *")
        return _result(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __truediv__(self, other: Operand) -> Value:
        """x / y; d/dx = 1/y, d/dy = -x/y**2"""
        if type(other) is not Value:
            other = _as_value(other, "the other operand of /")
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / {other.data!r}")
        out = self.data / other.data
        return _result(out, (self, other), (1.0 / other.data, -out / other.data), "/")

    def __pow__(self, other: Operand) -> Value:
        """x ** y; d/dx = y * x**(y-1), d/dy = x**y * ln(x) (only when y is a Value)"""
        x = self.data
        y = _data_of(other, "**")
        if x < 0 and isinstance(other, Value):
            raise ValueError(
                f"** with a Value exponent needs a base >= 0, got {x!r} ** {y!r}: the "
                "exponent's gradient x**y * ln(x) is not real for a negative base."
            )
        if x < 0 and not y.is_integer():
            raise ValueError(
                f"** of a negative base needs a whole-number exponent, got {x!r} ** {y!r}: "
                "the result would be complex. Use abs() on the base, or a whole exponent."
            )
        if x == 0 and y < 0:
            raise ZeroDivisionError(f"0 ** negative is undefined, got {x!r} ** {y!r}")
        try:
            out = x**y
        except OverflowError:
            raise OverflowError(
                f"** overflows a float: {x!r} ** {y!r}; scale the inputs down"
            ) from None
        # y * x**(y-1), written with out so that it saturates to inf instead of raising.
        dx = y * out / x if x != 0 else _power_slope_at_zero(y)
        if not isinstance(other, Value):
            return _result(out, (self,), (dx,), f"**{y:g}")
        if x == 0:
            # d/dy of 0**y is 0 for y > 0 (the result stays 0); at y == 0 it is -inf.
            dy = 0.0 if y > 0 else -math.inf
        else:
            dy = out * math.log(x)
        return _result(out, (self, other), (dx, dy), "**")

    def __neg__(self) -> Value:
        """-x; d/dx = -1"""
        return _result(-self.data, (self,), (-1.0,), "neg")

    def __abs__(self) -> Value:
        """|x|; d/dx = sign(x), taken as 0 at x = 0 (as in PyTorch)"""
        x = self.data
        sign = 1.0 if x > 0 else -1.0 if x < 0 else 0.0
        return _result(abs(x), (self,), (sign,), "abs")

    def exp(self) -> Value:
        """e**x; d/dx = e**x"""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp overflows a float for inputs above 709.78, got {self.data!r}"
            ) from None
        return _result(out, (self,), (out,), "exp")

    def log(self) -> Value:
        """ln(x); d/dx = 1/x"""
        x = self.data
        if not x > 0:
            raise ValueError(f"log is defined for positive numbers, got {x!r}")
        return _result(math.log(x), (self,), (1.0 / x,), "log")

    def tanh(self) -> Value:
        """tanh(x); d/dx = 1 - tanh(x)**2"""
        t = math.tanh(self.data)  # math.tanh saturates to +-1.0 and never overflows
        return _result(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        """sigmoid(x) = 1 / (1 + e**-x); d/dx = s * (1 - s)"""
        s = _stable_sigmoid(self.data)
        return _result(s, (self,), (s * (1.0 - s),), "sigmoid")

    def softplus(self) -> Value:
        """ln(1 + e**x); d/dx = sigmoid(x)"""
        x = self.data
        # ln(1 + e**x) = max(x, 0) + ln(1 + e**-|x|): the exponent is never positive.
        out = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        return _result(out, (self,), (_stable_sigmoid(x),), "softplus")

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 if x > 0 else 0"""
        x = self.data
        if x <= 0:
            return _result(0.0, (self,), (0.0,), "relu")
        return _result(x, (self,), (1.0,), "relu")  # x > 0, or nan: kept, as PyTorch does

    @staticmethod
    def sum(terms: Iterable[Operand]) -> Value:
        """x1 + x2 + ... + xn as one node; d/dxi = 1

        One node instead of a chain n deep: a loss over 1,000 samples stays shallow.
        """
        children, data = _values_and_data(terms, "Value.sum")
        return _result(sum(data, 0.0), children, (1.0,) * len(children), "sum")

    @staticmethod
    def dot(
        weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None
    ) -> Value:
        """w1*x1 + ... + wn*xn (+ b) as one node; d/dwi = xi, d/dxi = wi, d/db = 1

        A neuron's weighted sum in one node, instead of 2n nodes.
        """
        ws, w_data = _values_and_data(weights, "Value.dot")
        xs, x_data = _values_and_data(inputs, "Value.dot")
        if len(ws) != len(xs):
            raise ValueError(
                f"Value.dot needs as many weights as inputs, got {len(ws)} and {len(xs)}"
            )
        if bias is None:
            total = sum(map(operator.mul, w_data, x_data), 0.0)
            return _result(total, ws + xs, (*x_data, *w_data), "dot")
        b = bias if type(bias) is Value else _as_value(bias, "the bias of Value.dot")
        # Added in order starting from the bias, as micrograd 0.1.0's neuron does.
        total = sum(map(operator.mul, w_data, x_data), b.data)
        return _result(total, (*ws, *xs, b), (*x_data, *w_data, 1.0), "dot")

    @staticmethod
    def logsumexp(terms: Iterable[Operand]) -> Value:
        """ln(e**x1 + ... + e**xn) as one node; d/dxi = softmax(x)i = e**xi / sum_j e**xj

        Subtracting the largest xi first keeps every exponent <= 0, so it never overflows.
        """
        children, data = _values_and_data(terms, "Value.logsumexp")
        if not children:
            raise ValueError("Value.logsumexp needs at least one term, got none")
        largest = max(data)
        if math.isinf(largest):  # x - largest would be inf - inf: the largest terms decide
            ties = [1.0 if x == largest else 0.0 for x in data]
            return _result(largest, children, tuple(t / sum(ties) for t in ties), "logsumexp")
        exps = [math.exp(x - largest) for x in data]
        total = math.fsum(exps)
        softmax = tuple(e / total for e in exps)
        return _result(largest + math.log(total), children, softmax, "logsumexp")

    # --------------------------------------------------------- derived ops
    # Built from the primitives above, so they need no derivative of their own.

    def __radd__(self, other: Operand) -> Value:  # 2 + x is x's left operand turned around
        return _as_value(other, "the other operand of +") + self

    def __rsub__(self, other: Operand) -> Value:
        return _as_value(other, "the other operand of -") - self

    def __rmul__(self, other: Operand) -> Value:
        return _as_value(other, "the other operand of *") * self

    def __rtruediv__(self, other: Operand) -> Value:
        return _as_value(other, "the other operand of /") / self

    def __rpow__(self, other: Operand) -> Value:  # 2 ** x: a Value exponent
        return _as_value(other, "the other operand of **") ** self

    # -------------------------------------------------------------- backward

    def backward(self) -> None:
        """Add d(self)/d(v) to `v.grad` for every value v in this graph.

        Grads accumulate, as in PyTorch: call `zero_grad()` between passes unless
        you mean to add them up. Each pass adds exactly one d(self)/d(v), so two
        passes give exactly twice the grads of one, on every value.
        """
        order, inner_nodes = _walk(self)
        if self.grad != 0.0:
            warnings.warn(
                f"backward() on {self!r}, which already has a grad from an earlier "
                "backward(): this pass adds its grads to the ones already there. Call "
                "zero_grad() on it first if you want fresh grads.",
                stacklevel=2,
            )
        # This pass must propagate only its own contributions, not grads left over from
        # an earlier pass, or every extra pass would multiply them (micrograd 0.1.0's bug).
        leftovers = any(map(_grad_of, order))
        if leftovers:
            earlier = [node.grad for node in order]
            for node in order:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(inner_nodes):  # leaves have no children to pass a grad to
            grad = node.grad
            if grad == 0.0:  # nothing flows back from here (a dead ReLU, say)
                continue
            for child, local_grad in zip(node._children, node._local_grads):
                child.grad += local_grad * grad  # += : a value can feed several ops
        if leftovers:
            for node, grad in zip(order, earlier):
                node.grad += grad

    def zero_grad(self) -> None:
        """Set the grad of every value in this graph to 0."""
        for node in _topological_order(self):
            node.grad = 0.0

    # ------------------------------------------------------------- seeing it
    # Imported when called, not at the top: viz reads the engine, never the other way.

    def draw(self, **options: Any) -> Drawing:
        """A picture of this value's graph: `micrograd.viz.draw_dot(self, **options)`."""
        from .viz import draw_dot

        return draw_dot(self, **options)

    def tree(self, depth: int | None = None) -> str:
        """This value's graph as indented text: `micrograd.viz.tree(self, depth)`."""
        from .viz_text import tree

        return tree(self, depth)


# A C-level getter: backward() applies it to every node.
_grad_of = operator.attrgetter("grad")


def _result(
    data: float, children: tuple[Value, ...], local_grads: tuple[float, ...], op: str
) -> Value:
    """The Value an op returns: its data, and (unless in no_grad) its children with the
    local grad of each. Ops pass a float, so this skips the checks that Value() makes."""
    out = object.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _recording:
        out._children = children
        out._local_grads = local_grads
        out._op = op
    else:  # under no_grad(): a result with no history, like a leaf
        out._children = ()
        out._local_grads = ()
        out._op = ""
    return out


def _topological_order(root: Value) -> list[Value]:
    """Every value in root's graph, each one after all of its children."""
    return _walk(root)[0]


def _walk(root: Value) -> tuple[list[Value], list[Value]]:
    """Every value in root's graph, each one after all of its children; and, in the same
    order, just the ones that are not leaves, which are all that backward() visits.

    A depth-first walk with an explicit stack instead of recursion, so a graph of any
    depth works: `path` holds the nodes being expanded and `pending` an iterator over
    each one's remaining children. (Two flat lists, not a list of pairs: fewer objects
    for the garbage collector to chase on a deep graph.)
    """
    # The walk makes an iterator per node but no reference cycles, so the cyclic garbage
    # collector, which these allocations would set off again and again to scan the whole
    # graph, could find nothing: pause it for the walk.
    collecting = gc.isenabled()
    gc.disable()
    try:
        order: list[Value] = []
        inner_nodes: list[Value] = []
        visited = {root}
        path = [root]
        pending = [iter(root._children)]
        while path:
            for child in pending[-1]:
                if child not in visited:
                    visited.add(child)
                    if child._children:
                        path.append(child)
                        pending.append(iter(child._children))
                        break
                    order.append(child)  # a leaf: nothing to wait for
            else:  # every child is done, so the node is too
                pending.pop()
                node = path.pop()
                order.append(node)
                inner_nodes.append(node)
        return order, inner_nodes
    finally:
        if collecting:
            gc.enable()


def _power_slope_at_zero(y: float) -> float:
    """d/dx of x**y at x = 0: 0 for y == 0 or y > 1, 1 for y == 1, +inf for 0 < y < 1."""
    if y == 0 or y > 1:
        return 0.0
    if y == 1:
        return 1.0
    return math.inf


def _as_value(other: object, what: str) -> Value:
    if isinstance(other, Value):
        return other
    return Value(_as_float(other, what))


def _values_and_data(items: Iterable[Operand], op: str) -> tuple[tuple[Value, ...], list[float]]:
    """The items as Values (numbers wrapped), and their data: the n-ary ops' inputs."""
    if isinstance(items, (Value, str)) or not isinstance(items, Iterable):
        raise TypeError(f"{op} takes a list of numbers or Values, got {type(items).__name__}")
    values = tuple(items)
    data = [v.data for v in values if type(v) is Value]
    if len(data) == len(values):  # all Values already: the fast, usual case
        return values, data  # type: ignore[return-value]
    wrapped = tuple(_as_value(item, f"a term of {op}") for item in values)
    return wrapped, [v.data for v in wrapped]


def _data_of(other: object, op: str) -> float:
    if isinstance(other, Value):
        return other.data
    return _as_float(other, f"the other operand of {op}")
