"""Watch a network learn: record a training run, then replay it step by step on a web page.

A `Recorder` watches a model being trained on 2-D points. At each state of the model (the
first weights, then the weights after each update) the loop hands it the loss and the
accuracy it measured, and the recorder copies the weights:

    recorder = Recorder(model, X, y)
    for step in range(100):
        scores = [model(x) for x in X]                     # forward pass
        loss = max_margin(scores, signs(y))
        recorder.record(loss, accuracy(scores, signs(y)))  # these weights, this loss
        ...backward() and an optimizer step...
    with no_grad():                                        # the trained model: state 100
        scores = [model(x) for x in X]
        recorder.record(max_margin(scores, signs(y)), accuracy(scores, signs(y)))
    recorder.write_page("replay.html")

`write_page` writes one self-contained HTML file (no network; it opens from disk) that
plays the run: the data and the decision boundary, the network with each weight as a line
and each neuron's output over the plane as a small heat map, the loss and accuracy curves,
and one data point's forward values and grads on every neuron.

What this teaches: training is nothing but the weights changing a little at each step, and
everything you see (the boundary, what each neuron responds to, a point's grads) follows
from those weights alone. That is also why the page is small: it stores only the weights
and lets the browser evaluate the network itself, in float64 with the same arithmetic as
`Neuron` (sums added in the same order, by Python's own rule for `sum`), so its numbers
are Python's. Evaluating grids in Python at every step would cost more than the training.

A long run keeps the weights of every k-th state (k doubling as the run grows) so that the
page stays under 3 MB; `note` then says so. The loss and accuracy curves keep every step.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from ..engine import Value
from ..files import write_atomically
from ..nn import MLP
from .plots import CLASS_COLORS  # Okabe and Ito's palette, as in the plots

__all__ = ["PageView", "Recorder", "State"]

MAX_PAGE_BYTES = 3_000_000  # the page of a long run is thinned out to stay below this
MAX_STATES = 1000  # more states than this add nothing a scrubber can show
MAX_CURVE_POINTS = 5000  # points per curve; the page is a few hundred pixels wide
# Room in the page for everything but the weights: script, style, data points, curves.
PAGE_RESERVE_BYTES = 400_000
BYTES_PER_NUMBER = 21  # a float in JSON: up to 17 digits, a sign, a point, an exponent, a comma
PLAY_SECONDS = 12.0  # Play shows the whole run in about this long, whatever its length
# The colours of draw_mlp's weights: blue for positive, orange for negative.
POSITIVE = "#5b9bd5"
NEGATIVE = "#f4a259"
# Names for the page, as the other pictures say them: x1, x2; "hidden layer 1"; "output layer".
INPUT_NAMES = ("x1", "x2")


class State(NamedTuple):
    """The model at one step: after `step` updates, its weights, loss and accuracy."""

    step: int
    loss: float
    accuracy: float
    weights: tuple[float, ...]  # every neuron's w1..wn then b, layer by layer


class Recorder:
    """Records a training run of an MLP on 2-D points, to replay as a page or a GIF.

    Call `record(loss, accuracy)` once per state of the model: before each update, with
    the loss and accuracy of the weights as they are (what the forward pass just measured),
    and once more after the last update, for the trained model. n updates make n + 1
    states, and the last one is the model you keep.

    `loss_name` labels the loss on the page ("max-margin loss"); `title` names the run
    (by default the architecture). `max_states` caps how many states keep their weights
    (by default as many as fit in a 3 MB page).

    >>> from micrograd import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> recorder = Recorder(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1])
    >>> recorder.record(0.9, 0.5)
    >>> recorder.states[0].step, len(recorder.states[0].weights)
    (0, 17)
    """

    def __init__(
        self,
        model: MLP,
        X: Sequence[Sequence[float]],
        y: Sequence[int],
        *,
        loss_name: str = "loss",
        title: str | None = None,
        max_states: int | None = None,
    ) -> None:
        self.layers = _layers_of(model)
        self.X = _points(X)
        self.y = _labels(y, len(self.X), self.classes)
        self.loss_name = str(loss_name)
        self.title = describe(model) if title is None else str(title)
        self._parameters = [
            p for layer in model.layers for neuron in layer.neurons for p in (*neuron.w, neuron.b)
        ]
        if max_states is None:
            per_state = BYTES_PER_NUMBER * (len(self._parameters) + 3)
            max_states = (MAX_PAGE_BYTES - PAGE_RESERVE_BYTES) // per_state
        elif isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 2:
            raise ValueError(f"max_states must be a whole number >= 2, got {max_states!r}")
        self._states: _EveryKth[State] = _EveryKth(max(2, min(max_states, MAX_STATES)))
        self._curve: _EveryKth[tuple[float, float]] = _EveryKth(MAX_CURVE_POINTS)
        self.listeners: list[Callable[[Recorder], None]] = []  # called after each record()

    @property
    def classes(self) -> int:
        """How many classes the model tells apart: 2 for one output (its sign), else one
        per output."""
        outputs = self.layers[-1][0]
        return 2 if outputs == 1 else outputs

    @property
    def steps(self) -> int:
        """How many updates the recorded states span: the step of the last state."""
        if self._states.latest is None:
            return 0
        return self._states.latest[0]

    def record(self, loss: float | Value, accuracy: float) -> None:
        """Record the model as it is now, with the loss and accuracy of these weights.

        Call it before each update (the loss that the forward pass just computed), and
        once after the last update. `loss` may be the loss Value itself.
        """
        loss = _number(loss.data if isinstance(loss, Value) else loss, "the loss")
        accuracy = _number(accuracy, "the accuracy")
        if not math.isfinite(loss):  # a page cannot show it, and the run learns nothing more
            raise ValueError(
                f"the loss is {loss!r}: training diverged, so there is nothing to replay; "
                "try a smaller learning rate"
            )
        if not 0.0 <= accuracy <= 1.0:
            raise ValueError(f"the accuracy is a fraction of points from 0 to 1, got {accuracy!r}")
        step = 0 if self._states.latest is None else self._states.latest[0] + 1
        weights = tuple(p.data for p in self._parameters)
        self._states.add(step, State(step, loss, accuracy, weights))
        self._curve.add(step, (loss, accuracy))
        for listener in self.listeners:
            listener(self)

    @property
    def states(self) -> list[State]:
        """The states whose weights are kept, in order; the first and the last always."""
        return [state for _, state in self._states.items()]

    @property
    def curve(self) -> tuple[list[int], list[float], list[float]]:
        """Steps, losses and accuracies: every state's, unless the run is very long."""
        points = self._curve.items()
        return [s for s, _ in points], [p[0] for _, p in points], [p[1] for _, p in points]

    @property
    def note(self) -> str | None:
        """What was left out to keep the page small, in a sentence; None if nothing was."""
        if self._states.every == 1:
            return None
        kept = len(self.states)
        return (
            f"The page keeps the weights of every {_ordinal(self._states.every)} step "
            f"({kept} of {self.steps + 1} states) and the last one, to stay under "
            f"{MAX_PAGE_BYTES // 1_000_000} MB."
        )

    def neuron_weights(self, state: State) -> list[list[tuple[list[float], float]]]:
        """A state's weights by layer and neuron: [[(w, b) of each neuron] of each layer]."""
        layers = []
        position = 0
        nin = len(INPUT_NAMES)
        for size, _ in self.layers:
            neurons = []
            for _ in range(size):
                w = list(state.weights[position : position + nin])
                neurons.append((w, state.weights[position + nin]))
                position += nin + 1
            layers.append(neurons)
            nin = size
        return layers

    # -------------------------------------------------------------- the page

    def page_data(self) -> dict[str, Any]:
        """Everything the page shows, as plain JSON-ready data."""
        states = self.states
        if not states:
            raise ValueError(
                "nothing recorded yet: call recorder.record(loss, accuracy) in the training loop"
            )
        for state in states:
            if not all(map(math.isfinite, state.weights)):
                raise ValueError(
                    f"the weights are not finite at step {state.step}: training diverged; "
                    "try a smaller learning rate"
                )
        steps, losses, accuracies = self.curve
        count = len(self.layers)
        return {
            "title": self.title,
            "inputs": list(INPUT_NAMES),
            "layers": [
                {"name": _layer_name(i, count), "size": size, "activation": activation}
                for i, (size, activation) in enumerate(self.layers)
            ],
            "classes": self.classes,
            "colors": list(CLASS_COLORS),
            "weightColors": [POSITIVE, NEGATIVE],
            "points": self.X,
            "labels": self.y,
            "bounds": plane_bounds(self.X),
            "lossName": self.loss_name,
            "states": [
                {"step": s.step, "loss": s.loss, "accuracy": s.accuracy, "weights": s.weights}
                for s in states
            ],
            "curve": {"steps": steps, "loss": losses, "accuracy": accuracies},
            "note": self.note,
            # Python 3.12 and later add floats with compensation in sum(); the page must add
            # as the Python that trained the model did, to get the same bits.
            "compensatedSum": sum([1e100, 1.0, -1e100], 0.0) == 1.0,
            "secondsPerState": min(0.5, max(0.04, PLAY_SECONDS / len(states))),
        }

    def page(self) -> str:
        """The page as text: replay_page.html with its script and the data inline."""
        folder = resources.files(__package__)
        template = (folder / "replay_page.html").read_text(encoding="utf-8")
        script = (folder / "replay_page.js").read_text(encoding="utf-8").rstrip("\n")
        parts = {
            "title": html.escape(self.title),
            "data": json_for_script(self.page_data()),
            "script": script,
        }
        # One pass, so that a title such as "{{script}}" is never replaced in turn.
        return re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match.group(1)], template)

    def write_page(self, path: str | os.PathLike[str] = "replay.html") -> Path:
        """Write the replay page, whole or not at all; return its path."""
        path = Path(path)
        write_atomically(path, self.page().encode("utf-8"))
        return path

    def show(self, height: int = 820) -> PageView:
        """The page, to show inline in a Jupyter cell (make it the cell's last line)."""
        return PageView(self.page(), height)


