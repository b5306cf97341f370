"""The command line, `micrograd` (or `python -m micrograd`): its commands and their arguments.

    micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg
    micrograd steps "a*b + a" a=2 b=-3 -o steps.html
    micrograd train --data moons --hidden 16,16 --steps 100 --out out/

`draw` builds the graph of a formula, runs backward() and draws it, data and grad on every
value. `steps` writes a page that plays that backward() one value at a time. `train` runs
the loop every network learns by (forward pass, loss, backward() for the grads by the chain
rule, a gradient-descent step) and draws what came out: the decision boundary, the loss and
accuracy curves, and the graph of the model on one point.

The demos in `demos/` take their options as the commands do (`micrograd.cli.options`),
train with `micrograd.cli.training` and plot with `micrograd.viz.plots`, as `train` does.
Nothing in the library imports the command line: it sits on top of everything else.
"""

from __future__ import annotations

import argparse
import math
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine import Value
from ..expression import FUNCTIONS, parse_expression
from ..files import check_writable
from ..messages import shorten, shorten_path
from ..viz import (
    DEFAULT_TIMEOUT,
    MAX_NODES,
    RANKDIRS,
    SAVE_FORMATS,
    GraphvizNotFoundError,
    RenderError,
    save,
)
from ..viz.steps import backprop_steps
from .options import (
    TRAIN_OPTIONS,
    CommandError,
    HelpFormatter,
    Parser,
    add_options,
    drawing_size,
    number_between,
    printable_output,
    quoted,
    run_command,
    whole_number,
)
from .training import NO_GRAPHVIZ, train_and_plot

# More values than this are no picture at all: dot would take minutes to lay them out.
MAX_DRAWN_NODES = 10_000
MAX_TIMEOUT = 3_600.0  # seconds

