"""The training replay page (micrograd.viz.replay) in a real browser: headless Chromium, driven
with selenium.

The page evaluates the network itself from the recorded weights, so these tests hold what
it shows against Python: a picked point's outputs and grads on every neuron (bit for bit
for ReLU, which needs no library function), the heat map and the boundary at the last step,
the loss and the step in the address. Skipped where Chromium, chromedriver or selenium is
missing; CI installs them all (Debian's chromium and chromium-driver)."""

from __future__ import annotations

import html
import math
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, open_page, press, require_chromium

from micrograd import MLP, SGD, Value, data, no_grad
from micrograd.losses import accuracy, cross_entropy, max_margin
from micrograd.viz.replay import Recorder, State

require_chromium()  # skips this module where there is no browser
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

HOSTILE = '<img src=x onerror="window.injected = 1"> & </script>'

READ_PAGE = """
const cells = [...document.querySelectorAll("#point-table td[data-kind]")];
return {
  hash: location.hash,
  step: document.getElementById("step-text").textContent,
  loss: document.getElementById("loss-text").textContent,
  accuracy: document.getElementById("accuracy-text").textContent,
  scrubber: document.getElementById("scrubber").value,
  point: document.getElementById("point-text").innerText,
  cells: cells.map((td) => [Number(td.dataset.layer), Number(td.dataset.neuron), td.dataset.kind, td.title]),
  wrong: document.querySelectorAll("#overlay .wrong").length,
  boundary: document.getElementById("boundary").getAttribute("d"),
  heat: document.getElementById("heat").toDataURL(),
  network: document.getElementById("network").toDataURL(),
  injected: window.injected === undefined ? null : window.injected,
};
"""
# The colour of the heat map at grid point (i, j): j counts up from the bottom.
READ_PIXEL = """
const canvas = document.getElementById("heat");
const [i, j] = arguments;
return [...canvas.getContext("2d").getImageData(i, canvas.height - 1 - j, 1, 1).data];
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium("1280,800") as driver:
        yield driver


class Run:
    """A small training run, recorded, with its page and a model to load any state into."""

    def __init__(self, folder: Path, name: str, hidden: list[int], activation: str, dataset: str):
        X, y = data.DATASETS[dataset](40, seed=3)
        classes = max(y) + 1
        self.X, self.y = X, y
        self.model = MLP(
            2, [*hidden, 1 if classes == 2 else classes], activation=activation, seed=2
        )
        self.recorder = Recorder(self.model, X, y, loss_name="loss", title=f"{name} {HOSTILE}")
        optimizer = SGD(self.model.parameters(), lr=0.2 if activation == "relu" else 0.5)

        def measure() -> tuple[Value, float]:
            outputs = [self.model(x) for x in X]
            if classes == 2:
                labels = data.signs(y)
                return max_margin(outputs, labels), accuracy(outputs, labels)
            lists = [out if isinstance(out, list) else [out] for out in outputs]
            right = sum(max(range(classes), key=lambda k: o[k].data) == t for o, t in zip(lists, y))
            return cross_entropy(lists, y), right / len(y)

        for _ in range(12):
            loss, right = measure()
            self.recorder.record(loss, right)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with no_grad():
            self.final_loss, final_accuracy = measure()
            self.recorder.record(self.final_loss, final_accuracy)
        self.page = self.recorder.write_page(folder / f"{name}.html")

    def model_at(self, state: State) -> MLP:
        model = MLP(2, self.model.nouts, activation=self.model.activation, seed=0)
        for layer, weights in zip(model.layers, self.recorder.neuron_weights(state)):
            for neuron, (w, b) in zip(layer.neurons, weights):
                for value, number in zip(neuron.w, w):
                    value.data = number
                neuron.b.data = b
        return model


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    folder = tmp_path_factory.mktemp("replays")
    return {
        "relu": Run(folder, "relu", [6, 5], "relu", "moons"),
        "tanh": Run(folder, "tanh", [5], "tanh", "moons"),
        "sigmoid": Run(folder, "sigmoid", [4], "sigmoid", "xor"),
        "classes": Run(folder, "classes", [6], "relu", "blobs"),
    }


def _read(browser: Any) -> dict[str, Any]:
    return browser.execute_script(READ_PAGE)


def _open(browser: Any, page: Path, fragment: str = "") -> dict[str, Any]:
    return open_page(browser, page, READ_PAGE, fragment)


def _press(browser: Any, key: str) -> dict[str, Any]:
    return press(browser, key, READ_PAGE)


# The points that a click at their centre reaches (others lie under a neighbour).
CLICKABLE = """
return [...document.querySelectorAll("#overlay .point")].filter((point) => {
  const box = point.getBoundingClientRect();
  return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === point;
}).map((point) => Number(point.dataset.index));
"""


def _click_points(browser: Any, count: int) -> Iterator[int]:
    """Click `count` points in turn, spread over the data, yielding each one's index."""
    browser.execute_script("window.scrollTo(0, 0)")
    clickable = browser.execute_script(CLICKABLE)
    assert len(clickable) >= count
    for index in clickable[:: len(clickable) // count][:count]:
        browser.find_element("css selector", f'#overlay .point[data-index="{index}"]').click()
        yield index


def _no_errors(browser: Any) -> None:
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def _python_numbers(
    model: MLP, point: list[float], label: int
) -> dict[tuple[int, int, str], float]:
    """Each neuron's output and d(score)/d(output) on one point, from the engine itself."""
    values = [Value(coordinate) for coordinate in point]
    layers = []
    for layer in model.layers:
        values = layer(values)
        layers.append(values)
    root = layers[-1][0] if len(layers[-1]) == 1 else layers[-1][label]
    root.backward()
    return {
        (layer, j, kind): (value.data if kind == "output" else value.grad)
        for layer, outputs in enumerate(layers)
        for j, value in enumerate(outputs)
        for kind in ("output", "grad")
    }


def test_replay_page_opens_and_home_and_end_differ(browser: Any, runs: dict[str, Run]):
    run = runs["relu"]
    shown = _open(browser, run.page)
    assert shown["hash"] == "#step=0" and shown["step"] == "step 0 of 12"
    assert shown["injected"] is None  # the title is text, never markup
    assert browser.title == f"Watch a network learn: relu {HOSTILE}"
    end = _press(browser, Keys.END)
    assert end["step"] == "step 12 of 12" and end["hash"] == "#step=12"
    assert end["heat"] != shown["heat"] and end["network"] != shown["network"]
    assert end["boundary"] != shown["boundary"]
    home = _press(browser, Keys.HOME)
    assert (home["heat"], home["network"], home["step"]) == (
        shown["heat"],
        shown["network"],
        shown["step"],
    )
    _no_errors(browser)


def test_replay_page_numbers_are_pythons_bit_for_bit(browser: Any, runs: dict[str, Run]):
    run = runs["relu"]
    for state in (run.recorder.states[0], run.recorder.states[5], run.recorder.states[-1]):
        _open(browser, run.page, f"#step={state.step}")
        model = run.model_at(state)
        for index in _click_points(browser, 3):
            shown = _read(browser)
            expected = _python_numbers(model, run.X[index], run.y[index])
            # The table shows the hidden layers; the lone output is the score, in the text.
            hidden = {key: value for key, value in expected.items() if key[0] < 2}
            assert {
                (layer, j, kind): float(title) for layer, j, kind, title in shown["cells"]
            } == hidden
            with no_grad():
                score = model(run.X[index]).data
            assert f"The score is {score:.3f}" in shown["point"]
            assert f"Point {index + 1} of 40, class {run.y[index]}" in shown["point"]
    _no_errors(browser)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "classes"])
