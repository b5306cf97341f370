"""Pictures of training, for the demos and `micrograd train`: decision boundaries, loss and
accuracy curves, and the graph of a model on one point, sized for a projector.

Every function takes plain arguments (models, points, paths), so a notebook can call it as
the command line does. matplotlib is imported only inside the functions that draw; the
library never imports this module. Figures are made with matplotlib's `Figure`, not pyplot,
so they need no screen and select no backend, and the projector style holds only while a
picture is drawn: a notebook that calls these functions keeps its own backend and settings.
"""

from __future__ import annotations

import functools
import importlib
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from ..engine import Graph, Value, no_grad
from ..files import writable_folder, write_atomically
from ..messages import shorten_path
from ..nn import MLP, Output
from .dot import draw_dot, save
from .renderer import RenderError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

NEEDS_DEMOS = "plotting needs matplotlib and tqdm: pip install 'micrograd[demos]'"

# Okabe and Ito's palette, chosen to be told apart with every common kind of colour
# blindness; each class also gets its own marker, so the plots read even in grey.
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
# Sizes for a projector: matplotlib's defaults are made for print.
PLOT_STYLE: dict[str, Any] = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.titlesize": 19,
    "figure.titleweight": "bold",
    "lines.linewidth": 2.5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "savefig.dpi": 100,
}
GRAPH_DPI = "120"  # Graphviz's PNGs default to 96 dots per inch: small text on a projector
P = ParamSpec("P")
R = TypeVar("R")


class MissingExtraError(RuntimeError):
    """matplotlib or tqdm is not installed; the message says how to install them."""


def require_demos_extra() -> None:
    """Raise MissingExtraError, which says what to install, if matplotlib or tqdm is missing.

    Both at once, so that a demo finds out before it trains, not after."""
    for name in ("matplotlib", "tqdm"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            raise MissingExtraError(NEEDS_DEMOS) from None


class Run(Protocol):
    """What `plot_curves` reads from a training run; micrograd.cli.training's History fits."""

    @property
    def loss(self) -> Sequence[float]: ...
    @property
    def accuracy(self) -> Sequence[float]: ...
    @property
    def test_steps(self) -> Sequence[int]: ...
    @property
    def test_loss(self) -> Sequence[float]: ...
    @property
    def test_accuracy(self) -> Sequence[float]: ...


def output_folder(path: Path, plots: bool = True) -> Path:
    """The folder to write pictures into, made if need be. With `plots`, first make sure
    that matplotlib and tqdm are there, rather than find out after a minute of training."""
    if plots:
        require_demos_extra()
    return writable_folder(path)  # made, and written into once: not found out after training


def projector_style(draw: Callable[P, R]) -> Callable[P, R]:
    """Run `draw` with PLOT_STYLE in force, and matplotlib's settings as they were after."""

    @functools.wraps(draw)
    def styled(*args: P.args, **kwargs: P.kwargs) -> R:
        require_demos_extra()
        from matplotlib import style

        with style.context(PLOT_STYLE):
            return draw(*args, **kwargs)

    return styled


def new_figure(
    panels: int, title: str, size: tuple[float, float] = (6.5, 6.6)
) -> tuple[Figure, list[Axes]]:
    """A figure of `panels` plots side by side, with a title; draw it in a function under
    @projector_style."""
    require_demos_extra()
    from matplotlib.figure import Figure  # not pyplot: no window, no backend, no screen

    width, height = size
    figure = Figure(figsize=(width * panels, height), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)
    figure.suptitle(title)
    return figure, list(axes[0])


def save_figure(figure: Figure, path: Path, what: str) -> Path:
    """Write `figure` to `path` whole or not at all, in the format its extension names: the
    picture is drawn in memory first, so a full disk or Ctrl-C never leaves half a file."""
    picture = io.BytesIO()
    figure.savefig(picture, format=path.suffix.lstrip(".").lower() or None)
    write_atomically(path, picture.getvalue())
    print(f"wrote {shorten_path(path)}: {what}")
    return path


@projector_style
def plot_boundaries(
    panels: Sequence[tuple[str, MLP]],
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    path: Path,
    title: str,
    resolution: int = 100,
    test: tuple[Sequence[Sequence[float]], Sequence[int]] | None = None,
) -> Path:
    """Each model's decision regions side by side, under the data points (and, smaller
    and paler, the `test` points if given).

    The model is evaluated on a grid of points, with the plain floats of `no_grad()`.
    Each class's region is where its score beats every other class's, and the boundary
    is where the two best scores tie.
    """
    figure, axes = new_figure(len(panels), title)
    from matplotlib.lines import Line2D  # after new_figure, which says if matplotlib is missing

    xs, ys = _grid_lines([*X, *test[0]] if test else X, resolution)
    classes = max(y) + 1
    for ax, (panel_title, model) in zip(axes, panels):
        with no_grad():
            leads = [[_leads(model([u, v]), classes) for u in xs] for v in ys]
        for k in range(classes):
            lead = [[point[k] for point in row] for row in leads]
            _shade_region(ax, xs, ys, lead, CLASS_COLORS[k % len(CLASS_COLORS)])
        if test is None:
            _scatter_classes(ax, X, y)
        else:
            _scatter_classes(ax, X, y, kind=", training")
            _scatter_classes(ax, *test, kind=", test", size=25, alpha=0.5)
        ax.set(title=panel_title, xlabel="x1, first input", ylabel="x2, second input")
        ax.set_aspect("equal")
        ax.grid(False)  # the shaded regions are the background here
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="black", linewidth=2))
    labels.append("decision boundary")
    # As few rows as fit under the panels, filled evenly (matplotlib fills columns first).
    rows = math.ceil(len(labels) / (3 if len(panels) == 1 else 4))
    figure.legend(handles, labels, loc="outside lower center", ncols=math.ceil(len(labels) / rows))
    return save_figure(figure, path, "the decision boundary, each class's region shaded")


