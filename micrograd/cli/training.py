"""Training for the demos and `micrograd train`: the loop every network learns by, with a
progress bar and a record of loss and accuracy at every step, and `train_and_plot`, which
is `micrograd train`: train, then draw what came out.

Each step is the loop from the lecture: a forward pass over all the points, a loss that
says how wrong the outputs are, backward() for every weight's grad by the chain rule, and
a gradient-descent step. Every step trains on all the points, so its graph has the same
shape each time: it is built once and re-run (`Graph.forward`), which is several times
faster than building it again and gives the same numbers, bit for bit. The progress bar
needs tqdm (`pip install 'micrograd[demos]'`); the library itself never imports this module.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .. import data
from ..engine import Graph, Value, no_grad
from ..files import check_writable
from ..losses import binary_cross_entropy, cross_entropy, l2, max_margin
from ..messages import shorten_path
from ..nn import MLP, Output
from ..optim import SGD, Optimizer
from ..viz import GraphvizNotFoundError, find_graphviz
from ..viz.plots import (
    architecture,
    draw_one_point,
    output_folder,
    plot_boundaries,
    plot_curves,
    require_demos_extra,
)
from ..viz.replay import Recorder
from .options import CommandError

NO_GRAPHVIZ = (
    "drawing needs the Graphviz program dot (or graphviz-pure), and neither was found: "
    "install one (sudo apt-get install graphviz, brew install graphviz, conda install -c "
    "conda-forge graphviz, or pip install graphviz-pure)"
)

# The losses `train` knows, and what plots call them.
LOSSES = {
    "max-margin": "max-margin loss",
    "log-loss": "log loss (binary cross-entropy)",
    "cross-entropy": "cross-entropy loss",
}


@dataclass
class History:
    """What training recorded: loss (without the L2 penalty) and accuracy before every
    step's update and, as the last entry, of the trained model (so n steps give n + 1
    entries); and, when there is test data, the same on it every few steps."""

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


# A step's graph holds each weight once per point (a neuron's weighted sum is one node with
# its weights and inputs as inputs), some 50 bytes each: this keeps it under about 500 MB.
MAX_GRAPH_SIZE = 10_000_000


def count_weights(hidden: Sequence[int], classes: int) -> int:
    """The weights and biases of `make_model(hidden, classes, ...)`, without building it."""
    sizes = [2, *hidden, 1 if classes == 2 else classes]
    return sum((nin + 1) * nout for nin, nout in pairwise(sizes))


def check_graph_size(
    points: int, hidden: Sequence[int], classes: int, hidden_flag: str = "--hidden"
) -> None:
    """Refuse, before anything is built, to train on a graph too big for memory: one whose
    size, points x weights, is more than MAX_GRAPH_SIZE. The message names the flags."""
    weights = count_weights(hidden, classes)
    if points * weights > MAX_GRAPH_SIZE:
        raise CommandError(
            f"{points:,} points (--points) x {weights:,} weights ({hidden_flag} "
            f"{','.join(map(str, hidden))}) make a training graph of {points * weights:,} "
            f"weight uses, more than the {MAX_GRAPH_SIZE:,} that fit in memory; use fewer "
            f"--points or smaller {hidden_flag} layers"
        )


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
    `alpha` times the sum of squared weights), backward(), and an optimizer step. The
    graph of the forward pass and loss is built once and re-run at every step. `recorder`, if
    given, records the weights before every update and the trained model's (see
    micrograd.viz.replay).
    """
    history = History()
    parameters = model.parameters()
    outputs = [model(x) for x in X]  # the graph of every output...
    fit = data_loss(outputs, y, loss)  # ...and of the loss: built once, re-run every step
    total = fit + l2(parameters, alpha) if alpha else fit
    graph = Graph(total)
    test_every = max(1, steps // 100)  # about 100 points on the test curve, whatever steps
    with _progress_bar(steps, name) as bar:
        for step in bar:
            graph.forward()  # forward pass: the same ops on the weights' new numbers
            optimizer.zero_grad()  # grads add up, so clear the last step's first
            graph.backward()  # the chain rule fills in every weight's grad
            history.loss.append(fit.data)
            history.accuracy.append(accuracy(outputs, y))
            if recorder is not None:  # these weights, before the step changes them
                recorder.record(fit.data, history.accuracy[-1])
            if test is not None and step % test_every == 0:
                _record_test(history, step, model, test, loss)
            optimizer.step()  # gradient descent: each weight a little against its grad
            bar.set_postfix_str(f"loss {fit.data:.3f}, accuracy {history.accuracy[-1]:.0%}")
    # The trained model: the weights after the last update, which are what gets saved.
    graph.forward()
    history.loss.append(fit.data)
    history.accuracy.append(accuracy(outputs, y))
    if recorder is not None:
        recorder.record(fit.data, history.accuracy[-1])
    if test is not None:
        _record_test(history, steps, model, test, loss)
    return history


def _record_test(
    history: History,
    step: int,
    model: MLP,
    test: tuple[Sequence[Sequence[float]], Sequence[int]],
    loss: str,
) -> None:
    test_loss, test_accuracy = evaluate(model, *test, loss)
    history.test_steps.append(step)
    history.test_loss.append(test_loss)
    history.test_accuracy.append(test_accuracy)


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


# ------------------------------------------------------------ micrograd train


def train_and_plot(args: argparse.Namespace) -> list[Path]:
    """What `micrograd train` and demos/train_moons.py do: train, then draw three pictures,
    and the replay page and the GIF if asked for.

    `args` holds the options of `TRAIN_OPTIONS` (micrograd.cli.options), as parsed."""
    X, y = load_dataset(args.data, args.points, args.noise, args.seed)
    classes = max(y) + 1
    check_graph_size(len(X), args.hidden, classes)
    out = output_folder(args.out)
    for path in (args.replay, args.gif):  # before a minute of training, not after
        if path is not None:
            check_writable(path)
    loss = "max-margin" if classes == 2 else "cross-entropy"
    model = make_model(args.hidden, classes, args.activation, args.seed)
    print(
        f"Training {model}\non {len(X)} {args.data} points of {classes} classes, "
        f"{args.steps} steps. Each step:\n"
        "  1. forward pass: the model scores every point\n"
        f"  2. loss: how wrong the scores are ({loss}), plus {args.alpha:g} x the sum of "
        "squared weights (L2)\n"
        "  3. backward(): the grad of the loss for every weight, by the chain rule\n"
        "  4. gradient descent: every weight -= learning rate x its grad "
        f"(learning rate {args.lr:g}, falling to {args.lr / 10:g})"
    )
    optimizer = SGD(model.parameters(), lr=falling_rate(args.lr, args.steps))
    recorder = None
    if args.replay or args.gif:
        title = f"{architecture(model)} on {args.data}"
        recorder = Recorder(model, X, y, loss_name=LOSSES[loss], title=title)
    history = train(
        model, X, y, optimizer, steps=args.steps, loss=loss, alpha=args.alpha, recorder=recorder
    )
    if not math.isfinite(history.loss[-1]):
        advice = f"try a smaller --lr than {args.lr:g}"
        if args.lr * args.alpha > 1:  # then each step's L2 part alone, w -= lr*2*alpha*w, grows w
            advice += f", or a smaller --alpha than {args.alpha:g}: --lr x --alpha must be below 1"
        raise CommandError(
            f"training diverged: the loss is {history.loss[-1]} after {args.steps} steps; {advice}"
        )
    print(f"After {args.steps} steps: {loss} loss {history.loss[-1]:.4f}, {history.summary()}.")
    name = architecture(model)
    paths = [
        plot_boundaries(
            [(f"{name}: accuracy {history.accuracy[-1]:.0%}", model)],
            X,
            y,
            out / f"{args.data}_boundary.png",
            f"{args.data}: the boundary after {args.steps} steps",
            args.resolution,
        ),
        plot_curves(
            {name: history},
            out / f"{args.data}_curves.png",
            f"{args.data}: training {name}",
            LOSSES[loss],
        ),
    ]
    path = out / f"{args.data}_graph.png"
    if args.graph_depth == 0:
        pass  # no graph picture
    else:
        try:
            find_graphviz()
        except GraphvizNotFoundError:
            print(f"skipped {shorten_path(path)}, the graph picture: {NO_GRAPHVIZ}")
        else:
            graph = draw_one_point(model, X[0], y[0], path, args.graph_depth)
            paths += [graph] if graph else []
    if recorder is not None:
        paths += write_replay(recorder, args.replay, args.gif)
    return paths


def write_replay(recorder: Recorder, page: Path | None, gif: Path | None) -> list[Path]:
    """Write the replay page and the GIF of a recorded run, those asked for."""
    from ..viz.live import write_gif

    paths = []
    if recorder.note:
        print(recorder.note)
    if page is not None:
        paths.append(recorder.write_page(page))
        print(f"wrote {shorten_path(page)}: the training, step by step; open it in a browser")
    if gif is not None:
        paths.append(write_gif(recorder, gif))
        print(f"wrote {shorten_path(gif)}: the boundary and the curves over training")
    return paths
