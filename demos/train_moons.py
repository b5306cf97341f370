"""Train a network on the moons and see what it learned: the classic micrograd demo.

    python demos/train_moons.py                 # pictures in out/
    python demos/train_moons.py --steps 300 --hidden 8

An MLP with two hidden layers of 16 ReLU neurons (337 weights) learns to tell two
interleaving half-moons of points apart. Every step is the loop that all networks learn by:
the forward pass computes a score for every point, the max-margin loss says how wrong the
scores are, backward() finds each weight's grad by the chain rule, and gradient descent
moves every weight a little against its grad. A progress bar shows the loss falling and the
accuracy rising. Then three pictures, a page and a GIF are written into out/:

- moons_boundary.png: the decision boundary, a curve no straight line could make;
- moons_curves.png: the loss and the accuracy at every step;
- moons_graph.png: the graph of the trained model on one point, along the path by which
  the most grad flows back from the score to the inputs, each value with its data and its
  grad, so you can see which weights push the score up (blue) or down (orange);
- moons_replay.html: the training replayed step by step (open it in a browser): the
  boundary, every neuron's output over the plane, a point's values and grads at each step;
- moons_training.gif: the boundary and the curves over training, for slides.

Training and plotting are shared with the command line (`micrograd train`): both call
`train_and_plot` in micrograd/cli/training.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from micrograd.cli.options import TRAIN_OPTIONS, add_options, demo_parser, run_command
from micrograd.cli.training import train_and_plot


def main(argv: list[str] | None = None) -> list[Path]:
    """Train on the moons and write the pictures; returns their paths."""
    parser = demo_parser(__doc__, "python demos/train_moons.py --steps 300 --out out/")
    # The options of `micrograd train`, but always on the moons, with a replay and a GIF.
    add_options(parser, TRAIN_OPTIONS.replace("data ", ""), data="moons")
    args = parser.parse_args(argv)
    args.replay = args.replay or args.out / "moons_replay.html"
    args.gif = args.gif or args.out / "moons_training.gif"
    return train_and_plot(args)


if __name__ == "__main__":
    sys.exit(run_command("train_moons.py", main))