def _leads(output: Output, classes: int) -> list[float]:
    """For each class, by how much its score beats the best other one (< 0: it loses).

    One output is the score of class 1 against 0, as the max-margin loss reads it.
    """
    if isinstance(output, Value):
        return [-output.data, output.data]
    scores = [v.data for v in output]
    return [scores[k] - max(s for j, s in enumerate(scores) if j != k) for k in range(classes)]


def _shade_region(
    ax: Axes, xs: list[float], ys: list[float], lead: list[list[float]], color: str
) -> None:
    """Shade where `lead` > 0 and outline where it is 0. (Contours follow the numbers
    between grid points, so the boundary is smooth rather than a staircase of squares.)"""
    highest, lowest = max(map(max, lead)), min(map(min, lead))
    if highest > 0:
        ax.contourf(xs, ys, lead, levels=[0, highest], colors=[color], alpha=0.25)
    if lowest < 0 < highest:
        ax.contour(xs, ys, lead, levels=[0], colors="black", linewidths=2)


def _grid_lines(
    X: Sequence[Sequence[float]], resolution: int, aspect: float = 1.25
) -> tuple[list[float], list[float]]:
    """Points along each axis: around the data, with a margin, widened to the panel's
    width/height `aspect` so that the data keeps its true shape and fills the panel."""
    centres, spans = [], []
    for axis in (0, 1):
        low, high = min(x[axis] for x in X), max(x[axis] for x in X)
        centres.append((low + high) / 2)
        spans.append(1.3 * (high - low) + 0.2)
    width = max(spans[0], spans[1] * aspect)

    def line(centre: float, size: float) -> list[float]:
        return [centre - size / 2 + size * i / (resolution - 1) for i in range(resolution)]

    return line(centres[0], width), line(centres[1], width / aspect)


def _scatter_classes(
    ax: Axes,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    kind: str = "",
    size: float = 70,
    alpha: float = 1.0,
) -> None:
    for k in range(max(y) + 1):
        points = [x for x, label in zip(X, y) if label == k]
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            s=size,
            c=CLASS_COLORS[k % len(CLASS_COLORS)],
            marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
            alpha=alpha,
            edgecolors="black",
            linewidths=0.8,
            label=f"class {k}{kind}",
            zorder=3,
        )


@projector_style
def plot_curves(histories: Mapping[str, Run], path: Path, title: str, loss_name: str) -> Path:
    """Loss and accuracy at every step, one colour per named run: solid lines on the
    training data, dashed on the test data if there is some. `loss_name` labels the loss
    axis: "max-margin loss", say.

    Accuracy is drawn from 0% to 100%, so that a rise from 77% to 100% looks as big as it
    is. On a few points it jumps between neighbouring values from one step to the next,
    which a long run draws as a solid band; so the training accuracy is the mean over a
    few steps (the axis says how many) once a run is longer than 200 steps."""
    figure, (loss_ax, accuracy_ax) = new_figure(2, title, size=(7.0, 5.5))
    steps = max(len(history.loss) for history in histories.values())
    window = 1 if steps <= 200 else steps // 50
    for i, (name, history) in enumerate(histories.items()):
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        on_test = bool(history.test_steps)
        every_step: Sequence[int] = range(len(history.loss))
        training_accuracy: Sequence[float] = mean_of_last(history.accuracy, window)
        lines = [(every_step, history.loss, training_accuracy, "-", "training data")]
        if on_test:
            lines.append(
                (history.test_steps, history.test_loss, history.test_accuracy, "--", "test data")
            )
        for steps_run, losses, accuracies, style, data_name in lines:
            if len(histories) == 1:
                label = data_name
            else:
                label = f"{name}: {data_name}" if on_test else name
            loss_ax.plot(steps_run, losses, style, color=color, label=label)
            accuracy_ax.plot(steps_run, accuracies, style, color=color, label=label)
    loss_ax.set(title="loss: lower is better", xlabel="training step", ylabel=loss_name)
    loss_ax.set_ylim(bottom=0)
    accuracy_title = "accuracy" if window == 1 else f"accuracy (training: mean of {window} steps)"
    accuracy_ax.set(title=accuracy_title, xlabel="training step", ylabel="points classified right")
    accuracy_ax.set_ylim(0, 1.02)
    accuracy_ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    loss_ax.legend()
    accuracy_ax.legend(loc="lower right")
    return save_figure(figure, path, "loss and accuracy at every training step")


