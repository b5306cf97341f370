"""The options that the command line and the demos share, and how both report a mistake:
one line on stderr and exit status 2, never a traceback.

A demo builds its parser with `demo_parser` and `add_options`, so that `--steps`, `--lr` or
`--out` mean the same in every demo and in `micrograd train`.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from .. import data
from ..engine import Graph, Value
from ..messages import shorten
from ..nn import ACTIVATIONS
from ..viz import RenderError
from ..viz.dot import distances
from ..viz.plots import MissingExtraError

MESSAGE_LIMIT = 600  # characters of an error line; the longest of ours has about 330


class CommandError(Exception):
    """A problem with what the user asked for, reported as one line, without a traceback."""


@contextmanager
def printable_output() -> Iterator[None]:
    """For the while, stdout writes what its encoding cannot (a name "µ" or a path "é" on
    an ASCII terminal) as backslash escapes, `\\xb5`, as stderr always does, instead of
    failing with a UnicodeEncodeError after the work is done."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    errors = getattr(sys.stdout, "errors", None)
    if reconfigure is None or errors in (None, "backslashreplace"):
        yield
        return
    reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        reconfigure(errors=errors)


def run_command(program: str, action: Callable[[], object]) -> int:
    """Run `action`; report a problem with the user's input as one line on stderr."""
    try:
        with printable_output():
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
        print(f"{program}: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    return 0


def one_line(message: str) -> str:
    """An error message as one short line, safe for a terminal, whatever made it: our
    messages quote the user's text safely already, but a program's own words (Graphviz's,
    several lines long) come as they are. Lines are joined with " / ", anything that does
    not print is escaped, and the whole is cut to MESSAGE_LIMIT characters."""
    text = " / ".join(line.strip() for line in message.splitlines() if line.strip())
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 4].rstrip() + " ..."


class Parser(argparse.ArgumentParser):
    """argparse, with each usage error on one line and a pointer to --help; and unknown
    arguments reported by the command that got them. A command that reads a formula sets
    `takes_formula`, so that "-x*2", which argparse reads as an option, gets a hint."""

    takes_formula = False

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, unknown = self.parse_known_args(args, namespace)
        if unknown:
            # A command's parser leaves what it does not know to this one: it reports it.
            command = getattr(parsed, "command_parser", self)
            command.error(command.unknown_arguments_message(unknown))
        return parsed

    def unknown_arguments_message(self, unknown: list[str]) -> str:
        shown = " ".join(quoted(argument) for argument in unknown[:3])
        more = f" and {len(unknown) - 3:,} more" if len(unknown) > 3 else ""
        message = f"unrecognized arguments: {shown}{more}"
        if self.takes_formula and any(re.match(r"-[^-]", argument) for argument in unknown):
            # argparse reads a formula such as "-x*2" as an option it does not know.
            message += ' (a formula that starts with "-" reads as an option: write "(-x*2)")'
        return message

    def error(self, message: str) -> NoReturn:
        # argparse quotes what it refuses whole: `--data` followed by a megabyte of text.
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def drawing_size(root: Value, depth: int | None, max_nodes: int) -> tuple[int, int, int]:
    """How many values a picture of `root` draws (those within `depth` ops of it), and what
    fits in `max_nodes`: the deepest depth (0 if not even 1 fits) and its count of values.
    The command line words its own advice from these, in flags (`--depth 3`), where the
    library's says `depth=3`."""
    distance = distances(Graph(root).values)
    count = sum(depth is None or d <= depth for d in distance.values())
    values_at = Counter(distance.values())  # how many values are k ops from the root
    fitting_depth, within, total = 0, 1, 0
    for k in range(max(values_at) + 1):
        total += values_at[k]
        if total > max_nodes:
            break
        fitting_depth, within = k, total
    return count, fitting_depth, within


def add_options(parser: argparse.ArgumentParser, names: str, **defaults: Any) -> None:
    """Add the options of OPTIONS named in `names` ("steps lr out"), with other defaults
    if given: the command line and every demo take the same options the same way."""
    for name in names.split():
        parser.add_argument(f"--{name}", **OPTIONS[name])
    parser.set_defaults(**defaults)


def demo_parser(doc: str, example: str) -> argparse.ArgumentParser:
    """An argument parser for a demo whose --help shows its docstring, an example, and
    each option's default."""
    return Parser(description=doc, epilog=f"example:\n  {example}", formatter_class=HelpFormatter)