class PageView:
    """A page shown in a Jupyter cell, inside an iframe: there its keys and its `#step=N`
    address belong to the page, not to the notebook around it."""

    def __init__(self, page: str, height: int = 820) -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc holds the whole page, quoted, so the notebook needs no file beside it.
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ced4da" '
            'title="training replay"></iframe>'
        )


# ------------------------------------------------------------------ helpers

T = TypeVar("T")


class _EveryKth(Generic[T]):
    """Keeps the items of steps 0, k, 2k, ... and the latest one, doubling k (and dropping
    every other kept item) whenever more than `capacity` would be kept. A run of any
    length, known in advance or not, ends with between capacity / 2 and capacity items,
    evenly spaced."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.every = 1
        self.kept: list[tuple[int, T]] = []
        self.latest: tuple[int, T] | None = None

    def add(self, step: int, item: T) -> None:
        self.latest = (step, item)
        if step % self.every:
            return
        self.kept.append((step, item))
        if len(self.kept) > self.capacity:
            self.every *= 2
            self.kept = [(s, i) for s, i in self.kept if s % self.every == 0]

    def items(self) -> list[tuple[int, T]]:
        if self.latest is None:
            return []
        if self.kept and self.kept[-1][0] == self.latest[0]:
            return list(self.kept)
        return [*self.kept, self.latest]  # the last state is always there: the trained model


def describe(model: MLP) -> str:
    """A short name for a model: "MLP 2-16-16-1, relu"."""
    return f"MLP {'-'.join(map(str, [model.nin, *model.nouts]))}, {model.activation}"


def plane_bounds(X: Sequence[Sequence[float]]) -> dict[str, list[float]]:
    """The part of the plane to draw: the data with a margin of 15% on each side."""
    bounds = {}
    for name, axis in zip(INPUT_NAMES, (0, 1)):
        low, high = min(x[axis] for x in X), max(x[axis] for x in X)
        margin = 0.15 * (high - low) + 0.1
        bounds[name] = [low - margin, high + margin]
    return bounds


def json_for_script(data: dict[str, Any]) -> str:
    """JSON that can sit inside <script>: the HTML parser ends that element at `</script`
    and treats `<!--` specially, so `<`, `>` and `&` are written as \\u escapes, which mean
    the same in JSON. A title then reaches the page only as text, never as markup."""
    text = json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layers_of(model: object) -> list[tuple[int, str]]:
    """(neurons, activation) of each layer, after checking the model is an MLP of 2 inputs."""
    if not isinstance(model, MLP):
        raise TypeError(f"Recorder needs an MLP, got {type(model).__name__}")
    if model.nin != len(INPUT_NAMES):
        raise ValueError(
            f"the replay draws the plane of two inputs, x1 and x2; this model has "
            f"{model.nin} input{'s' if model.nin != 1 else ''}"
        )
    layers = []
    for layer in model.layers:
        activations = {neuron.activation for neuron in layer.neurons}
        if len(activations) != 1:
            raise ValueError(
                "the replay needs one activation per layer, got "
                f"{', '.join(sorted(activations))} in one layer"
            )
        layers.append((len(layer.neurons), activations.pop()))
    return layers


def _points(X: Sequence[Sequence[float]]) -> list[list[float]]:
    points = []
    for i, x in enumerate(X):
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or len(x) != 2:
            raise ValueError(f"each point needs two numbers, x1 and x2; point {i} is {x!r}")
        points.append([_number(x[0], f"x1 of point {i}"), _number(x[1], f"x2 of point {i}")])
    if not points:
        raise ValueError("the replay needs at least one data point, got none")
    for point in points:
        if not all(map(math.isfinite, point)):
            raise ValueError(f"the points must be finite numbers, got {point!r}")
    return points


def _labels(y: Sequence[int], count: int, classes: int) -> list[int]:
    labels = list(y)
    if len(labels) != count:
        raise ValueError(
            f"the replay needs one label per point: {count} points, {len(labels)} labels"
        )
    for i, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
            raise ValueError(
                f"label {i} is {label!r}: this model tells apart {classes} classes, so labels "
                f"are 0 to {classes - 1}"
            )
    return labels


def _number(x: object, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{what} must be a number, got {type(x).__name__}: {x!r}")
    return float(x)


def _layer_name(index: int, count: int) -> str:
    return "output layer" if index == count - 1 else f"hidden layer {index + 1}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
