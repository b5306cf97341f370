"""Smoke tests for the scripts in demos/: each runs with tiny settings into tmp_path and writes
real pictures, and what it prints holds the numbers it teaches."""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from test_cli import CAN_RENDER, assert_picture, needs_dot, needs_plotting

from micrograd import MLP, no_grad

DEMOS = Path(__file__).resolve().parent.parent / "demos"
TINY = ["--points", "16", "--steps", "3", "--resolution", "8"]


def load(name: str) -> ModuleType:
    """A demo script as a module: demos/ is not a package."""
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_plotting
def test_train_moons_writes_boundary_curves_and_graph(tmp_path, capsys):
    paths = load("train_moons").main([*TINY, "--hidden", "4", "--out", str(tmp_path)])
    names = ["moons_boundary.png", "moons_curves.png"] + (["moons_graph.png"] if CAN_RENDER else [])
    assert [p.name for p in paths] == [*names, "moons_replay.html", "moons_training.gif"]
    for path in paths[:-2]:
        assert_picture(path)
    assert paths[-1].read_bytes().startswith(b"GIF89a")
    printed = capsys.readouterr().out
    assert "Training MLP(2 -> 4 relu -> 1 linear) with 17 parameters" in printed
    assert "After 3 steps: max-margin loss" in printed


def test_train_moons_defaults_are_the_classic_demo(monkeypatch):
    demo = load("train_moons")
    monkeypatch.setattr(demo, "train_and_plot", lambda args: args)  # only read the options
    args = demo.main([])
    assert (args.data, args.hidden, args.activation, args.steps) == ("moons", [16, 16], "relu", 100)
    assert (args.lr, args.alpha, args.points, args.out) == (1.0, 1e-4, 100, Path("out"))
    assert (args.replay, args.gif) == (
        Path("out/moons_replay.html"),
        Path("out/moons_training.gif"),
    )


def test_neuron_prints_every_value_and_grad(tmp_path, capsys):
    paths = load("neuron").main(["--out", str(tmp_path)])
    printed = capsys.readouterr().out
    table = dict(
        re.findall(r"^  (.+?) +-?\d+\.\d{4} +(-?\d+\.\d{4})$", printed, flags=re.MULTILINE)
    )
    grads = {name: float(grad) for name, grad in table.items()}
    assert grads == {
        "x1": -1.5,
        "x2": 0.5,
        "w1": 1.0,
        "w2": 0.0,
        "b": 0.5,
        # Named as on the steps page: by what they compute.
        "x1*w1": 0.5,
        "x2*w2": 0.5,
        "x1*w1 + x2*w2": 0.5,
        "n": 0.5,
        "o": 1.0,
    }
    assert "o             =   0.7071   = tanh(n) = tanh(0.8814)" in printed
    assert "n             =   0.8814   = x1*w1 + x2*w2 + b = -6.0000 + 6.8814" in printed
    assert "x1.grad              +=    -3.0000 *      0.5000 =  -1.5000  d(x1*w1)/d(x1) = w1" in (
        printed
    )
    assert "(x1*w1).grad         +=     1.0000 *      0.5000 =   0.5000" in printed
    if CAN_RENDER:
        assert [p.name for p in paths] == ["neuron.png"]
        assert_picture(paths[0])
        # Fitted to a 1920 x 1080 slide, its 12 pt text (at 120 dpi) is at least 12 px high.
        png = paths[0].read_bytes()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert 12 * 120 / 72 * min(1920 / width, 1080 / height) >= 12, (width, height)
    else:
        assert "skipped" in printed


@needs_dot
def test_neuron_names_its_values_as_the_steps_page_does(tmp_path):
    from micrograd.steps import backprop_steps

    values = load("neuron").neuron(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432)
    computed = [v.label for v in values if v.inputs and v.label not in ("n", "o")]
    assert computed == ["x1*w1", "x2*w2", "x1*w1 + x2*w2"]
    # The steps page names the lecture's unlabelled values by what they compute.
    page = backprop_steps(load("backprop_steps").neuron(), tmp_path / "steps.html").read_text()
    for label in computed:
        assert f"({label}).grad" in page


