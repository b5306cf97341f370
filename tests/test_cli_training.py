"""The training loop of the demos and `micrograd train` (micrograd.cli.training): a re-run
Graph that gives the eager loop's numbers, and a history that ends on the trained model."""

from __future__ import annotations

import pytest

pytest.importorskip("tqdm")

from micrograd import SGD, data, l2
from micrograd.cli.training import count_weights, data_loss, evaluate, make_model, train


@pytest.mark.parametrize("loss", ["max-margin", "log-loss"])
def test_train_re_runs_one_graph_and_matches_the_eager_loop_bit_for_bit(loss):
    X, y = data.moons(40, noise=0.1, seed=2)
    model = make_model([8, 8], 2, "relu", seed=4)
    history = train(model, X, y, SGD(model.parameters(), lr=0.3), steps=12, loss=loss, alpha=1e-4)

    eager = make_model([8, 8], 2, "relu", seed=4)
    optimizer = SGD(eager.parameters(), lr=0.3)
    losses = []
    for _ in range(12):
        fit = data_loss([eager(x) for x in X], y, loss)
        total = fit + l2(eager.parameters(), 1e-4)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        losses.append(fit.data)
    assert history.loss[:-1] == losses
    assert [p.data for p in model.parameters()] == [p.data for p in eager.parameters()]


def test_train_history_ends_on_the_trained_model():
    X, y = data.xor(30, seed=1)
    test = data.xor(20, seed=2)
    model = make_model([6], 2, "tanh", seed=3)
    history = train(
        model, X, y, SGD(model.parameters(), lr=0.2), steps=5, loss="max-margin", test=test
    )
    assert len(history.loss) == len(history.accuracy) == 6  # 5 updates, 6 states
    final_loss, final_accuracy = evaluate(model, X, y, "max-margin")
    assert history.loss[-1] == final_loss and history.accuracy[-1] == final_accuracy
    assert history.test_steps[-1] == 5
    assert (history.test_loss[-1], history.test_accuracy[-1]) == evaluate(
        model, *test, "max-margin"
    )


@pytest.mark.parametrize(("hidden", "classes"), [([], 2), ([16, 16], 2), ([5, 3], 3)])
def test_count_weights_counts_what_make_model_builds(hidden, classes):
    model = make_model(hidden, classes, "relu", seed=0)
    assert count_weights(hidden, classes) == len(model.parameters())