def mean_of_last(values: Sequence[float], window: int) -> list[float]:
    """Each value replaced by the mean of it and the `window - 1` before it (fewer at the
    start): a curve that no longer jumps up and down from one step to the next."""
    last = (values[max(0, i + 1 - window) : i + 1] for i in range(len(values)))
    return [sum(part) / len(part) for part in last]


def architecture(model: MLP) -> str:
    """A short name for a model, for titles: "MLP 2-16-16-1, relu"."""
    return f"MLP {'-'.join(map(str, [model.nin, *model.nouts]))}, {model.activation}"


def draw_one_point(
    model: MLP, point: Sequence[float], label: int, path: Path, depth: int | None = None
) -> Path | None:
    """Draw the graph of the model's output on one point, coloured by grad, or say why not.

    The score of the point's own class is the root; backward() gives every value's grad
    with respect to it: blue values push the score up, orange down. The whole graph is
    hundreds of values, far too many for a slide, so the picture follows one path back from
    the score (see `strongest_path`) to the inputs, or `depth` ops if given.
    """
    inputs = [Value(coordinate, label=f"x{i + 1}") for i, coordinate in enumerate(point)]
    output = model(inputs)
    root = output if isinstance(output, Value) else output[label]
    model.zero_grad()  # training left its last grads on the weights
    root.label = "score" if isinstance(output, Value) else f"score of class {label}"
    root.backward()
    count = len(Graph(root))
    how_far = "to the inputs" if depth is None else f"for {depth} ops"
    print(
        f"The graph of the model on one point, ({point[0]:.2f}, {point[1]:.2f}) of class "
        f"{label}, has {count} values.\n"
        f"The picture follows one path back from the {root.label} {how_far}, the one along "
        "which the most\ngrad flows: at each neuron its bias and the input, with its weight, "
        "that matters most\n(a dashed oval says how many inputs are left out). Each value is "
        f"coloured by its grad,\nd({root.label})/d(value): blue pushes the {root.label} up, "
        "orange down, white not at all (a ReLU\nthat is off passes no grad back)."
    )
    return save_graph(
        root, path, model=model, depth=depth, only=strongest_path(model, root), color="grad"
    )


def strongest_path(model: MLP, root: Value) -> set[Value]:
    """The values along the path by which the most grad flows back from `root`, a neuron's
    output after backward(), to the model's inputs.

    At each neuron: its weighted sum (and its activation), its bias, and of its inputs the
    one whose own weighted sum has the largest grad, with the weight that multiplies it;
    then on into that neuron. At the first layer, every input and weight.
    """
    values, node = {root}, root
    for layer_index in reversed(range(len(model.layers))):
        neuron = next(n for n in model.layers[layer_index].neurons if n.role_of(node))
        if neuron.role_of(node) == "activation":
            node = node.inputs[0]
            values.add(node)
        # The weighted sum, Value.dot(w, x, b): inputs w1 ... wn, x1 ... xn, b.
        n = len(neuron.w)
        xs = node.inputs[n : 2 * n]
        if layer_index == 0:
            values.update(node.inputs)
            break
        k = max(range(n), key=lambda k: _grad_behind(xs[k]))
        values.update((neuron.w[k], neuron.b, xs[k]))
        node = xs[k]
    return values


def _grad_behind(x: Value) -> float:
    """How much grad reaches the weighted sum that made `x`, an activation (or, in a
    linear layer, that weighted sum itself): none if x is a ReLU that is off."""
    return abs(x.inputs[0].grad if len(x.inputs) == 1 else x.grad)


def save_graph(root: Value, path: Path, **options: Any) -> Path | None:
    """Save draw_dot(root, **options) to `path`; without Graphviz, say so and go on."""
    drawing = draw_dot(root, **options)
    if path.suffix == ".png":
        drawing.graph_attr["dpi"] = GRAPH_DPI
    try:
        save(drawing, path)
    except RenderError as error:
        print(f"skipped {shorten_path(path)}, the graph picture: {error}")
        return None
    print(f"wrote {shorten_path(path)}: the graph, with data and grad on every value")
    return path