# Limits on what the command line reads, checked before any work: each keeps a run within
# the memory and the minutes of a laptop, and a mistyped number gets a one-line refusal
# naming its flag instead of a MemoryError after minutes.
MAX_STEPS = 1_000_000
MAX_POINTS = 100_000
MAX_LAYER_SIZE = 10_000
MAX_LAYERS = 100
MAX_RESOLUTION = 1_000
MAX_SEED = 2**32 - 1
MAX_NOISE = 10.0  # the datasets' points lie within about 2 of the centre: more drowns them
MAX_ALPHA = 1.0  # a stronger L2 penalty outweighs any loss: the weights only shrink


def layer_sizes(text: str) -> list[int]:
    """ "16,16" as [16, 16]; "" as [] (no hidden layer)."""
    parts = [part for part in text.split(",") if part.strip()]
    if len(parts) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_LAYERS} hidden layers, got {len(parts):,}: {quoted(text)}"
        )
    try:
        sizes = [int(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is not a list of layer sizes such as 16,16"
        ) from None
    if any(not 1 <= size <= MAX_LAYER_SIZE for size in sizes):
        raise argparse.ArgumentTypeError(
            f"layer sizes must be from 1 to {MAX_LAYER_SIZE:,}, got {quoted(text)}"
        )
    return sizes


def whole_number(minimum: int, maximum: int) -> Callable[[str], int]:
    """A whole number from `minimum` to `maximum`, for argparse."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:  # also for more than 4,300 digits
            number = minimum - 1
        if not minimum <= number <= maximum:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {minimum:,} to {maximum:,}, got {quoted(text)}"
            )
        return number

    return parse


def positive(text: str) -> float:
    """A finite number > 0, for argparse."""
    number = non_negative(text)
    if number == 0:
        raise argparse.ArgumentTypeError(f"needs a number > 0, got {quoted(text)}")
    return number


def non_negative(text: str) -> float:
    """A finite number >= 0, for argparse."""
    return number_between(0.0, math.inf)(text)


def number_between(low: float, high: float) -> Callable[[str], float]:
    """A finite number from `low` to `high`, for argparse."""

    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"needs a number, got {quoted(text)}") from None
        if not (math.isfinite(number) and low <= number <= high):
            limits = f">= {low:g}" if high == math.inf else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"needs a finite number {limits}, got {quoted(text)}")
        return number

    return parse


def quoted(text: str) -> str:
    """The user's text in a message: quoted, on one line, and short."""
    return shorten(text, quoted=True)


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
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
    "steps": {
        "type": whole_number(1, MAX_STEPS),
        "default": 100,
        "metavar": "N",
        "help": "training steps",
    },
    "lr": {"type": positive, "default": 1.0, "metavar": "RATE", "help": "learning rate"},
    "alpha": {
        "type": number_between(0.0, MAX_ALPHA),
        "default": 1e-4,
        "help": "strength of the L2 penalty on weights",
    },
    "points": {
        "type": whole_number(2, MAX_POINTS),
        "default": 100,
        "metavar": "N",
        "help": "data points",
    },
    "noise": {
        "type": number_between(0.0, MAX_NOISE),
        "help": "noise in the data (if not given, the dataset's own)",
    },
    "seed": {
        "type": whole_number(0, MAX_SEED),
        "default": 1,
        "help": "seed for the data and the first weights",
    },
    "out": {
        "type": Path,
        "default": "out",
        "metavar": "FOLDER",
        "help": "folder to write the pictures into",
    },
    "resolution": {
        "type": whole_number(2, MAX_RESOLUTION),
        "default": 100,
        "metavar": "N",
        "help": "grid points per side when drawing decision boundaries",
    },
    "test-points": {
        "type": whole_number(1, MAX_POINTS),
        "default": 200,
        "metavar": "N",
        "help": "points to test on, never trained on",
    },
    "graph-depth": {
        "type": whole_number(0, 1_000),
        "default": None,
        "metavar": "K",
        "help": "how many ops back from the output the graph picture goes "
        "(default: back to the inputs; 0: no picture)",
    },
    "replay": {
        "type": Path,
        "metavar": "PAGE.html",
        "help": "also write a web page that replays the training step by step",
    },
    "gif": {
        "type": Path,
        "metavar": "PATH.gif",
        "help": "also write an animated GIF of the boundary and the curves over training",
    },
}

TRAIN_OPTIONS = (
    "data hidden activation steps lr alpha points noise seed out resolution graph-depth replay gif"
)
