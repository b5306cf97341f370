"""The command line, `micrograd` (or `python -m micrograd`), and what the demos share.

    micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg
    micrograd train --data moons --hidden 16,16 --steps 100 --out out/

`draw` builds the graph of a formula, runs backward() and draws it, data and grad on every
value. `train` runs the loop every network learns by (forward pass, loss, backward() for
the grads by the chain rule, a gradient-descent step) and draws what came out: the decision
boundary, the loss and accuracy curves, and the graph of the model on one point.

The demos in `demos/` train and plot with the functions here, so that the demos and the
command line show the same pictures from one piece of code. Plotting needs matplotlib and
tqdm (`pip install 'micrograd[demos]'`), imported only when a command needs them. The
library never imports this module.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__, data
from .engine import Value, no_grad
from .expression import FUNCTIONS, parse_expression
from .losses import binary_cross_entropy, cross_entropy, l2, max_margin
from .nn import ACTIVATIONS, MLP
from .optim import SGD, Optimizer
from .viz import RANKDIRS, RenderError, draw_dot, save

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

# The losses `train` knows, and what plots call them.
LOSSES = {
    "max-margin": "max-margin loss",
    "log-loss": "log loss",
    "cross-entropy": "cross-entropy loss",
}
Output = Value | list[Value]  # what an MLP gives for one point: one score, or one per class


class CommandError(Exception):
    """A problem with what the user asked for, reported as one line, without a traceback."""


# ---------------------------------------------------------------- the command line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 after printing an error)."""
    args = _parser().parse_args(argv)
    return run_command(f"micrograd {args.command}", lambda: args.run(args))


