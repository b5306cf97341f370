"""The command line, `micrograd` (or `python -m micrograd`).

    micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg
    micrograd steps "a*b + a" a=2 b=-3 -o steps.html
    micrograd train --data moons --hidden 16,16 --steps 100 --out out/

`draw` builds the graph of a formula, runs backward() and draws it, data and grad on every
value. `steps` writes a page that plays that backward() one value at a time. `train` runs
the loop every network learns by (forward pass, loss, backward() for the grads by the chain
rule, a gradient-descent step) and draws what came out: the decision boundary, the loss and
accuracy curves, and the graph of the model on one point.

The demos in `demos/` take their options the way the commands do, with the helpers here;
they train with `micrograd.training` and draw with `micrograd.plotting`, as `train` does.
The library never imports this module.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, data
from .engine import Value
from .expression import FUNCTIONS, parse_expression
from .nn import ACTIVATIONS
from .optim import SGD
from .plotting import architecture, draw_one_point, output_folder, plot_boundaries, plot_curves
from .steps import backprop_steps
from .training import MissingExtraError, falling_rate, load_dataset, make_model, train
from .viz import RANKDIRS, RenderError, save


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
    except (
        CommandError,
        MissingExtraError,
        ValueError,
        ArithmeticError,
        RenderError,
        OSError,
    ) as error:
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
        description=(
            "Draw the graph of a formula, step through its backward pass, or train a small "
            "network and plot it."
        ),
        epilog=(
            "examples:\n"
            '  micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg\n'
            '  micrograd steps "a*b + a" a=2 b=-3 -o steps.html\n'
            "  micrograd train --data moons --hidden 16,16 --steps 100 --out out/\n\n"
            "micrograd COMMAND --help explains each command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_draw_command(commands)
    _add_steps_command(commands)
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
    _add_formula_arguments(
        draw, "graph.svg", "the picture to write; .svg, .png, .pdf or .dot (default: graph.svg)"
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
    root, leaves = _formula(args)
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


def _add_formula_arguments(parser: argparse.ArgumentParser, output: str, help: str) -> None:
    """What `draw` and `steps` both take: a formula, a value for each name, an output."""
    parser.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    parser.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    parser.add_argument("-o", "--output", type=Path, default=Path(output), help=help)


def _formula(args: argparse.Namespace) -> tuple[Value, dict[str, Value]]:
    root, leaves = parse_expression(args.formula, parse_assignments(args.values))
    if root.label == "":  # a formula that is just one name keeps that name
        root.label = "out"
    return root, leaves


# ---------------------------------------------------------------- steps


def _add_steps_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    steps = commands.add_parser(
        "steps",
        help="write a web page that plays backward() on a formula, one value at a time",
        description=(
            "Build the graph of FORMULA with the values given and write one self-contained\n"
            "web page that plays its backward pass: at each step one value passes its grad\n"
            "to its inputs, local_grad x upstream grad on each arrow. Open it in any browser;\n"
            "the arrow keys step, and the address ends in #step=N to link to a step."
        ),
        epilog=(
            "examples:\n"
            '  micrograd steps "a*b + a" a=2 b=-3 -o steps.html\n'
            '  micrograd steps "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.88'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_formula_arguments(steps, "steps.html", "the page to write (default: steps.html)")
    steps.add_argument(
        "--rankdir", choices=RANKDIRS, default="TB", help="top to bottom, or left to right"
    )
    steps.set_defaults(run=_steps)


def _steps(args: argparse.Namespace) -> None:
    root, _ = _formula(args)
    path = backprop_steps(root, args.output, rankdir=args.rankdir)
    print(f"wrote {path}: open it in a browser, and step with the arrow keys")


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


if __name__ == "__main__":
    sys.exit(main())
