"""Write the pages that play backpropagation step by step, for two graphs from the lecture.

    python demos/backprop_steps.py --out out/

writes out/neuron_steps.html, the lecture's neuron o = tanh(x1*w1 + x2*w2 + b), and
out/reused_value_steps.html, c = a*b + a, where `a` is used twice so that its grad adds
up. Open either file in a browser and press the → key to step through `backward()`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from micrograd import Value
from micrograd.cli.options import add_options, demo_parser, run_command
from micrograd.messages import shorten_path
from micrograd.steps import backprop_steps
from micrograd.viz.plots import output_folder


def neuron() -> Value:
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b), with b chosen so that o = 1/sqrt(2)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def reused_value() -> Value:
    """c = a*b + a: `a` feeds two ops, so two contributions add up in a.grad."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    return c


def main(argv: list[str] | None = None) -> list[Path]:
    """Write the two pages; returns their paths."""
    parser = demo_parser(__doc__, "python demos/backprop_steps.py --out out/")
    add_options(parser, "out")
    out = output_folder(parser.parse_args(argv).out, plots=False)
    print(
        "backward() visits the values from the output back to the inputs. At each step one\n"
        "value passes its grad to its inputs: input.grad += local_grad x its grad.\n"
        "Each page plays those steps; open it in a browser and press the right arrow key."
    )
    paths = [
        backprop_steps(neuron(), out / "neuron_steps.html"),
        backprop_steps(reused_value(), out / "reused_value_steps.html"),
    ]
    for path in paths:
        print(f"wrote {shorten_path(path)}")
    return paths


if __name__ == "__main__":
    sys.exit(run_command("backprop_steps.py", main))