def run_command(program: str, action: Callable[[], object]) -> int:
    """Run `action`; report a problem with the user's input as one line on stderr."""
    try:
        action()
    except KeyboardInterrupt:
        print(f"{program}: stopped", file=sys.stderr)
        return 130
    except (CommandError, ValueError, ArithmeticError, RenderError, OSError) as error:
        print(f"{program}: error: {error}", file=sys.stderr)
        return 2
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with each usage error on one line and a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="micrograd",
        description="Draw the graph of a formula, or train a small network and plot it.",
        epilog=(
            "examples:\n"
            '  micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg\n'
            "  micrograd train --data moons --hidden 16,16 --steps 100 --out out/\n\n"
            "micrograd COMMAND --help explains each command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_draw_command(commands)
    _add_train_command(commands)
    return parser


def add_options(parser: argparse.ArgumentParser, names: str, **defaults: Any) -> None:
    """Add the options of OPTIONS named in `names` ("steps lr out"), with other defaults
    if given: the command line and every demo take the same options the same way."""
    for name in names.split():
        parser.add_argument(f"--{name}", **OPTIONS[name])
    parser.set_defaults(**defaults)


def demo_parser(doc: str, example: str) -> argparse.ArgumentParser:
    """An argument parser for a demo whose --help shows its docstring, an example, and
    each option's default."""
    return _Parser(description=doc, epilog=f"example:\n  {example}", formatter_class=_Formatter)


def layer_sizes(text: str) -> list[int]:
    """ "16,16" as [16, 16]; "" as [] (no hidden layer)."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of layer sizes such as 16,16"
        ) from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be 1 or more, got {text!r}")
    return sizes


def _at_least(minimum: int) -> Callable[[str], int]:
    def whole_number(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return number

    return whole_number


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Help that keeps the examples' line breaks and gives each option's default."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None:  # no default to show; the help text says what happens
            return action.help
        return super()._get_help_string(action)


# Every option of the command line and the demos: argparse's keywords for each.
OPTIONS: dict[str, dict[str, Any]] = {
    "data": {"choices": list(data.DATASETS), "default": "moons", "help": "the dataset"},
    "hidden": {
        "type": layer_sizes,
        "default": "16,16",  # argparse passes a str default through `type` too
        "metavar": "SIZES",
        "help": "sizes of the hidden layers, such as 16,16; '' for none",
    },
    "activation": {
        "choices": ACTIVATIONS,
        "default": "relu",
        "help": "the activation of the hidden layers",
    },
    "steps": {"type": _at_least(1), "default": 100, "metavar": "N", "help": "training steps"},
    "lr": {"type": float, "default": 1.0, "metavar": "RATE", "help": "learning rate"},
    "alpha": {"type": float, "default": 1e-4, "help": "strength of the L2 penalty on weights"},
    "points": {"type": _at_least(2), "default": 100, "metavar": "N", "help": "data points"},
    "noise": {"type": float, "help": "noise in the data (if not given, the dataset's own)"},
    "seed": {"type": int, "default": 1, "help": "seed for the data and the first weights"},
    "out": {
        "type": Path,
        "default": "out",
        "metavar": "FOLDER",
        "help": "folder to write the pictures into",
    },
    "resolution": {
        "type": _at_least(2),
        "default": 100,
        "metavar": "N",
        "help": "grid points per side when drawing decision boundaries",
    },
    "test-points": {
        "type": _at_least(1),
        "default": 200,
        "metavar": "N",
        "help": "points to test on, never trained on",
    },
    "graph-depth": {
        "type": _at_least(1),
        "default": 2,
        "metavar": "K",
        "help": "how many ops back from the output the graph picture goes",
    },
}


# ---------------------------------------------------------------- draw


def _add_draw_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    draw = commands.add_parser(
        "draw",
        help="draw the graph of a formula after backward()",
        description=(
            "Build the graph of FORMULA with the values given, run backward(), and draw it:\n"
            "a box per value with its data and grad, an oval per op. The formula may use\n"
            "numbers, the names given, + - * / ** and the functions\n"
            f"{', '.join(FUNCTIONS)}. It is read, never run as Python."
        ),
        epilog=(
            "examples:\n"
            '  micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg\n'
            '  micrograd draw "x*x + x" x=3 --local-grads -o reused.png\n'
            '  micrograd draw "log(1 + exp(-y*s))" y=1 s=0.5 --rankdir TB -o loss.pdf'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    draw.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    draw.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    draw.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("graph.svg"),
        help="the picture to write; .svg, .png, .pdf or .dot (default: graph.svg)",
    )
    draw.add_argument(
        "--local-grads",
        action="store_true",
        help="write each op's local_grad, d(op output)/d(input), on its arrows",
    )
    draw.add_argument(
        "--rankdir", choices=RANKDIRS, default="LR", help="left to right, or top to bottom"
    )
    draw.add_argument(
        "--color",
        choices=("role", "grad", "none"),
        default="role",
        help="fill boxes by role (input, output), by the grad's sign and size, or not at all",
    )
    draw.add_argument(
        "--depth",
        type=_at_least(1),
        metavar="K",
        help="draw only the values within K ops of the output",
    )
    draw.add_argument(
        "--max-nodes",
        type=_at_least(1),
        default=500,
        metavar="N",
        help="refuse graphs of more values (500)",
    )
    draw.set_defaults(run=_draw)


def _draw(args: argparse.Namespace) -> None:
    root, leaves = parse_expression(args.formula, parse_assignments(args.values))
    if root.label == "":  # a formula that is just one name keeps that name
        root.label = "out"
    root.backward()
    formula = args.formula.strip()
    print(f"{formula if len(formula) <= 60 else formula[:56] + ' ...'} = {root.data:.6g}")
    if leaves:
        grads = "   ".join(f"{name} = {leaf.grad:.6g}" for name, leaf in leaves.items())
        print(f"grads, d(out)/d(name):   {grads}")
    save(
        root,
        args.output,
        show_local_grads=args.local_grads,
        rankdir=args.rankdir,
        color=None if args.color == "none" else args.color,
        depth=args.depth,
        max_nodes=args.max_nodes,
    )
    print(f"wrote {args.output}")


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """["x=2", "w=-3"] as {"x": 2.0, "w": -3.0}, with an error that names a bad item."""
    values: dict[str, float] = {}
    for item in items:
        name, equals, number = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise CommandError(f"{item!r} is not a value: write NAME=NUMBER, such as x=2")
        try:
            value = float(number)
        except ValueError:
            raise CommandError(f"{item!r}: {number.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise CommandError(f"{item!r}: the value must be a finite number")
        if name in values:
            raise CommandError(f"{name} is given twice: {name}={values[name]:g} and {item}")
        values[name] = value
    return values


# ---------------------------------------------------------------- train

TRAIN_DESCRIPTION = """\
Train an MLP on a built-in 2-D dataset with gradient descent, then write three pictures
into the output folder: the decision boundary with the data points, the loss and accuracy
curves, and the graph of the model on one point. Two classes are learned with the
max-margin loss and one output; more classes with cross-entropy, one output per class."""
TRAIN_OPTIONS = "data hidden activation steps lr alpha points noise seed out resolution graph-depth"


def _add_train_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    train = commands.add_parser(
        "train",
        help="train a network on a 2-D dataset and plot what it learned",
        description=TRAIN_DESCRIPTION,
        epilog=(
            "examples:\n"
            "  micrograd train --data moons --hidden 16,16 --steps 100 --out out/\n"
            "  micrograd train --data spiral --hidden 32,32 --steps 200\n"
            "  micrograd train --data circles --hidden '' # no hidden layer: a linear model"
        ),
        formatter_class=_Formatter,
    )
    add_options(train, TRAIN_OPTIONS, run=train_and_plot)


def train_and_plot(args: argparse.Namespace) -> list[Path]:
    """What `micrograd train` and demos/train_moons.py do: train, then draw three pictures."""
    out = output_folder(args.out)
    X, y = load_dataset(args.data, args.points, args.noise, args.seed)
    classes = max(y) + 1
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
    history = train(model, X, y, optimizer, steps=args.steps, loss=loss, alpha=args.alpha)
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
            loss,
        ),
    ]
    graph = draw_one_point(model, X[0], y[0], out / f"{args.data}_graph.png", args.graph_depth)
    return paths + ([graph] if graph else [])


# ---------------------------------------------------------------- training


@dataclass
class History:
    """What training recorded: loss (without the L2 penalty) and accuracy at every step,
    and, when there is test data, the same on it every few steps."""

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
) -> History:
    """Train `model` on all of X at every step, with a progress bar; return the History.

    Each step is the loop from the lecture: forward pass, loss (with an L2 penalty of
    `alpha` times the sum of squared weights), backward(), and an optimizer step.
    """
    history = History()
    parameters = model.parameters()
    test_every = max(1, steps // 100)  # about 100 points on the test curve, whatever steps
    with _progress_bar(steps, name) as bar:
        for step in bar:
            outputs = [model(x) for x in X]  # forward pass: the graph of every output
            fit = data_loss(outputs, y, loss)
            total = fit + l2(parameters, alpha) if alpha else fit
            optimizer.zero_grad()  # grads add up, so clear the last step's first
            total.backward()  # the chain rule fills in every weight's grad
            optimizer.step()  # gradient descent: each weight a little against its grad
            history.loss.append(fit.data)
            history.accuracy.append(accuracy(outputs, y))
            if test is not None and (step % test_every == 0 or step == steps - 1):
                test_loss, test_accuracy = evaluate(model, *test, loss)
                history.test_steps.append(step)
                history.test_loss.append(test_loss)
                history.test_accuracy.append(test_accuracy)
            bar.set_postfix_str(f"loss {fit.data:.3f}, accuracy {history.accuracy[-1]:.0%}")
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


# ---------------------------------------------------------------- pictures


def require_demos_extra() -> None:
    """Raise a CommandError that says what to install if matplotlib or tqdm is missing."""
    for name in ("matplotlib", "tqdm"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            raise CommandError(NEEDS_DEMOS) from None


def output_folder(path: Path, plots: bool = True) -> Path:
    """The folder to write pictures into, made if need be. With `plots`, first make sure
    that matplotlib and tqdm are there, rather than find out after a minute of training."""
    if plots:
        require_demos_extra()
    if path.exists() and not path.is_dir():
        raise CommandError(f"cannot write pictures into {path}: it is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_figure(
    panels: int, title: str, size: tuple[float, float] = (6.5, 6.6)
) -> tuple[Figure, list[Axes]]:
    """A figure of `panels` plots side by side, in the projector style, with a title."""
    require_demos_extra()
    import matplotlib

    matplotlib.use("Agg")  # draw into files, never a window: works without a screen
    import matplotlib.pyplot as plt

    plt.style.use(PLOT_STYLE)

    width, height = size
    figure, axes = plt.subplots(
        1, panels, figsize=(width * panels, height), layout="constrained", squeeze=False
    )
    figure.suptitle(title)
    return figure, list(axes[0])


def save_figure(figure: Figure, path: Path, what: str) -> Path:
    import matplotlib.pyplot as plt

    try:
        figure.savefig(path)
    finally:
        plt.close(figure)  # pyplot keeps every figure until closed
    print(f"wrote {path}: {what}")
    return path


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


def plot_curves(histories: dict[str, History], path: Path, title: str, loss: str) -> Path:
    """Loss and accuracy at every step, one colour per named run: solid lines on the
    training data, dashed on the test data if there is some."""
    figure, (loss_ax, accuracy_ax) = new_figure(2, title, size=(7.0, 5.5))
    for i, (name, history) in enumerate(histories.items()):
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        on_test = bool(history.test_steps)
        every_step = list(range(len(history.loss)))
        lines = [(every_step, history.loss, history.accuracy, "-", "training data")]
        if on_test:
            lines.append(
                (history.test_steps, history.test_loss, history.test_accuracy, "--", "test data")
            )
        for steps, losses, accuracies, style, data_name in lines:
            if len(histories) == 1:
                label = data_name
            else:
                label = f"{name}: {data_name}" if on_test else name
            loss_ax.plot(steps, losses, style, color=color, label=label)
            accuracy_ax.plot(steps, accuracies, style, color=color, label=label)
    loss_ax.set(title="loss: lower is better", xlabel="training step", ylabel=LOSSES[loss])
    loss_ax.set_ylim(bottom=0)
    accuracy_ax.set(title="accuracy", xlabel="training step", ylabel="points classified right")
    accuracy_ax.set_ylim(top=1.02)
    accuracy_ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    loss_ax.legend()
    accuracy_ax.legend(loc="lower right")
    return save_figure(figure, path, "loss and accuracy at every training step")


def architecture(model: MLP) -> str:
    """A short name for a model, for titles: "MLP 2-16-16-1, relu"."""
    return f"MLP {'-'.join(map(str, [model.nin, *model.nouts]))}, {model.activation}"


def draw_one_point(
    model: MLP, point: Sequence[float], label: int, path: Path, depth: int
) -> Path | None:
    """Draw the graph of the model's output on one point, coloured by grad, or say why not.

    The score of the point's own class is the root; backward() gives every value's grad
    with respect to it: blue values push the score up, orange down.
    """
    inputs = [Value(coordinate, label=f"x{i + 1}") for i, coordinate in enumerate(point)]
    output = model(inputs)
    root = output if isinstance(output, Value) else output[label]
    model.zero_grad()  # training left its last grads on the weights
    root.label = "score" if isinstance(output, Value) else f"score of class {label}"
    root.backward()
    count = count_values(root)
    print(
        f"The graph of the model on one point, ({point[0]:.2f}, {point[1]:.2f}) of class "
        f"{label}, has {count} values{', too many to read' if count > 100 else ''}.\n"
        f"The picture shows those within {depth} ops of the {root.label}, each coloured by its "
        f"grad, d({root.label})/d(value):\nblue pushes the {root.label} up, orange down, "
        "white not at all (a ReLU that is off passes no grad back)."
    )
    return save_graph(root, path, model=model, depth=depth, color="grad")


def count_values(root: Value) -> int:
    """How many values the graph of `root` holds, itself included."""
    seen = {root}
    stack = [root]
    while stack:  # a loop, not recursion: graphs can be deep
        for child in stack.pop()._children:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def save_graph(root: Value, path: Path, **options: Any) -> Path | None:
    """Save draw_dot(root, **options) to `path`; without Graphviz, say so and go on."""
    drawing = draw_dot(root, **options)
    if path.suffix == ".png":
        drawing.graph_attr["dpi"] = GRAPH_DPI
    try:
        save(drawing, path)
    except RenderError as error:
        print(f"skipped {path}, the graph picture: {error}")
        return None
    print(f"wrote {path}: the graph, with data and grad on every value")
    return path


if __name__ == "__main__":
    sys.exit(main())