@needs_dot
def test_neuron_runs_as_a_script(tmp_path):
    done = subprocess.run(
        [sys.executable, str(DEMOS / "neuron.py"), "--out", str(tmp_path), "--rankdir", "LR"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert_picture(tmp_path / "neuron.png")


@needs_plotting
def test_activations_plots_and_trains_with_and_without(tmp_path, capsys):
    paths = load("activations").main([*TINY, "--hidden", "4,4", "--out", str(tmp_path)])
    assert [p.name for p in paths] == ["activations.png", "activations_boundaries.png"]
    for path in paths:
        assert_picture(path)
    printed = capsys.readouterr().out
    assert "MLP 2-4-4-1, relu: training accuracy" in printed
    assert "MLP 2-4-4-1, linear: training accuracy" in printed
    assert re.search(r"score = -?[\d.]+\*x1 [+-] [\d.]+\*x2 [+-] [\d.]+\n", printed)


def test_a_network_without_activations_is_one_weighted_sum():
    demo = load("activations")
    model = MLP(2, [5, 5, 1], activation="linear", seed=3)
    w1, w2, b = demo.as_one_weighted_sum(model)
    with no_grad():
        for x1, x2 in [(0.3, -1.2), (2.0, 0.5), (-4.0, 3.0)]:
            score = model([x1, x2]).data
            assert math.isclose(score, w1 * x1 + w2 * x2 + b, rel_tol=1e-9, abs_tol=1e-9)


@needs_plotting
def test_depth_compares_a_shallow_and_a_deep_network(tmp_path, capsys):
    demo = load("depth")
    arguments = [*TINY, "--shallow", "4", "--deep", "2,2", "--out", str(tmp_path)]
    paths = demo.main(arguments)
    assert [p.name for p in paths] == ["depth_boundaries.png", "depth_curves.png"]
    for path in paths:
        assert_picture(path)
    printed = capsys.readouterr().out
    assert "MLP 2-4-1, relu (17 weights)" in printed
    assert "MLP 2-2-2-1, relu (15 weights)" in printed


def test_wound_spiral_turns_points_without_moving_them_out():
    demo = load("depth")
    straight, labels = demo.wound_spiral(30, 0.0, 0, twist=0.0)
    wound, wound_labels = demo.wound_spiral(30, 0.0, 0, twist=9.0)
    assert wound_labels == labels and set(labels) == {0, 1}
    for (a1, a2), (b1, b2) in zip(straight, wound):
        assert math.isclose(math.hypot(a1, a2), math.hypot(b1, b2), abs_tol=1e-12)


@needs_plotting
def test_overfitting_plots_training_and_test_loss(tmp_path, capsys):
    arguments = [*TINY, "--test-points", "10", "--hidden", "4,4", "--out", str(tmp_path)]
    paths = load("overfitting").main(arguments)
    assert [p.name for p in paths] == ["overfitting_curves.png", "overfitting_boundaries.png"]
    for path in paths:
        assert_picture(path)
    printed = capsys.readouterr().out
    assert "Training on 16 noisy moons points, testing on 10 others" in printed
    assert "MLP 2-4-4-1, relu, no penalty: training loss" in printed
    assert "MLP 2-4-4-1, relu, L2 alpha=0.01: training loss" in printed
    assert printed.count("(test loss lowest, ") == 2


@needs_plotting
def test_overfitting_says_its_log_loss_is_cross_entropy(tmp_path, monkeypatch):
    demo = load("overfitting")
    names = []

    def plot_curves(histories, path, title, loss_name):
        names.append(loss_name)
        return path

    monkeypatch.setattr(demo, "plot_curves", plot_curves)
    demo.main([*TINY, "--test-points", "10", "--hidden", "4", "--out", str(tmp_path)])
    assert names == ["log loss (binary cross-entropy)"]


def test_train_moons_help_says_where_training_and_plotting_live(capsys):
    with pytest.raises(SystemExit):
        load("train_moons").main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "`train_and_plot` in micrograd/cli/training.py" in help_text
    assert "micrograd/__main__.py" not in help_text


@pytest.mark.parametrize(
    "name", ["train_moons", "neuron", "activations", "depth", "overfitting", "to_torch"]
)
def test_every_demo_explains_itself_in_help(name, capsys):
    demo = load(name)
    with pytest.raises(SystemExit) as exit:
        demo.main(["--help"])
    assert exit.value.code == 0
    help_text = capsys.readouterr().out
    assert demo.__doc__.split("\n")[0] in help_text
    assert f"example:\n  python demos/{name}.py" in help_text
    assert "--out FOLDER" in help_text


@pytest.mark.torch
@needs_plotting
def test_to_torch_trains_in_micrograd_then_in_pytorch_and_back(tmp_path, capsys):
    pytest.importorskip("torch")
    arguments = [*TINY, "--hidden", "4", "--torch-steps", "5", "--out", str(tmp_path)]
    paths = load("to_torch").main(arguments)
    assert [p.name for p in paths] == ["to_torch_boundary.png"]
    assert_picture(paths[0])
    printed = capsys.readouterr().out
    assert "Training MLP(2 -> 4 relu -> 1 linear) with 17 parameters on 16 moons points" in printed
    gap = float(re.search(r"differ from micrograd's by at most (\S+):", printed)[1])
    assert gap <= 1e-12
    assert re.search(r"micrograd: .*; [\d.]+ ms per step", printed)
    assert re.search(r"PyTorch: .*; [\d.]+ ms per step, \d+ times faster", printed)
    assert "MLP.from_torch() brings it back into micrograd" in printed


def test_to_torch_without_torch_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    demo = load("to_torch")
    assert demo.run_command("to_torch.py", lambda: demo.main(["--steps", "1"])) == 2
    assert capsys.readouterr().err == (
        "to_torch.py: error: demos/to_torch.py needs PyTorch, which is not installed: "
        "pip install 'micrograd[torch]' (it installs torch==2.13.0, the version micrograd "
        "is tested with)\n"
    )
