"""Check backward() against numbers: the gradient by central differences.

    df/dx ~ (f(x + h) - f(x - h)) / 2h

needs no calculus at all, only two more forward passes per input, so it is the
ground truth we test every op against, and the tool to use when you write an op
of your own. What it teaches: a gradient is just "how much does the output move
when I nudge this input".
"""

from __future__ import annotations

from collections.abc import Callable

from .engine import Graph, Value, enable_grad, no_grad


class GradcheckError(AssertionError):
    """backward() and central differences disagree on at least one input."""


def numerical_grads(f: Callable[..., Value], *values: Value, eps: float = 1e-6) -> list[float]:
    """d f(*values) / d v for each v, by central differences in float64.

    The step is `eps` scaled by the size of each input, so that large inputs are
    nudged enough to move the output and small ones are not nudged past a kink.
    """
    grads = []
    with no_grad():
        for i, v in enumerate(values):
            original = v.data
            step = eps * max(1.0, abs(original))
            try:
                v.data = original + step
                up = _evaluate(f, values)
                v.data = original - step
                down = _evaluate(f, values)
            except (ArithmeticError, ValueError) as error:
                raise ValueError(
                    f"f failed when gradcheck nudged input {i} from {original!r} to "
                    f"{v.data!r} (step {step:g}): {error}. Check a point further from the "
                    "edge of the domain, or pass a smaller eps."
                ) from error
            finally:
                v.data = original
            grads.append((up - down) / (2.0 * step))
    return grads


def gradcheck(
    f: Callable[..., Value],
    *values: Value,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    eps: float = 1e-6,
) -> bool:
    """Check that backward() through `f(*values)` matches central differences.

    Returns True, or raises GradcheckError naming every input with its analytic
    (backward) and numerical gradient. Every grad and data it touches is left as it
    was. An input passes when |analytic - numerical| <= atol + rtol * |numerical|.

    >>> gradcheck(lambda x, y: x * y + x.tanh(), Value(0.5), Value(-2.0))
    True
    """
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"gradcheck checks Values, but input {i} is {type(v).__name__}")
    with enable_grad():  # inside a caller's no_grad() too: it needs the graph
        out = _evaluate_graph(f, values)
    # Inputs too: one that f does not use is not in the graph, and its grad must read 0.
    touched = [*Graph(out).values, *values]
    saved = [node.grad for node in touched]
    try:
        for node in touched:
            node.grad = 0.0
        out.backward()
        analytic = [v.grad for v in values]
    finally:
        for node, grad in zip(reversed(touched), reversed(saved)):
            node.grad = grad
    numerical = numerical_grads(f, *values, eps=eps)

    rows = []
    failed = 0
    for i, (v, a, n) in enumerate(zip(values, analytic, numerical)):
        ok = abs(a - n) <= atol + rtol * abs(n)
        failed += not ok
        name = f"input {i}" + (f" ({v.label!r})" if v.label else "")
        mark = "ok      " if ok else "MISMATCH"
        rows.append(f"  {mark} {name} at data={v.data!r}: analytic {a!r}, numerical {n!r}")
    if failed:
        header = (
            f"gradcheck failed on {failed} of {len(values)} inputs "
            f"(rtol={rtol}, atol={atol}, eps={eps}):"
        )
        raise GradcheckError("\n".join([header, *rows]))
    return True


def _evaluate_graph(f: Callable[..., Value], values: tuple[Value, ...]) -> Value:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck needs f to return a Value, got {type(out).__name__}")
    return out


def _evaluate(f: Callable[..., Value], values: tuple[Value, ...]) -> float:
    return _evaluate_graph(f, values).data
