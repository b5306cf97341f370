"""The page of micrograd.steps in a real browser: headless Chromium, driven with selenium.

It opens the page from disk, steps with the buttons, the arrow keys and the address, and
reads what a student sees: the lit box, the title and equations, the grads in the boxes and
the numbers on the arrows. At the screen sizes of a lecture room (1280x800, 1024x768, 800 px
wide, 150% zoom) it measures the rendered text, and checks that the value being explained is
on the screen and that no tag overlaps a text, another tag or a box. Skipped where Chromium,
chromedriver, selenium or Graphviz's `dot` is missing; CI installs them all (Debian's
chromium and chromium-driver)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, open_page, press, require_chromium
from graphs import lecture_neuron

from micrograd import Value
from micrograd.steps import backprop_steps

require_chromium()  # skips this module where there is no browser
from selenium.webdriver.common.keys import Keys  # noqa: E402

TIMES = "\u00d7"  # the multiplication sign that the page writes
if shutil.which("dot") is None:
    pytest.skip("the Graphviz program dot is not installed", allow_module_level=True)

HOSTILE = '<img src=x onerror="window.injected = 1"> & "q" </script>'

# What the page shows, read the way a student reads it. A value's box (a group without an
# oval) holds its label, data and grad texts; the lit one is the value passing its grad back.
READ_PAGE = """
const boxes = [...document.querySelectorAll("#graph g.node")].filter((g) => !g.querySelector("ellipse"));
const texts = (g) => [...g.querySelectorAll("text")].map((t) => t.textContent.replace(/\\u00a0/g, " "));
const lit = boxes.filter((g) => g.classList.contains("lit")).map((g) => texts(g)[0]);
return {
  hash: location.hash,
  title: document.getElementById("title").textContent,
  explanation: document.getElementById("explanation").innerText,
  lit: lit,
  grads: Object.fromEntries(boxes.map((g) => [texts(g)[0], texts(g).at(-1)])),
  tags: [...document.querySelectorAll("text.flow")].map((t) => t.textContent),
  litArrows: document.querySelectorAll("g.edge.lit").length,
  current: [...document.querySelectorAll("#order li.current")].map((li) => li.textContent),
  injected: window.injected === undefined ? null : window.injected,
};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium("1400,900") as driver:
        yield driver


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    x = Value(0.5, label=HOSTILE)
    y = x * x
    y.label = "y"
    return {
        "reused": backprop_steps(c, folder / "reused.html"),
        "hostile": backprop_steps(y, folder / "hostile.html", rankdir="LR"),
    }


def _read(browser: Any) -> dict[str, Any]:
    return browser.execute_script(READ_PAGE)


def _open(browser: Any, page: Path, fragment: str = "") -> dict[str, Any]:
    return open_page(browser, page, READ_PAGE, fragment)


def _press(browser: Any, key: str) -> dict[str, Any]:
    return press(browser, key, READ_PAGE)


def _no_errors(browser: Any) -> None:
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_page_steps_with_buttons_and_arrow_keys(browser: Any, pages: dict[str, Path]):
    shown = _open(browser, pages["reused"])
    assert shown["hash"] == "#step=0"
    assert shown["title"] == "Step 0 of 3: after the forward pass"
    assert shown["grads"] == {"a": "grad", "b": "grad", "a*b": "grad", "c": "grad"}
    assert shown["lit"] == [] and shown["tags"] == []

    browser.find_element("id", "next").click()
    shown = _read(browser)
    assert (shown["hash"], shown["lit"]) == ("#step=1", ["c"])
    assert shown["title"] == "Step 1 of 3: start at the output"
    assert shown["grads"] == {"a": "grad", "b": "grad", "a*b": "grad", "c": "grad 1.0000"}

    shown = _press(browser, Keys.ARROW_RIGHT)
    assert (shown["hash"], shown["lit"], shown["current"]) == ("#step=2", ["c"], ["c (+)"])
    assert shown["tags"] == [f"1 {TIMES} 1 = 1", f"1 {TIMES} 1 = 1"]
    assert shown["grads"] == {
        "a": "grad 1.0000",
        "b": "grad",
        "a*b": "grad 1.0000",
        "c": "grad 1.0000",
    }

    shown = _press(browser, Keys.ARROW_RIGHT)
    assert (shown["hash"], shown["lit"], shown["current"]) == ("#step=3", ["a*b"], ["a*b"])
    assert shown["title"] == "Step 3 of 3: a*b passes its grad back"
    # a, used twice, adds its second contribution to its first.
    assert "a · used 2 times, so its grad adds up: contribution 2 of 2" in shown["explanation"]
    assert "a.grad += -3.0000  →  1.0000 + (-3.0000) = -2.0000" in shown["explanation"]
    assert shown["tags"] == [f"-3 {TIMES} 1 = -3", f"2 {TIMES} 1 = 2"]
    assert shown["grads"] == {
        "a": "grad -2.0000",
        "b": "grad 2.0000",
        "a*b": "grad 1.0000",
        "c": "grad 1.0000",
    }

    assert _press(browser, Keys.ARROW_RIGHT)["hash"] == "#step=3"  # the last step stays
    shown = _press(browser, Keys.ARROW_LEFT)
    assert (shown["hash"], shown["lit"]) == ("#step=2", ["c"])
    assert shown["grads"]["a"] == "grad 1.0000" and shown["grads"]["b"] == "grad"
    assert _press(browser, Keys.HOME)["hash"] == "#step=0"
    assert _press(browser, Keys.END)["hash"] == "#step=3"
    browser.find_element("id", "first").click()
    assert _read(browser)["grads"]["c"] == "grad"
    browser.find_element("id", "last").click()
    browser.find_element("id", "previous").click()
    assert _read(browser)["hash"] == "#step=2"
    _no_errors(browser)