def test_replay_page_numbers_match_python_for_other_networks(browser: Any, runs, name):
    # tanh and exp are the browser's own here, which may differ from C's in the last bit.
    run = runs[name]
    state = run.recorder.states[-1]
    _open(browser, run.page, "#step=12")
    model = run.model_at(state)
    for index in _click_points(browser, 2):
        shown = {
            (layer, j, kind): float(title) for layer, j, kind, title in _read(browser)["cells"]
        }
        expected = _python_numbers(model, run.X[index], run.y[index])
        assert shown.keys() <= expected.keys() and len(shown) >= 8
        for key, value in shown.items():
            assert value == pytest.approx(expected[key], rel=1e-12, abs=1e-12), key
    _no_errors(browser)


def _plain_sum(items: list[float], start: float) -> float:
    """sum(items, start) before Python 3.12: one addition after another."""
    total = start
    for item in items:
        total += item
    return total


def _compensated_sum(items: list[float], start: float) -> float:
    """sum(items, start) of Python 3.12 and later, as CPython's C loop does it (Neumaier)."""
    total, compensation = start, 0.0
    for item in items:
        t = total + item
        if abs(total) >= abs(item):
            compensation += (total - t) + item
        else:
            compensation += (item - t) + total
        total = t
    return total + compensation if compensation and math.isfinite(compensation) else total


