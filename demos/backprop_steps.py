"""Write the pages that play backpropagation step by step, for two graphs from the lecture.

    python demos/backprop_steps.py --out out/

writes out/neuron_steps.html, the lecture's neuron o = tanh(x1*w1 + x2*w2 + b), and
out/reused_value_steps.html, c = a*b + a, where `a` is used twice so that its grad adds
up. Open either file in a browser and press the → key to step through `backward()`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from micrograd import Value
from micrograd.steps import backprop_steps


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [
        backprop_steps(neuron(), args.out / "neuron_steps.html"),
        backprop_steps(reused_value(), args.out / "reused_value_steps.html"),
    ]
    for path in paths:
        print(path)
    return paths


if __name__ == "__main__":
    main()
