"""micrograd.viz.plots draws in its projector style and leaves matplotlib as it found it: the
program or notebook that calls it keeps its own backend and settings."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="plotting needs the demos extra")
pytest.importorskip("tqdm", reason="plotting needs the demos extra")

from micrograd import MLP  # noqa: E402
from micrograd.cli.training import History  # noqa: E402
from micrograd.viz.plots import plot_boundaries, plot_curves  # noqa: E402


def test_plotting_leaves_matplotlibs_backend_and_settings_alone(tmp_path):
    backend = matplotlib.get_backend()
    matplotlib.use("svg")  # a backend of the caller's own choosing, not Agg
    try:
        with matplotlib.rc_context({"font.size": 7.0, "axes.grid": False}):
            before = dict(matplotlib.rcParams)
            history = History(loss=[0.9, 0.5, 0.2], accuracy=[0.5, 0.75, 1.0])
            plot_curves({"tiny": history}, tmp_path / "curves.png", "Training", "max-margin loss")
            model = MLP(2, [3, 1], seed=1)
            X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
            plot_boundaries([("tiny", model)], X, y, tmp_path / "boundary.png", "Tiny", 6)
            after = dict(matplotlib.rcParams)
            assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(backend)
    assert [key for key in before if before[key] != after[key]] == []
    assert (tmp_path / "curves.png").stat().st_size > 1000
    assert (tmp_path / "boundary.png").stat().st_size > 1000