def test_replay_page_adds_as_each_python_does(browser: Any, runs: dict[str, Run]):
    # The page adds a neuron's products as the Python that trained it: plainly before 3.12,
    # with CPython's compensation since. The hard cases: big terms that cancel.
    _open(browser, runs["relu"].page)
    rng = random.Random(7)
    differ = 0
    for _ in range(200):
        n = rng.randint(1, 20)
        w = [rng.choice([1e16, -1e16, 1.0, -3.3, 1e-8]) * rng.random() for _ in range(n)]
        x = [rng.uniform(-2, 2) for _ in range(n)]
        b = rng.choice([0.0, 1e17, -0.1])
        products = [wk * xk for wk, xk in zip(w, x)]
        plain, compensated = browser.execute_script(
            "return [plainSum(...arguments), compensatedSum(...arguments)]", w, x, b
        )
        assert plain == _plain_sum(products, b)
        assert compensated == _compensated_sum(products, b)
        assert sum(products, b) == (compensated if sys.version_info >= (3, 12) else plain)
        differ += plain != compensated
    assert differ > 50  # the two rules really do give different bits here


def test_replay_page_last_step_shows_the_final_loss(browser: Any, runs: dict[str, Run]):
    run = runs["relu"]
    shown = _open(browser, run.page, "#step=12")
    assert shown["loss"] == f"loss {run.final_loss.data:.4f}"
    right = round(run.recorder.states[-1].accuracy * 40)
    assert shown["accuracy"].endswith(f"({right} of 40 points)")
    with no_grad():
        wrong = sum(
            int(run.model(x).data > 0) != label for x, label in zip(run.X, run.y, strict=True)
        )
    assert shown["wrong"] == wrong == 40 - right


def test_replay_page_last_step_shows_the_loss_the_command_printed(browser: Any, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="micrograd train draws with matplotlib")
    pytest.importorskip("tqdm", reason="micrograd train shows a progress bar with tqdm")
    from micrograd.__main__ import main

    page = tmp_path / "replay.html"
    tiny = ["--points", "30", "--steps", "6", "--hidden", "5", "--resolution", "6"]
    assert main(["train", *tiny, "--out", str(tmp_path), "--replay", str(page)]) == 0
    printed = re.search(r"After 6 steps: (max-margin loss \d\.\d{4}),", capsys.readouterr().out)
    assert printed is not None
    _open(browser, page)
    shown = _press(browser, Keys.END)
    assert (shown["step"], shown["loss"]) == ("step 6 of 6", printed.group(1))
    _no_errors(browser)


