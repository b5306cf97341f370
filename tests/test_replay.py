"""Tests for micrograd.viz.replay (the recorder and its page) and micrograd.viz.live (the GIF and
the live view in Jupyter). What the page shows in a browser is tested in
test_replay_browser.py."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from micrograd import MLP, SGD, Value, data, no_grad
from micrograd.losses import accuracy, max_margin
from micrograd.viz.replay import MAX_PAGE_BYTES, Recorder

GIF_SIGNATURE = b"GIF89a"


def _train(recorder: Recorder, model: MLP, X, y, steps: int) -> Value:
    """The lecture's loop, recording each state, and the trained model after it."""
    labels = data.signs(y)
    optimizer = SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        scores = [model(x) for x in X]
        loss = max_margin(scores, labels)
        recorder.record(loss, accuracy(scores, labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with no_grad():
        scores = [model(x) for x in X]
        final = max_margin(scores, labels)
        recorder.record(final, accuracy(scores, labels))
    return final


@pytest.fixture
def run() -> tuple[Recorder, MLP, Value]:
    X, y = data.moons(20, seed=4)
    model = MLP(2, [4, 3, 1], seed=5)
    recorder = Recorder(model, X, y, loss_name="max-margin loss")
    final = _train(recorder, model, X, y, steps=5)
    return recorder, model, final


def _page_data(page: str) -> dict[str, Any]:
    text = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', page, re.S)
    assert text is not None
    return json.loads(text.group(1))  # type: ignore[no-any-return]


# ------------------------------------------------------------------ the recorder


def test_recorder_keeps_n_plus_one_states_the_last_the_trained_model(run):
    recorder, model, final = run
    assert [state.step for state in recorder.states] == [0, 1, 2, 3, 4, 5]
    assert recorder.steps == 5
    last = recorder.states[-1]
    assert last.weights == tuple(p.data for p in model.parameters())
    assert last.loss == final.data
    assert recorder.states[0].weights != last.weights  # copies, not the live weights
    steps, losses, _ = recorder.curve
    assert steps == [0, 1, 2, 3, 4, 5] and losses[-1] == final.data
    assert losses == [state.loss for state in recorder.states]
    assert recorder.note is None


def test_recorder_gives_each_neurons_weights_back(run):
    recorder, model, _ = run
    layers = recorder.neuron_weights(recorder.states[-1])
    assert [len(neurons) for neurons in layers] == [4, 3, 1]
    for layer, neurons in zip(model.layers, layers):
        for neuron, (w, b) in zip(layer.neurons, neurons):
            assert w == [v.data for v in neuron.w] and b == neuron.b.data


def test_recorder_thins_out_a_long_run_and_says_so():
    model = MLP(2, [2, 1], seed=0)
    recorder = Recorder(model, [[0.0, 0.0], [1.0, 1.0]], [0, 1], max_states=4)
    weight = model.parameters()[0]
    for step in range(20):
        weight.data = float(step)
        recorder.record(1.0 / (step + 1), 0.5)
    # Every 8th step, evenly, and the last: the trained model is always there.
    assert [state.step for state in recorder.states] == [0, 8, 16, 19]
    assert [state.weights[0] for state in recorder.states] == [0.0, 8.0, 16.0, 19.0]
    assert recorder.curve[0] == list(range(20))  # the curves keep every step
    assert recorder.note == (
        "The page keeps the weights of every 8th step (4 of 20 states) and the last one, "
        "to stay under 3 MB."
    )
    assert _page_data(recorder.page())["note"] == recorder.note


def test_recorder_of_the_moons_demo_makes_a_page_under_3_mb():
    X, y = data.moons(100, seed=1)
    model = MLP(2, [16, 16, 1], seed=1)
    recorder = Recorder(model, X, y)
    parameters = model.parameters()
    for step in range(101):  # the demo's 100 steps and the trained model, weights changing
        for i, p in enumerate(parameters):
            p.data = (-1) ** i * (0.123456789 + step * 1e-3 + i * 1e-7)
        recorder.record(0.5, 0.5)
    assert recorder.note is None and len(recorder.states) == 101
    assert len(recorder.page().encode()) < 1_000_000
    for step in range(101, 3001):  # a run thirty times as long is thinned out to fit
        parameters[0].data = step * 1e-9
        recorder.record(0.5, 0.5)
    assert recorder.note is not None and recorder.states[-1].step == 3000
    assert len(recorder.page().encode()) < MAX_PAGE_BYTES


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((MLP(3, [2, 1], seed=0), [[0, 0, 0]], [0]), ValueError, "this model has 3 inputs"),
        (
            (MLP(2, [1], seed=0), [[0, 0]], [2]),
            ValueError,
            "label 0 is 2: this model tells apart 2 classes",
        ),
        ((MLP(2, [3], seed=0), [[0, 0]], [True]), ValueError, "label 0 is True"),
        ((MLP(2, [1], seed=0), [[0, 0], [1, 1]], [0]), ValueError, "2 points, 1 labels"),
        ((MLP(2, [1], seed=0), [[0, 0, 1]], [0]), ValueError, "point 0 is [0, 0, 1]"),
        ((MLP(2, [1], seed=0), [], []), ValueError, "at least one data point"),
        ((MLP(2, [1], seed=0), [[0, float("nan")]], [0]), ValueError, "finite numbers"),
        (("model", [[0, 0]], [0]), TypeError, "Recorder needs an MLP, got str"),
    ],
)
def test_recorder_refuses_what_it_cannot_replay(arguments, error, message):
    with pytest.raises(error, match=re.escape(message)):
        Recorder(*arguments)


