"""Worker for bench_training.py: micrograd's moons demo, run by one implementation.

    python benchmarks/training.py IMPL SETUP.json STEPS

IMPL is "ours", "0.1.0" (Karpathy's micrograd, found on PYTHONPATH), "plain" (floats and
a hand-written backward) or "plain-skip" (the same, skipping zero gradients). SETUP.json
holds the points, labels and initial weights, so that all start from the same place.
Prints a JSON report: the time of every step and the loss before it, and for ours also
the grid timings.

The demo: MLP 2-16-16-1 with ReLU, max-margin loss + 1e-4 L2, full batch, SGD with
learning rate 1 - 0.9 k / 100 at step k.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import sys
import time
from typing import Any

ALPHA = 1e-4  # the L2 penalty's weight
SIZES = [2, 16, 16, 1]


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


def load_weights(model: Any, weights: list[float]) -> None:
    """Set the parameters in micrograd's order: layer by layer, neuron by neuron, w then b."""
    params = model.parameters()
    assert len(params) == len(weights), (len(params), len(weights))
    for p, w in zip(params, weights):
        p.data = w


def run_ours(
    X: list[list[float]], y: list[float], weights: list[float], steps: int
) -> dict[str, Any]:
    from micrograd import MLP, SGD, l2, max_margin, no_grad

    model = MLP(2, SIZES[1:])
    load_weights(model, weights)
    optimizer = SGD(model.parameters(), lr=learning_rate)

    def step(points: list[list[float]], labels: list[float]) -> float:
        loss = max_margin([model(x) for x in points], labels) + l2(model.parameters(), ALPHA)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    report = train(lambda: step(X, y), steps)
    # The decision-boundary plot: a 100 x 100 grid evaluated without a graph, against one
    # training step with a graph on the same 10,000 points.
    grid = [[-2.0 + 4.0 * i / 99, -1.5 + 3.0 * j / 99] for i in range(100) for j in range(100)]
    grid_labels = [1.0 if x1 > x2 else -1.0 for x1, x2 in grid]
    start = time.perf_counter()
    with no_grad():
        [model(x) for x in grid]
    report["grid_no_grad"] = time.perf_counter() - start
    start = time.perf_counter()
    step(grid, grid_labels)
    report["grid_step"] = time.perf_counter() - start
    import micrograd

    report["micrograd"] = micrograd.__file__
    report["version"] = micrograd.__version__
    return report


def run_ours_rerun(
    X: list[list[float]], y: list[float], weights: list[float], steps: int
) -> dict[str, Any]:
    """The same training, recording the graph once and re-running it (`Graph.forward`)."""
    from micrograd import MLP, SGD, Graph, l2, max_margin

    model = MLP(2, SIZES[1:])
    load_weights(model, weights)
    optimizer = SGD(model.parameters(), lr=learning_rate)
    loss = max_margin([model(x) for x in X], y) + l2(model.parameters(), ALPHA)
    graph = Graph(loss)

    def step() -> float:
        graph.forward()
        optimizer.zero_grad()
        graph.backward()
        optimizer.step()
        return loss.data

    report = train(step, steps)
    import micrograd

    report["micrograd"] = micrograd.__file__
    report["version"] = micrograd.__version__
    return report


def run_karpathy(
    X: list[list[float]], y: list[float], weights: list[float], steps: int
) -> dict[str, Any]:
    import micrograd
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, SIZES[1:])
    load_weights(model, weights)

    def step(k: int) -> float:
        # micrograd 0.1.0's demo notebook, as written there.
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= learning_rate(k) * p.grad
        return total_loss.data

    counter = iter(range(steps))
    report = train(lambda: step(next(counter)), steps)
    report["micrograd"] = micrograd.__file__
    report["version"] = None
    return report


def run_plain(
    X: list[list[float]], y: list[float], weights: list[float], steps: int, skip_zeros: bool
) -> dict[str, Any]:
    """The same step by hand: forward keeping every activation, then backward by the
    chain rule. With `skip_zeros`, it skips what has no gradient (a ReLU at 0, a sample
    past its margin), as our engine skips nodes whose grad is 0."""
    W: list[list[list[float]]] = []  # W[layer][neuron] = [w0, w1, ..., b]
    at = 0
    for nin, nout in itertools.pairwise(SIZES):
        W.append([weights[at + j * (nin + 1) : at + (j + 1) * (nin + 1)] for j in range(nout)])
        at += nout * (nin + 1)
    last = len(W) - 1
    n = len(X)

    def step(k: int) -> float:
        grads = [[[0.0] * len(row) for row in layer] for layer in W]
        data_loss = 0.0
        for x, target in zip(X, y):
            activations = [x]
            for index, layer in enumerate(W):
                a = activations[-1]
                out = []
                for row in layer:
                    s = row[-1]
                    for w, ai in zip(row, a):
                        s += w * ai
                    out.append(s if index == last or s > 0 else 0.0)
                activations.append(out)
            margin = 1.0 - target * activations[-1][0]
            data_loss += max(margin, 0.0)
            upstream = [-target / n if margin > 0 else 0.0]
            for index in range(last, -1, -1):
                a = activations[index]
                below = [0.0] * len(a)
                for j, (row, g) in enumerate(zip(W[index], upstream)):
                    if index != last and activations[index + 1][j] <= 0:
                        g = 0.0  # a ReLU at 0 passes nothing back
                    if skip_zeros and g == 0.0:
                        continue
                    grad_row = grads[index][j]
                    for i, ai in enumerate(a):
                        grad_row[i] += g * ai
                        below[i] += g * row[i]
                    grad_row[-1] += g
                upstream = below
        squares = 0.0
        rate = learning_rate(k)
        for layer, grad_layer in zip(W, grads):
            for row, grad_row in zip(layer, grad_layer):
                for i, w in enumerate(row):
                    squares += w * w
                    row[i] = w - rate * (grad_row[i] + 2 * ALPHA * w)
        return data_loss / n + ALPHA * squares

    counter = iter(range(steps))
    return train(lambda: step(next(counter)), steps)


def train(step: Any, steps: int) -> dict[str, Any]:
    """Time each step; record the loss each one computed."""
    seconds, losses = [], []
    for _ in range(steps):
        start = time.perf_counter()
        losses.append(step())
        seconds.append(time.perf_counter() - start)
    return {
        "step_seconds": seconds,
        "losses": losses,
        "gc_enabled": gc.isenabled(),
        "version": None,
    }


def main() -> None:
    impl, setup_path, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(setup_path) as file:
        setup = json.load(file)
    sys.setrecursionlimit(10_000)  # 0.1.0's recursive sort; ours and plain need none
    random.seed(0)
    args = (setup["X"], setup["y"], setup["weights"], steps)
    if impl in ("ours", "base"):  # "base": our package at an earlier commit
        report = run_ours(*args)
    elif impl == "ours-rerun":
        report = run_ours_rerun(*args)
    elif impl == "0.1.0":
        report = run_karpathy(*args)
    else:  # "plain" or "plain-skip"
        report = run_plain(*args, skip_zeros=impl == "plain-skip")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
