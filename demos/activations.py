"""Activation functions, and why a network needs them.

    python demos/activations.py       # pictures in out/

A neuron passes its weighted sum through an activation function. Three common ones:

- sigmoid squashes any number into (0, 1);
- ReLU gives 0 for a negative number and the number itself for a positive one;
- tanh squashes any number into (-1, 1).

activations.png plots each with its slope (derivative), which backward() computes: where the
slope is near 0, little grad flows back through the neuron.

Why have them at all? Without an activation, a layer is a weighted sum of its inputs, and a
weighted sum of weighted sums is again a weighted sum: however many layers, the whole network
is one linear function, w1*x1 + w2*x2 + b, and its decision boundary is a straight line.
activations_boundaries.png shows the same network trained on the moons twice: with ReLU it
bends its boundary around the moons; without activations it cannot.
"""

from __future__ import annotations

import sys
from pathlib import Path

from micrograd import MLP, SGD, Value
from micrograd.cli.options import add_options, demo_parser, run_command
from micrograd.cli.training import (
    check_graph_size,
    falling_rate,
    load_dataset,
    make_model,
    train,
)
from micrograd.viz.plots import (
    CLASS_COLORS,
    architecture,
    new_figure,
    output_folder,
    plot_boundaries,
    projector_style,
    save_figure,
)

FUNCTIONS = {
    "sigmoid": ("sigmoid: output in (0, 1)", Value.sigmoid),
    "relu": ("ReLU: max(0, x)", Value.relu),
    "tanh": ("tanh: output in (-1, 1)", Value.tanh),
}


@projector_style
def plot_activations(path: Path) -> Path:
    """Each activation and its slope, the slope found by backward() at every point."""
    figure, axes = new_figure(3, "Activation functions and their slopes", size=(5.5, 5.0))
    xs = [-5 + 10 * i / 400 for i in range(401)]
    for ax, (title, function) in zip(axes, FUNCTIONS.values()):
        outputs, slopes = [], []
        for x in xs:
            value = Value(x)
            out = function(value)
            out.backward()  # value.grad is now d(out)/d(value): the slope at x
            outputs.append(out.data)
            slopes.append(value.grad)
        ax.plot(xs, outputs, color=CLASS_COLORS[0], label="f(x)")
        ax.plot(xs, slopes, "--", color=CLASS_COLORS[1], label="slope f'(x)")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set(title=title, xlabel="input x", ylabel="output", ylim=(-1.3, 2.3))
        ax.legend(loc="upper left")
    return save_figure(figure, path, "sigmoid, ReLU and tanh, each with its slope")


def as_one_weighted_sum(model: MLP) -> tuple[float, float, float]:
    """w1, w2, b such that a network without activations is w1*x1 + w2*x2 + b everywhere.

    A linear function is known from three points: its value at (0, 0) is b, and moving one
    step along x1 or x2 adds w1 or w2.
    """
    b = _score(model, 0.0, 0.0)
    return _score(model, 1.0, 0.0) - b, _score(model, 0.0, 1.0) - b, b


def _plus(number: float) -> str:
    """+ 0.108 or - 2.953: a term added on, its sign spaced like an operator."""
    return f"{'-' if number < 0 else '+'} {abs(number):.3f}"


def _score(model: MLP, x1: float, x2: float) -> float:
    output = model([x1, x2])
    assert isinstance(output, Value)  # one output: the models here tell two classes apart
    return output.data


def main(argv: list[str] | None = None) -> list[Path]:
    """Plot the activations, then train the same network with and without them."""
    parser = demo_parser(__doc__, "python demos/activations.py --activation tanh")
    # A network without activations multiplies its layers' weights together, and at the
    # moons demo's learning rate of 1.0 those products blow up: 0.3 suits both networks.
    add_options(parser, "activation hidden steps lr alpha points noise seed out resolution", lr=0.3)
    args = parser.parse_args(argv)
    check_graph_size(args.points, args.hidden, classes=2)
    out = output_folder(args.out)
    paths = [plot_activations(out / "activations.png")]

    X, y = load_dataset("moons", args.points, args.noise, args.seed)
    print(
        f"\nTraining the same network on {len(X)} moons points twice, {args.steps} steps each: "
        f"with {args.activation} in its hidden layers, and with none (linear)."
    )
    panels = []
    for activation in (args.activation, "linear"):
        model = make_model(args.hidden, 2, activation, args.seed)
        optimizer = SGD(model.parameters(), lr=falling_rate(args.lr, args.steps))
        name = architecture(model)
        history = train(
            model, X, y, optimizer, steps=args.steps, loss="max-margin", alpha=args.alpha, name=name
        )
        print(f"  {name}: {history.summary()}")
        panels.append((f"{name}: accuracy {history.accuracy[-1]:.0%}", model))
    w1, w2, b = as_one_weighted_sum(model)
    print(
        f"Without activations, all {len(model.parameters())} weights of the network add up to "
        f"one weighted sum:\n  score = {w1:.3f}*x1 {_plus(w2)}*x2 {_plus(b)}\n"
        "for every point, so its boundary (score = 0) is a straight line."
    )
    title = f"The same network with activations ({args.activation}) and without (linear)"
    paths.append(
        plot_boundaries(panels, X, y, out / "activations_boundaries.png", title, args.resolution)
    )
    return paths


if __name__ == "__main__":
    sys.exit(run_command("activations.py", main))
