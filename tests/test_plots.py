"""Tests for micrograd.viz.plots: what the training pictures show, read back from the
matplotlib figure itself, the size of the graph picture the demos write for slides, and
that plotting leaves matplotlib as it found it (a notebook keeps its backend and settings)."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from test_cli import CAN_RENDER, needs_plotting

from micrograd import MLP, Value
from micrograd.cli.training import History
from micrograd.viz import plots


def test_mean_of_last_averages_each_value_with_those_before_it():
    assert plots.mean_of_last([1.0, 0.0, 1.0, 0.0, 1.0], 2) == [1.0, 0.5, 0.5, 0.5, 0.5]
    assert plots.mean_of_last([0.5, 1.0, 0.0], 1) == [0.5, 1.0, 0.0]
    assert plots.mean_of_last([0.0, 3.0], 5) == [0.0, 1.5]  # fewer at the start
    assert plots.mean_of_last([], 3) == []


def _figure_of(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Keep the figure that a plot function saves, to read what it shows."""
    kept: dict[str, Any] = {}

    def keep(figure: Any, path: Path, what: str) -> Path:
        kept["figure"] = figure
        return path

    monkeypatch.setattr(plots, "save_figure", keep)
    return kept


@needs_plotting
def test_plot_curves_accuracy_from_0_to_100_and_without_a_band_of_flicker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    kept = _figure_of(monkeypatch)
    # 400 steps on 24 points: accuracy jumps between 20 and 21 right at every step, which
    # a thick line draws as a solid band.
    flicker = History(
        loss=[1 / (step + 1) for step in range(400)],
        accuracy=[(20 + step % 2) / 24 for step in range(400)],
        test_steps=list(range(0, 400, 4)),
        test_loss=[0.5] * 100,
        test_accuracy=[0.8] * 100,
    )
    steady = History(loss=[0.3] * 400, accuracy=[0.77] * 400)
    plots.plot_curves(
        {"L2": flicker, "none": steady},
        tmp_path / "c.png",
        "title",
        "log loss (binary cross-entropy)",
    )
    loss_ax, accuracy_ax = kept["figure"].axes
    assert loss_ax.get_ylabel() == "log loss (binary cross-entropy)"
    # From 0, so that 77% does not look like the bottom of the scale.
    assert accuracy_ax.get_ylim() == (0.0, 1.02)
    assert accuracy_ax.get_title() == "accuracy (training: mean of 8 steps)"
    lines = {line.get_label(): line for line in accuracy_ax.get_lines()}
    training = list(lines["L2: training data"].get_ydata())
    assert len(training) == 400
    jumps = [abs(b - a) for a, b in pairwise(training[8:])]
    assert max(jumps) < 0.01 < 1 / 24  # steady at the mean, 20.5 / 24
    assert training[-1] == pytest.approx(20.5 / 24)
    # The test accuracy, on points the model never learns from, is drawn as measured.
    assert list(lines["L2: test data"].get_ydata()) == [0.8] * 100


@needs_plotting
def test_plot_curves_of_a_short_run_draws_accuracy_as_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    kept = _figure_of(monkeypatch)
    run = History(loss=[0.5, 0.4, 0.3], accuracy=[0.77, 0.9, 1.0])
    plots.plot_curves({"moons": run}, tmp_path / "c.png", "title", "max-margin loss")
    accuracy_ax = kept["figure"].axes[1]
    assert accuracy_ax.get_title() == "accuracy"
    assert list(accuracy_ax.get_lines()[0].get_ydata()) == [0.77, 0.9, 1.0]
    assert accuracy_ax.get_ylim() == (0.0, 1.02)


def _scored(model: MLP, point: list[float]) -> Value:
    root = model([Value(x, label=f"x{i + 1}") for i, x in enumerate(point)])
    assert isinstance(root, Value)
    root.backward()
    return root


def test_strongest_path_follows_the_largest_grad_back_to_the_inputs():
    model = MLP(2, [4, 3, 1], seed=5)
    root = _scored(model, [0.7, -0.4])
    path = plots.strongest_path(model, root)
    output, hidden_2 = model.layers[2].neurons, model.layers[1].neurons
    # The output neuron: its sum (the root), its bias, and the input with the most grad
    # behind it, with its weight.
    second = root.inputs[3:6]  # the activations of hidden layer 2
    behind = [abs(v.inputs[0].grad) for v in second]
    k = behind.index(max(behind))
    assert {output[0].b, output[0].w[k], second[k]} <= path
    assert not {w for j, w in enumerate(output[0].w) if j != k} & path
    # Through that neuron, then one of hidden layer 1, down to every input of its sum.
    summed = second[k].inputs[0]
    first = summed.inputs[4:8]
    behind = [abs(v.inputs[0].grad) for v in first]
    j = behind.index(max(behind))
    assert {summed, hidden_2[k].b, hidden_2[k].w[j], first[j], first[j].inputs[0]} <= path
    assert set(first[j].inputs[0].inputs) <= path  # x1, x2, w1, w2, b
    # score; b, w, activation; its sum; b, w, activation; its sum; x1, x2, w1, w2, b
    assert len(path) == 1 + 3 + 1 + 3 + 1 + 5


@needs_plotting
@pytest.mark.skipif(not CAN_RENDER, reason="no Graphviz to draw with")
def test_moons_graph_picture_reads_on_a_16_by_9_slide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    drawings = []
    save = plots.save

    def keep(drawing: Any, path: Path) -> Path:
        drawings.append(drawing)
        return save(drawing, path)

    monkeypatch.setattr(plots, "save", keep)
    model = MLP(2, [16, 16, 1], seed=1337)  # the moons demo's network
    written = plots.draw_one_point(model, [-0.69, 0.85], 0, tmp_path / "graph.png")
    assert written is not None
    png = written.read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    [drawing] = drawings
    smallest = min(float(size) for size in re.findall(r"fontsize=(\d+)", drawing.source))
    dpi = float(drawing.graph_attr["dpi"])
    # Fitted to a 1920 x 1080 slide, the smallest text is at least 12 px high. (All 404
    # values at depth 2 made a portrait of 1903 x 3220 px: text of about 5 px.)
    on_slide = smallest * dpi / 72 * min(1920 / width, 1080 / height)
    assert on_slide >= 12, (width, height, smallest, on_slide)
    assert width >= height  # a slide is wider than it is high
    printed = capsys.readouterr().out
    assert "has 404 values.\nThe picture follows one path back from the score to the inputs" in (
        printed
    )
    assert "too many" not in printed


@needs_plotting
def test_plotting_leaves_matplotlibs_backend_and_settings_alone(tmp_path):
    import matplotlib as mpl

    from micrograd.viz.plots import plot_boundaries, plot_curves

    backend = mpl.get_backend()
    mpl.use("svg")  # a backend of the caller's own choosing, not Agg
    try:
        with mpl.rc_context({"font.size": 7.0, "axes.grid": False}):
            before = dict(mpl.rcParams)
            history = History(loss=[0.9, 0.5, 0.2], accuracy=[0.5, 0.75, 1.0])
            plot_curves({"tiny": history}, tmp_path / "curves.png", "Training", "max-margin loss")
            model = MLP(2, [3, 1], seed=1)
            X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
            plot_boundaries([("tiny", model)], X, y, tmp_path / "boundary.png", "Tiny", 6)
            after = dict(mpl.rcParams)
            assert mpl.get_backend() == "svg"
    finally:
        mpl.use(backend)
    assert [key for key in before if before[key] != after[key]] == []
    assert (tmp_path / "curves.png").stat().st_size > 1000
    assert (tmp_path / "boundary.png").stat().st_size > 1000