def test_replay_page_boundary_agrees_with_the_trained_model(browser: Any, runs: dict[str, Run]):
    run = runs["relu"]
    shown = _open(browser, run.page, "#step=12")
    bounds = run.recorder.page_data()["bounds"]
    columns = 120
    rows = browser.execute_script("return document.getElementById('heat').height")
    x1 = [
        bounds["x1"][0] + ((i + 0.5) * (bounds["x1"][1] - bounds["x1"][0])) / columns
        for i in range(columns)
    ]
    x2 = [
        bounds["x2"][0] + ((j + 0.5) * (bounds["x2"][1] - bounds["x2"][0])) / rows
        for j in range(rows)
    ]
    checked = 0
    with no_grad():
        for i, j in [
            (5, 5),
            (60, 10),
            (100, 40),
            (20, rows - 3),
            (110, rows // 2),
            (60, rows // 2),
        ]:
            score = run.model([x1[i], x2[j]]).data
            red, _, blue, _ = browser.execute_script(READ_PIXEL, i, j)
            # Class 1's orange has more red than blue; class 0's blue the other way round.
            assert (red > blue) == (score > 0), (i, j, score)
            checked += 1
        # Every corner of the drawn boundary lies where the model's score is 0, between
        # two neighbouring grid points whose scores have opposite signs.
        corners = [float(n) for n in re.findall(r"-?\d+\.\d+", shown["boundary"])]
        assert len(corners) > 20
        scale = max(abs(run.model([a, b]).data) for a in x1[::10] for b in x2[::10])
        for a, b in zip(corners[::2][::7], corners[1::2][::7]):
            assert abs(run.model([a, b]).data) < 0.05 * scale, (a, b)
    assert checked == 6


def test_replay_page_steps_with_keys_scrubber_and_address(browser: Any, runs: dict[str, Run]):
    run = runs["relu"]
    shown = _open(browser, run.page, "#step=4")
    assert (shown["step"], shown["scrubber"], shown["hash"]) == ("step 4 of 12", "4", "#step=4")
    expected_loss = f"loss {run.recorder.states[4].loss:.4f}"
    assert shown["loss"] == expected_loss
    assert _press(browser, Keys.ARROW_RIGHT)["step"] == "step 5 of 12"
    assert _press(browser, Keys.ARROW_LEFT)["hash"] == "#step=4"
    browser.find_element("id", "next").click()
    assert _read(browser)["hash"] == "#step=5"
    browser.execute_script("location.hash = '#step=9'")  # a link, or an address typed in
    assert _read(browser)["step"] == "step 9 of 12"
    # A click on the scrubber, three quarters along, lands three quarters of the way.
    scrubber = browser.find_element("id", "scrubber")
    width = scrubber.size["width"]
    ActionChains(browser).move_to_element_with_offset(scrubber, width // 4, 0).click().perform()
    shown = _read(browser)
    assert shown["step"] == "step 9 of 12" and shown["hash"] == "#step=9"
    ActionChains(browser).move_to_element_with_offset(
        scrubber, -width // 2 + 2, 0
    ).click().perform()
    assert _read(browser)["hash"] == "#step=0"
    # The arrow keys on the scrubber itself move one step, not two.
    scrubber.send_keys(Keys.ARROW_RIGHT)
    assert _read(browser)["hash"] == "#step=1"
    assert _open(browser, run.page, "#step=99")["step"] == "step 12 of 12"
    assert _open(browser, run.page, "#nonsense")["step"] == "step 0 of 12"
    _no_errors(browser)


def test_replay_page_plays_and_pauses(browser: Any, runs: dict[str, Run]):
    _open(browser, runs["relu"].page, "#step=2")
    play = browser.find_element("id", "play")
    play.click()
    assert play.text == "Pause"
    deadline = time.monotonic() + 5
    while _read(browser)["hash"] == "#step=2" and time.monotonic() < deadline:
        time.sleep(0.05)
    play.click()
    assert play.text == "Play"
    assert _read(browser)["hash"] != "#step=2"


def test_replay_page_in_a_notebook_iframe_keeps_its_keys(
    browser: Any, runs: dict[str, Run], tmp_path
):
    # What Jupyter shows for recorder.show(): the page inside an iframe, by srcdoc.
    host = tmp_path / "notebook.html"
    frame = runs["relu"].recorder.show()._repr_html_()
    host.write_text(f"<!DOCTYPE html><title>notebook</title><p>cell</p>{frame}", encoding="utf-8")
    browser.get("about:blank")
    browser.get(host.as_uri())
    browser.find_element("tag name", "body").send_keys(Keys.END)  # the notebook's own keys
    assert browser.execute_script("return location.hash") == ""
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        assert _read(browser)["step"] == "step 0 of 12"
        browser.find_element("tag name", "h1").click()  # a click into the page gives it the keys
        assert _press(browser, Keys.END)["step"] == "step 12 of 12"
    finally:
        browser.switch_to.default_content()
    assert browser.execute_script("return location.hash") == ""
    assert html.unescape(frame).count("<script") == 2  # the page, whole, inside srcdoc
    _no_errors(browser)


LAYOUT = """
const visible = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
const texts = [...document.querySelectorAll("body *")].filter((element) =>
  visible(element) && [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim()));
const panels = [...document.querySelectorAll("main > section")].map((section) => {
  const box = section.getBoundingClientRect();
  return [section.id, box.left, box.top, box.right, box.bottom];
});
return {
  smallest: Math.min(...texts.map((element) => parseFloat(getComputedStyle(element).fontSize))),
  svgText: Math.min(...[...document.querySelectorAll("svg text")].map((t) => parseFloat(getComputedStyle(t).fontSize))),
  panels,
  scrollWidth: document.documentElement.scrollWidth,
  width: innerWidth,
};
"""


@pytest.mark.parametrize("width", [1280, 800])
def test_replay_page_reads_on_a_projector_and_a_narrow_window(browser: Any, runs, width):
    browser.set_window_size(width, 800)
    try:
        _open(browser, runs["relu"].page, "#step=6")
        layout = browser.execute_script(LAYOUT)
    finally:
        browser.set_window_size(1280, 800)
    assert layout["smallest"] >= 14 and layout["svgText"] >= 14
    assert layout["scrollWidth"] <= layout["width"]  # nothing sticks out sideways
    panels = layout["panels"]
    for k, (name, left, top, right, bottom) in enumerate(panels):
        assert right <= layout["width"], name
        for other, left2, top2, right2, bottom2 in panels[k + 1 :]:
            apart = right <= left2 or right2 <= left or bottom <= top2 or bottom2 <= top
            assert apart, f"{name} overlaps {other}"
    lefts = {round(left) for _, left, *_ in panels}
    assert len(lefts) == (3 if width == 1280 else 1)  # three columns, or one
    _no_errors(browser)


def test_replay_page_of_three_classes_draws_each_boundary(browser: Any, runs: dict[str, Run]):
    run = runs["classes"]
    shown = _open(browser, run.page, "#step=12")
    assert "score of class" in shown["point"]
    layers = {layer for layer, *_ in shown["cells"]}
    assert layers == {0, 1}  # the hidden layer and the output layer, one neuron per class
    assert shown["boundary"].count("M") > 10
    assert not math.isnan(float(shown["cells"][0][3]))
    _no_errors(browser)