# ---------------------------------------------------------------- the command line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 after printing an error)."""
    with printable_output():  # --help, too, may show a name or a path
        args = _parser().parse_args(argv)
    return run_command(f"micrograd {args.command}", lambda: args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
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

    def add_command(name: str, **options: Any) -> Parser:
        command: Parser = commands.add_parser(name, **options)
        command.set_defaults(command_parser=command)  # which reports what it does not know
        return command

    # Each command makes its own parser with `add_command`, and adds its arguments.
    _add_draw_command(add_command)
    _add_steps_command(add_command)
    _add_train_command(add_command)
    return parser


# ---------------------------------------------------------------- draw


def _add_draw_command(add_parser: Callable[..., Parser]) -> None:
    draw = add_parser(
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
        type=whole_number(1, MAX_DRAWN_NODES),
        metavar="K",
        help="draw only the values within K ops of the output",
    )
    draw.set_defaults(run=_draw)


def _draw(args: argparse.Namespace) -> None:
    if args.output.suffix.lower() not in SAVE_FORMATS:  # before any work, not after it
        raise CommandError(
            f"cannot tell the format of {shorten_path(args.output)}: end it with one of "
            f"{', '.join(SAVE_FORMATS)}"
        )
    root, leaves = _formula(args)
    count, fitting_depth, within = drawing_size(root, args.depth, args.max_nodes)
    if count > args.max_nodes:
        which = "this graph has" if args.depth is None else f"with --depth {args.depth} it has"
        advice = f"pass --max-nodes {count} to draw them all"
        if fitting_depth >= 1:
            advice += f", or --depth {fitting_depth} to draw the {within} nearest the output"
        raise CommandError(
            f"{which} {count} values, more than --max-nodes {args.max_nodes}: too many to "
            f"read; {advice}"
        )
    # The formula as read: one line, whatever it holds (a newline inside brackets, "\r").
    print(f"{shorten(args.formula.strip(), 60)} = {root.data:.6g}")
    if leaves:
        grads = "   ".join(f"{shorten(name)} = {leaf.grad:.6g}" for name, leaf in leaves.items())
        print(f"grads, d(out)/d(name):   {grads}")
    fewer = " or draw fewer values with --depth K" if args.output.suffix != ".dot" else ""
    with _graphviz_errors(args.timeout, fewer, dot_file=True):
        save(
            root,
            args.output,
            show_local_grads=args.local_grads,
            rankdir=args.rankdir,
            color=None if args.color == "none" else args.color,
            depth=args.depth,
            max_nodes=args.max_nodes,
            timeout=args.timeout,
        )
    print(f"wrote {shorten_path(args.output)}")


@contextmanager
def _graphviz_errors(timeout: float, fewer: str, dot_file: bool = False) -> Iterator[None]:
    """Graphviz missing or too slow, said in the command line's words: what to install, and
    the flags that help (the library's messages name Python's keywords, as timeout=)."""
    start = time.monotonic()
    try:
        yield
    except GraphvizNotFoundError:
        instead = "; or write the DOT text, -o graph.dot, which needs neither" if dot_file else ""
        raise CommandError(f"{NO_GRAPHVIZ}{instead}") from None
    except RenderError:
        # Graphviz is stopped at the time limit; failing by itself, it would fail sooner.
        if time.monotonic() - start < timeout:
            raise
        raise CommandError(
            f"Graphviz took longer than --timeout {timeout:g} seconds to lay out this graph, "
            f"so it was stopped; pass a larger --timeout{fewer}"
        ) from None


def _add_formula_arguments(parser: Parser, output: str, help: str) -> None:
    """What `draw` and `steps` both take: a formula, a value for each name, an output, and
    the size limit of the picture."""
    parser.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    parser.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    parser.add_argument("-o", "--output", type=Path, default=Path(output), help=help)
    parser.add_argument(
        "--max-nodes",
        type=whole_number(1, MAX_DRAWN_NODES),
        default=MAX_NODES,
        metavar="N",
        help=f"refuse graphs of more values ({MAX_NODES})",
    )
    parser.add_argument(
        "--timeout",
        type=number_between(0.001, MAX_TIMEOUT),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop Graphviz if it takes longer to lay out the graph ({DEFAULT_TIMEOUT:g})",
    )
    parser.takes_formula = True


def _formula(args: argparse.Namespace) -> tuple[Value, dict[str, Value]]:
    """The formula's graph, after backward(), with a finite value and grads."""
    check_writable(args.output)  # a missing or read-only folder: before any work
    root, leaves = parse_expression(args.formula, parse_assignments(args.values))
    if root.label == "":  # a formula that is just one name keeps that name
        root.label = "out"
    root.backward()
    if not math.isfinite(root.data):
        raise CommandError(
            f"the formula's value is not finite ({root.data!r}): a result overflowed a "
            "float, or is undefined; try other values"
        )
    for name, leaf in leaves.items():
        if not math.isfinite(leaf.grad):
            raise CommandError(
                f"the formula's value is {root.data:.6g}, but its grad "
                f"d(out)/d({shorten(name)}) is not finite ({leaf.grad!r}): the slope there "
                "is infinite or undefined; try other values"
            )
    return root, leaves


# ---------------------------------------------------------------- steps


def _add_steps_command(add_parser: Callable[..., Parser]) -> None:
    steps = add_parser(
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
    if args.output.suffix.lower() not in (".html", ".htm"):  # before any work, not after it
        raise CommandError(
            f"{shorten_path(args.output)} would not open as a web page: the steps page is "
            "HTML, so end "
            "the file name with .html"
        )
    root, _ = _formula(args)
    count, _, _ = drawing_size(root, None, args.max_nodes)
    if count > args.max_nodes:
        raise CommandError(
            f"this graph has {count} values, more than --max-nodes {args.max_nodes}: too many "
            f"to read; pass --max-nodes {count} to put them all on the page, which shows "
            "every value"
        )
    with _graphviz_errors(args.timeout, ""):
        path = backprop_steps(
            root,
            args.output,
            rankdir=args.rankdir,
            max_nodes=args.max_nodes,
            timeout=args.timeout,
        )
    print(f"wrote {shorten_path(path)}: open it in a browser, and step with the arrow keys")


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """["x=2", "w=-3"] as {"x": 2.0, "w": -3.0}, with an error that names a bad item."""
    values: dict[str, float] = {}
    for item in items:
        name, equals, number = item.partition("=")
        # Python reads names in the formula in their NFKC form ("µ" as "μ"): so do we.
        name = unicodedata.normalize("NFKC", name.strip())
        if not equals or not name:
            raise CommandError(f"{quoted(item)} is not a value: write NAME=NUMBER, such as x=2")
        try:
            value = float(number)
        except ValueError:
            raise CommandError(
                f"{quoted(item)}: {quoted(number.strip())} is not a number"
            ) from None
        if not math.isfinite(value):
            raise CommandError(f"{quoted(item)}: the value must be a finite number")
        if name in values:
            raise CommandError(
                f"{shorten(name)} is given twice: {shorten(name)}={values[name]:g} and "
                f"{shorten(item)}"
            )
        values[name] = value
    return values


# ---------------------------------------------------------------- train

TRAIN_DESCRIPTION = """\
Train an MLP on a built-in 2-D dataset with gradient descent, then write three pictures
into the output folder: the decision boundary with the data points, the loss and accuracy
curves, and the graph of the model on one point; with --replay, a web page that replays the
training step by step, and with --gif, an animated GIF of it. Two classes are learned with
the max-margin loss and one output; more classes with cross-entropy, one output per class."""


def _add_train_command(add_parser: Callable[..., Parser]) -> None:
    train = add_parser(
        "train",
        help="train a network on a 2-D dataset and plot what it learned",
        description=TRAIN_DESCRIPTION,
        epilog=(
            "examples:\n"
            "  micrograd train --data moons --hidden 16,16 --steps 100 --out out/\n"
            "  micrograd train --data spiral --hidden 32,32 --steps 200\n"
            "  micrograd train --replay replay.html --gif training.gif # watch it learn\n"
            "  micrograd train --data circles --hidden '' # no hidden layer: a linear model"
        ),
        formatter_class=HelpFormatter,
    )
    add_options(train, TRAIN_OPTIONS, run=train_and_plot)