def test_page_last_grads_are_backwards(browser: Any, pages: dict[str, Path]):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.backward()
    shown = _open(browser, pages["reused"], "#step=3")
    expected = {"a": a.grad, "b": b.grad, "a*b": c.inputs[0].grad, "c": c.grad}
    assert shown["grads"] == {label: f"grad {grad:.4f}" for label, grad in expected.items()}


def test_page_opens_the_step_in_its_address_and_follows_it(browser: Any, pages: dict[str, Path]):
    shown = _open(browser, pages["reused"], "#step=2")
    assert (shown["hash"], shown["lit"]) == ("#step=2", ["c"])
    browser.execute_script("location.hash = '#step=1'")  # a link, or an address typed in
    assert _read(browser)["lit"] == ["c"] and _read(browser)["hash"] == "#step=1"
    browser.find_element("link text", "a*b").click()  # an entry in the order list
    assert _read(browser)["hash"] == "#step=3"
    assert _open(browser, pages["reused"], "#step=99")["hash"] == "#step=3"  # the last one
    assert _open(browser, pages["reused"], "#nonsense")["hash"] == "#step=0"
    _no_errors(browser)


def test_page_plays_and_pauses(browser: Any, pages: dict[str, Path]):
    _open(browser, pages["reused"], "#step=1")
    play = browser.find_element("id", "play")
    play.click()
    assert play.text == "Pause"
    deadline = time.monotonic() + 5
    while _read(browser)["hash"] == "#step=1" and time.monotonic() < deadline:
        time.sleep(0.1)
    play.click()
    assert play.text == "Play"
    assert _read(browser)["hash"] == "#step=2"


def test_page_shows_hostile_labels_as_text(browser: Any, pages: dict[str, Path]):
    shown = _open(browser, pages["hostile"], "#step=2")
    assert shown["injected"] is None
    assert shown["grads"] == {HOSTILE: "grad 1.0000", "y": "grad 1.0000"}
    # x * x: two arrows from one box into one op, both lit, one tag with both products.
    assert shown["tags"] == [f"0.5 {TIMES} 1 = 0.5  and  0.5 {TIMES} 1 = 0.5"]
    assert shown["litArrows"] == 2 + 1  # and the one from the op to y
    assert f"{HOSTILE} · used 2 times" in shown["explanation"]
    assert "grad += 0.5000  →  0.5000 + 0.5000 = 1.0000" in shown["explanation"]
    assert browser.title == "Backpropagation step by step: y"
    _no_errors(browser)


# ------------------------------------------------------------ readable from the back of the room

# The rendered size of every text in the picture, in CSS pixels, and the boxes of what must
# not overlap: the tags written on arrows, the texts Graphviz placed (a lit arrow's number
# is hidden) and the outlines of boxes and ovals; and where the value being explained is,
# against the part of the picture in view.
MEASURE_PAGE = """
const svg = document.querySelector("#graph svg");
const place = document.getElementById("graph");
const shown = (element) => getComputedStyle(element).visibility !== "hidden";
const rect = (element) => {
  const r = element.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
};
const pixels = (text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
const texts = [...svg.querySelectorAll("text")].filter(shown);
const view = place.getBoundingClientRect();
return {
  step: location.hash,
  body: parseFloat(getComputedStyle(document.body).fontSize),
  smallest: Math.min(...texts.map(pixels)),
  inBoxes: Math.min(...[...svg.querySelectorAll("g.node:not(:has(ellipse)) text")].map(pixels)),
  tags: [...svg.querySelectorAll("rect.flow-back")].map(rect),
  labels: texts.filter((t) => !t.classList.contains("flow")).map((t) => [t.textContent, rect(t)]),
  shapes: [...svg.querySelectorAll("g.node > polygon, g.node > ellipse")].map(rect),
  explained: [...svg.querySelectorAll("g.node.lit")].map(rect),  // the value and its op
  view: { left: view.left + place.clientLeft, top: view.top + place.clientTop,
          right: Math.min(innerWidth, view.left + place.clientLeft + place.clientWidth),
          bottom: Math.min(innerHeight, view.top + place.clientTop + place.clientHeight) },
};
"""


