"""Training for the demos and `micrograd train`: the loop every network learns by, with a
progress bar and a record of loss and accuracy at every step.

Each step is the loop from the lecture: a forward pass over all the points, a loss that
says how wrong the outputs are, backward() for every weight's grad by the chain rule, and
a gradient-descent step. The progress bar needs tqdm (`pip install 'micrograd[demos]'`);
the library itself never imports this module.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import data
from .engine import Value, no_grad
from .losses import binary_cross_entropy, cross_entropy, l2, max_margin
from .nn import MLP
from .optim import Optimizer
from .replay import Recorder

NEEDS_DEMOS = "plotting needs matplotlib and tqdm: pip install 'micrograd[demos]'"

# The losses `train` knows, and what plots call them.
LOSSES = {
    "max-margin": "max-margin loss",
    "log-loss": "log loss",
    "cross-entropy": "cross-entropy loss",
}
Output = Value | list[Value]  # what an MLP gives for one point: one score, or one per class


class MissingExtraError(RuntimeError):
    """matplotlib or tqdm is not installed; the message says how to install them."""


def require_demos_extra() -> None:
    """Raise MissingExtraError, which says what to install, if matplotlib or tqdm is missing."""
    for name in ("matplotlib", "tqdm"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            raise MissingExtraError(NEEDS_DEMOS) from None


@dataclass
class History:
    """What training recorded: loss (without the L2 penalty) and accuracy of the weights
    before every step and after the last one (n steps, n + 1 entries, the last the trained
    model's), and, when there is test data, the same on it every few steps."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    test_steps: list[int] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)

    def summary(self) -> str:
        text = f"training accuracy {self.accuracy[-1]:.0%}"
        if self.test_accuracy:
            text += f", test loss {self.test_loss[-1]:.3f}, accuracy {self.test_accuracy[-1]:.0%}"
        return text


def load_dataset(
    name: str, points: int, noise: float | None, seed: int
) -> tuple[list[list[float]], list[int]]:
    """A dataset of micrograd.data by name; noise None keeps the dataset's own default."""
    make = data.DATASETS[name]
    if noise is None:
        return make(points, seed=seed)
    # blobs calls its noise the spread of each cluster
    return make(points, seed=seed, **{"spread" if name == "blobs" else "noise": noise})


def make_model(hidden: Sequence[int], classes: int, activation: str, seed: int) -> MLP:
    """An MLP for 2-D points: one output (a score) for two classes, else one per class."""
    return MLP(2, [*hidden, 1 if classes == 2 else classes], activation=activation, seed=seed)


def falling_rate(lr: float, steps: int) -> Callable[[int], float]:
    """A learning rate that falls in a straight line from `lr` to lr/10, as in
    micrograd 0.1.0's moons demo: big steps first, careful ones at the end."""
    return lambda step: lr * (1.0 - 0.9 * step / steps)


def train(
    model: MLP,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    optimizer: Optimizer,
    *,
    steps: int,
    loss: str,
    alpha: float = 0.0,
    test: tuple[Sequence[Sequence[float]], Sequence[int]] | None = None,
    name: str = "training",
    recorder: Recorder | None = None,
) -> History:
    """Train `model` on all of X at every step, with a progress bar; return the History.

    Each step is the loop from the lecture: forward pass, loss (with an L2 penalty of
    `alpha` times the sum of squared weights), backward(), and an optimizer step. After the
    last step the trained model's own loss and accuracy are measured too. `recorder`, if
    given, records the weights at each of those states (see micrograd.replay).
    """
    history = History()
    parameters = model.parameters()
    test_every = max(1, steps // 100)  # about 100 points on the test curve, whatever steps
    with _progress_bar(steps, name) as bar:
        for step in bar:
            outputs = [model(x) for x in X]  # forward pass: the graph of every output
            fit = data_loss(outputs, y, loss)
            history.loss.append(fit.data)
            history.accuracy.append(accuracy(outputs, y))
            if recorder is not None:  # these weights, before the step changes them
                recorder.record(fit.data, history.accuracy[-1])
            total = fit + l2(parameters, alpha) if alpha else fit
            optimizer.zero_grad()  # grads add up, so clear the last step's first
            total.backward()  # the chain rule fills in every weight's grad
            optimizer.step()  # gradient descent: each weight a little against its grad
            if test is not None and (step % test_every == 0 or step == steps - 1):
                test_loss, test_accuracy = evaluate(model, *test, loss)
                history.test_steps.append(step + 1)  # measured after the step: state step + 1
                history.test_loss.append(test_loss)
                history.test_accuracy.append(test_accuracy)
            bar.set_postfix_str(f"loss {fit.data:.3f}, accuracy {history.accuracy[-1]:.0%}")
    # The trained model is the weights after the last step: measure them too, so that the
    # last figure printed, plotted and replayed is the model's that is kept.
    final_loss, final_accuracy = evaluate(model, X, y, loss)
    history.loss.append(final_loss)
    history.accuracy.append(final_accuracy)
    if recorder is not None:
        recorder.record(final_loss, final_accuracy)
    return history


def data_loss(outputs: Sequence[Output], labels: Sequence[int], loss: str) -> Value:
    """How wrong the outputs are, by one of LOSSES, for labels 0, 1, ..."""
    if loss == "cross-entropy":
        return cross_entropy([_scores(output) for output in outputs], list(labels))
    scores = [_score(output) for output in outputs]
    if loss == "log-loss":
        return binary_cross_entropy(scores, list(labels))
    if loss == "max-margin":
        return max_margin(scores, data.signs(labels))
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def evaluate(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[int], loss: str
) -> tuple[float, float]:
    """Loss and accuracy on data the model does not learn from; no graph is recorded."""
    with no_grad():
        outputs = [model(x) for x in X]
        return data_loss(outputs, y, loss).data, accuracy(outputs, y)


def accuracy(outputs: Sequence[Output], labels: Sequence[int]) -> float:
    right = sum(predicted_class(output) == label for output, label in zip(outputs, labels))
    return right / len(labels)


def predicted_class(output: Output) -> int:
    """A positive score means class 1; with one score per class, the highest wins."""
    if isinstance(output, Value):
        return int(output.data > 0)
    return max(range(len(output)), key=lambda k: output[k].data)


def _score(output: Output) -> Value:
    if isinstance(output, Value):
        return output
    raise ValueError(f"this loss needs one output per point, got {len(output)}")


def _scores(output: Output) -> list[Value]:
    return [output] if isinstance(output, Value) else output


@contextmanager
def _progress_bar(steps: int, name: str) -> Iterator[Any]:
    require_demos_extra()
    from tqdm import tqdm  # type: ignore[import-untyped]

    with tqdm(range(steps), desc=name, unit="step", file=sys.stderr) as bar:
        yield bar