def test_recorder_refuses_bad_numbers_and_an_empty_run():
    recorder = Recorder(MLP(2, [1], seed=0), [[0.0, 1.0]], [1])
    with pytest.raises(ValueError, match="accuracy is a fraction of points from 0 to 1, got 97"):
        recorder.record(0.1, 97)
    with pytest.raises(TypeError, match="the loss must be a number, got str"):
        recorder.record("0.1", 0.5)
    with pytest.raises(ValueError, match=r"nothing recorded yet: call recorder.record"):
        recorder.page()
    with pytest.raises(ValueError, match="max_states must be a whole number >= 2"):
        Recorder(MLP(2, [1], seed=0), [[0.0, 1.0]], [1], max_states=1)


def test_recorder_refuses_a_page_of_diverged_weights():
    model = MLP(2, [1], seed=0)
    recorder = Recorder(model, [[0.0, 1.0]], [1])
    recorder.record(1.0, 0.0)
    model.parameters()[0].data = float("inf")
    recorder.record(1e300, 0.0)  # a finite loss, but weights gone to infinity
    with pytest.raises(ValueError, match="not finite at step 1: training diverged"):
        recorder.page()


def test_recorder_tells_its_listeners(run):
    recorder, _, _ = run
    heard = []
    recorder.listeners.append(lambda r: heard.append(r.steps))
    recorder.record(0.1, 1.0)
    assert heard == [6]


# ------------------------------------------------------------------ the page


def test_page_is_self_contained_and_shows_a_title_as_text(tmp_path):
    X, y = data.moons(10, seed=0)
    hostile = '</script><script>alert(1)</script> {{data}} & "q"'
    recorder = Recorder(MLP(2, [2, 1], seed=0), X, y, title=hostile)
    recorder.record(1.0, 0.5)
    path = recorder.write_page(tmp_path / "replay.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<script") == 2 and page.count("</script>") == 2  # data, and the code
    assert f"<title>Watch a network learn: {html.escape(hostile)}</title>" in page
    # Nothing fetched from anywhere: no src=, no href= to a file, no url(), no import.
    assert not re.search(r"""\b(src|href)\s*=|url\(|@import|\bfetch\(""", page)
    # Every slot filled once; the title's own "{{data}}" kept, in <title>, <h1> and the data.
    assert re.findall(r"\{\{(\w+)\}\}", page) == ["data"] * 3
    assert _page_data(page)["title"] == hostile


