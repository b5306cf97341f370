"""Tests for micrograd.viz.plots: what the training pictures show, read back from the
matplotlib figure itself, and the size of the graph picture the demos write for slides."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from test_cli import needs_plotting

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
