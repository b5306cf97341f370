"""Optimizers: how to step each weight once backward() has filled in its grad.

Plain gradient descent moves every weight a little against its gradient,
`w -= lr * w.grad`. Momentum and Adam remember earlier gradients so that steps
build up along directions that keep pointing the same way.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

from .engine import Value
from .messages import short_repr

LearningRate = float | Callable[[int], float]


class Optimizer:
    """Holds the parameters and the learning rate, a number or a function of the step."""

    def __init__(self, params: Iterable[Value], lr: LearningRate) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got no parameters: pass model.parameters()")
        name = type(self).__name__
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name} optimizes Values, but parameter {i} is {type(p).__name__}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{name} got the same parameter twice: it would step it twice")
        # A number is kept as a float: numpy's float32 would make every weight a float32.
        self.lr = lr if callable(lr) else _check_rate(lr)
        self.steps = 0  # how many step() calls so far: the argument of a schedule

    def learning_rate(self) -> float:
        """The rate for the coming step."""
        return _check_rate(self.lr(self.steps)) if callable(self.lr) else self.lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        self._update(self.learning_rate())
        self.steps += 1

    def _update(self, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent: v = momentum * v + (grad + weight_decay * w); w -= lr * v.

    With momentum 0 this is w -= lr * grad. The same update as PyTorch's SGD.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check_fraction(momentum, "momentum")
        self.weight_decay = _check_nonnegative(weight_decay, "weight_decay")
        self.velocity = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        for i, p in enumerate(self.params):
            grad = p.grad + self.weight_decay * p.data
            if self.momentum:
                grad = self.velocity[i] = self.momentum * self.velocity[i] + grad
            p.data -= lr * grad


class Adam(Optimizer):
    """Adam: steps by a running mean of grads over the root of a running mean of their
    squares, so every weight moves at a similar pace whatever its grad's scale.
    The same update as PyTorch's Adam (weight decay added to the grad)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair such as (0.9, 0.999), got {short_repr(betas)}")
        self.beta1 = _check_fraction(betas[0], "betas[0]")
        self.beta2 = _check_fraction(betas[1], "betas[1]")
        self.eps = _check_nonnegative(eps, "eps")
        if self.eps == 0.0:
            raise ValueError("eps must be > 0: it keeps a zero grad from dividing by zero")
        self.weight_decay = _check_nonnegative(weight_decay, "weight_decay")
        self.mean = [0.0] * len(self.params)
        self.mean_square = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        t = self.steps + 1
        # Both means start at 0, so early on they are too small: divide the bias out.
        correction1 = 1.0 - self.beta1**t
        correction2 = 1.0 - self.beta2**t
        for i, p in enumerate(self.params):
            grad = p.grad + self.weight_decay * p.data
            self.mean[i] = self.beta1 * self.mean[i] + (1.0 - self.beta1) * grad
            self.mean_square[i] = (
                self.beta2 * self.mean_square[i] + (1.0 - self.beta2) * grad * grad
            )
            step = (self.mean[i] / correction1) / (
                math.sqrt(self.mean_square[i] / correction2) + self.eps
            )
            p.data -= lr * step


def _check_rate(lr: object) -> float:
    return _check_nonnegative(lr, "the learning rate")


def _check_fraction(x: object, name: str) -> float:
    number = _real(x)
    if number is None or not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {short_repr(x)}")
    return number


def _check_nonnegative(x: object, name: str) -> float:
    number = _real(x)
    if number is None or not 0.0 <= number < math.inf:
        raise ValueError(f"{name} must be a finite number >= 0, got {short_repr(x)}")
    return number


def _real(x: object) -> float | None:
    """`x` as a float, if it is a real number that a float holds, else None. Any real
    number, numpy's and Fraction too, as Value() takes; a bool here is a mistake."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    try:
        return float(x)
    except OverflowError:  # an int such as 10**400
        return None