# Screens a lecture is shown on (width, height and the browser's zoom), and those on which
# the lecture's neuron cannot fit whole, so that the page must scroll it.
LECTURE_SCREENS = [(1280, 800, 1.0), (1024, 768, 1.0), (1280, 800, 1.5)]
SMALL_SCREENS = [(800, 800, 1.0), (1280, 720, 1.5), (1024, 768, 1.0)]


@pytest.fixture(scope="module")
def neuron_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return backprop_steps(lecture_neuron(), tmp_path_factory.mktemp("neuron") / "neuron.html")


@contextmanager
def screen(browser: Any, width: int, height: int, zoom: float = 1.0) -> Iterator[None]:
    """A window of width x height pixels at a zoom: as the browser's zoom does, 150% makes
    CSS pixels 1.5 device pixels, so the page lays out in width/1.5 x height/1.5."""
    metrics = {"width": round(width / zoom), "height": round(height / zoom)}
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {**metrics, "deviceScaleFactor": zoom, "mobile": False},
    )
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _every_step(browser: Any, page: Path) -> Iterator[dict[str, Any]]:
    """What MEASURE_PAGE reads at each step, stepping with the → key as a teacher does."""
    _open(browser, page)
    while True:
        yield browser.execute_script(MEASURE_PAGE)
        before = _read(browser)["hash"]
        if _press(browser, Keys.ARROW_RIGHT)["hash"] == before:
            return


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    across = min(a["right"], b["right"]) - max(a["left"], b["left"])
    down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, across) * max(0.0, down)


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return all(
        [
            inner["left"] >= outer["left"] - 0.5,
            inner["top"] >= outer["top"] - 0.5,
            inner["right"] <= outer["right"] + 0.5,
            inner["bottom"] <= outer["bottom"] + 0.5,
        ]
    )


def test_page_neuron_text_is_as_large_as_the_panels_at_1280x800(browser: Any, neuron_page: Path):
    with screen(browser, 1280, 800):
        for shown in _every_step(browser, neuron_page):
            # The issue: the graph squeezed to 330 px, its text 8-9 px.
            assert shown["inBoxes"] >= shown["body"] == 15, shown["step"]
            assert shown["smallest"] >= 14, shown["step"]


@pytest.mark.parametrize("width, height, zoom", SMALL_SCREENS)
def test_page_stays_readable_and_shows_the_value_being_explained(
    browser: Any, neuron_page: Path, width: int, height: int, zoom: float
):
    with screen(browser, width, height, zoom):
        steps = list(_every_step(browser, neuron_page))
    assert len(steps) == 7
    assert all(shown["explained"] for shown in steps[1:])
    for shown in steps:
        assert shown["smallest"] >= 14, shown["step"]
        # The lit value, its op and the tags on its arrows are on the screen, without
        # scrolling by hand (step 0, the forward pass, lights nothing).
        for part in shown["explained"] + shown["tags"]:
            assert _inside(part, shown["view"]), (shown["step"], part, shown["view"])


@pytest.mark.parametrize("width, height, zoom", LECTURE_SCREENS)
@pytest.mark.parametrize("which", ["neuron", "reused"])
def test_page_tags_overlap_no_tag_text_or_box(
    browser: Any,
    neuron_page: Path,
    pages: dict[str, Path],
    which: str,
    width: int,
    height: int,
    zoom: float,
):
    page = neuron_page if which == "neuron" else pages["reused"]
    with screen(browser, width, height, zoom):
        for shown in _every_step(browser, page):
            step, tags, labels = shown["step"], shown["tags"], shown["labels"]
            for i, tag in enumerate(tags):
                assert all(_overlap(tag, other) < 0.5 for other in tags[i + 1 :]), step
                for text, box in labels:
                    assert _overlap(tag, box) < 0.5, (step, text)
                assert all(_overlap(tag, shape) < 0.5 for shape in shown["shapes"]), step
            for i, (text, box) in enumerate(labels):
                for other, other_box in labels[i + 1 :]:
                    assert _overlap(box, other_box) < 1, (step, text, other)
