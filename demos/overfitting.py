"""Overfitting: a big network learns its few training points by heart, noise and all.

    python demos/overfitting.py       # pictures in out/

A network with 1,185 weights trains on just 24 noisy moons points, and is tested on 200
other points from the same moons that it never learns from. As training goes on, the loss
on the training points keeps falling towards 0, but after a while the loss on the test
points rises: the network has stopped learning the moons and started learning the noise of
its 24 points. Its boundary twists around single points.

The same network trained with an L2 penalty (alpha times the sum of its squared weights,
added to the loss) keeps its weights small and its boundary smooth: its training loss stays
higher, but its test loss does not rise. (A smaller network is the other cure: with
`--hidden 4` the test loss rises only a little.)

The loss is the log loss (binary cross-entropy), which rewards a confident right answer and
punishes a confident wrong one without limit: that is what makes the test loss climb.
overfitting_curves.png shows both losses for both networks; overfitting_boundaries.png
their boundaries over the training points.
"""

from __future__ import annotations

import sys
from pathlib import Path

from micrograd import Adam, data
from micrograd.cli.options import add_options, demo_parser, run_command
from micrograd.cli.training import LOSSES, check_graph_size, make_model, train
from micrograd.viz.plots import architecture, output_folder, plot_boundaries, plot_curves


def main(argv: list[str] | None = None) -> list[Path]:
    """Train a big network on few points with and without L2; plot train and test loss."""
    parser = demo_parser(__doc__, "python demos/overfitting.py --alpha 0.001")
    add_options(
        parser,
        "hidden steps lr alpha points test-points noise seed out resolution",
        hidden="32,32",
        steps=400,
        lr=0.02,  # Adam: overfitting shows within the time limit
        alpha=0.01,
        points=24,
        noise=0.35,
    )
    args = parser.parse_args(argv)
    check_graph_size(args.points, args.hidden, classes=2)
    out = output_folder(args.out)

    X, y = data.moons(args.points, noise=args.noise, seed=args.seed)
    # Another seed: other points from the same two moons, never used for training.
    test = data.moons(args.test_points, noise=args.noise, seed=args.seed + 1000)
    print(
        f"Training on {len(X)} noisy moons points, testing on {len(test[0])} others, "
        f"{args.steps} steps each:"
    )
    panels, histories = [], {}
    for alpha in (0.0, args.alpha):
        model = make_model(args.hidden, 2, "relu", args.seed)
        name = f"L2 alpha={alpha:g}" if alpha else "no penalty"
        optimizer = Adam(model.parameters(), lr=args.lr)
        history = train(
            model,
            X,
            y,
            optimizer,
            steps=args.steps,
            loss="log-loss",
            alpha=alpha,
            test=test,
            name=name,
        )
        best = min(range(len(history.test_loss)), key=history.test_loss.__getitem__)
        print(
            f"  {architecture(model)}, {name}: training loss {history.loss[-1]:.3f}, "
            f"{history.summary()}\n    (test loss lowest, {history.test_loss[best]:.3f}, "
            f"at step {history.test_steps[best]})"
        )
        test_accuracy = history.test_accuracy[-1]
        panels.append((f"{name}: {test_accuracy:.0%} of test points right", model))
        histories[name] = history
    print(
        "Without a penalty the training loss keeps falling while the test loss climbs: the "
        "network\nis learning the noise of its few points. With L2 both stay close together."
    )
    title = f"Overfitting? {architecture(model)} trained on {len(X)} points"
    return [
        plot_curves(histories, out / "overfitting_curves.png", title, LOSSES["log-loss"]),
        plot_boundaries(
            panels, X, y, out / "overfitting_boundaries.png", title, args.resolution, test
        ),
    ]


if __name__ == "__main__":
    sys.exit(run_command("overfitting.py", main))