def test_page_data_has_what_the_page_evaluates_with(run):
    recorder, model, _ = run
    page = _page_data(recorder.page())
    assert page["layers"] == [
        {"name": "hidden layer 1", "size": 4, "activation": "relu"},
        {"name": "hidden layer 2", "size": 3, "activation": "relu"},
        {"name": "output layer", "size": 1, "activation": "linear"},
    ]
    assert page["inputs"] == ["x1", "x2"] and page["classes"] == 2
    # Every weight exactly: JSON writes the shortest text that reads back as the same float.
    assert page["states"][-1]["weights"] == [p.data for p in model.parameters()]
    assert page["compensatedSum"] == (sys.version_info >= (3, 12))
    assert page["lossName"] == "max-margin loss"


def test_page_view_puts_the_whole_page_in_an_iframe(run):
    recorder, _, _ = run
    frame = recorder.show(height=600)._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and "height: 600px" in frame
    inside = re.search(r'srcdoc="([^"]*)"', frame)
    assert inside is not None
    assert html.unescape(inside.group(1)) == recorder.page()


# ------------------------------------------------------------------ the GIF and the live view


def _missing(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return True
    return False


needs_matplotlib = pytest.mark.skipif(_missing("matplotlib"), reason="needs matplotlib")


@needs_matplotlib
def test_grid_outputs_are_the_models_on_grid_points(run):
    from micrograd.viz.live import grid_outputs

    recorder, model, _ = run
    x1, x2, outputs = grid_outputs(recorder, recorder.states[-1], columns=30)
    assert outputs.shape == (1, len(x2), 30)
    with no_grad():
        for i, j in [(0, 0), (29, len(x2) - 1), (14, 7)]:
            assert outputs[0, j, i] == pytest.approx(model([x1[i], x2[j]]).data, abs=1e-12)


@needs_matplotlib
def test_write_gif_writes_every_chosen_step(run, tmp_path):
    from PIL import Image

    from micrograd.viz.live import write_gif

    recorder, _, _ = run
    path = write_gif(recorder, tmp_path / "training.gif", frames=4, seconds=1.0)
    assert path.read_bytes().startswith(GIF_SIGNATURE)
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.size == (900, 390)
        assert gif.info["loop"] == 0
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    assert durations[-1] > durations[0]  # it lingers on the trained model
    with pytest.raises(ValueError, match="a GIF needs frames >= 2"):
        write_gif(recorder, tmp_path / "x.gif", frames=1)


@needs_matplotlib
def test_live_view_redraws_one_output_in_place(run, monkeypatch):
    pytest.importorskip("IPython", reason="the live view needs IPython")
    import IPython.display

    from micrograd.viz.live import LiveView

    shown: list[tuple[str, Any]] = []

    class Handle:
        def update(self, picture: Any) -> None:
            shown.append(("update", picture))

    def display(picture: Any, display_id: bool = False) -> Handle:
        assert display_id  # one output, kept to update
        shown.append(("display", picture))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    X, y = data.moons(12, seed=0)
    model = MLP(2, [3, 1], seed=1)
    recorder = Recorder(model, X, y)
    with LiveView(recorder, every=2) as view:
        _train(recorder, model, X, y, steps=4)  # states 0 to 4: drawn at 0, 2 and 4
        assert [kind for kind, _ in shown] == ["display", "update", "update"]
        recorder.record(0.1, 1.0)  # state 5: not on the schedule...
    assert [kind for kind, _ in shown][-1] == "update" and len(shown) == 4  # ...but on leaving
    assert view.drawn_step == 5 and recorder.listeners == []
    assert shown[-1][1].data.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="every must be a whole number >= 1"):
        LiveView(recorder, every=0)


def test_pictures_say_what_to_install_without_matplotlib(run, monkeypatch):
    from micrograd.viz import live

    recorder, _, _ = run
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError, match=re.escape("pip install 'micrograd[demos]'")):
        live.write_gif(recorder, Path("never.gif"))


def test_record_refuses_a_loss_that_is_not_finite():
    from micrograd import MLP
    from micrograd.viz.replay import Recorder

    model = MLP(2, [3, 1], seed=1)
    recorder = Recorder(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1])
    with pytest.raises(ValueError, match=r"the loss is nan: training diverged"):
        recorder.record(float("nan"), 0.5)
    assert recorder.states == []
