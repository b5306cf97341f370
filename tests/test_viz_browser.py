"""micrograd.viz's pictures in a real browser: headless Chromium, driven with selenium.

The SVG of the fallback renderer, graphviz-pure, sizes its boxes for Helvetica; a browser
without Helvetica draws the text in a wider font. Here Chromium measures every text as it
really draws it and checks that it stays inside its box, and that the legend is not cut
off. Skipped where Chromium, chromedriver, selenium or graphviz-pure is missing; CI
installs them all."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, require_chromium

from micrograd import MLP, Value
from micrograd.viz import draw_dot, draw_mlp, render, renderer

require_chromium()  # skips this module where there is no browser

GRAPHVIZ_PURE = shutil.which(
    "graphviz-pure",
    path=os.pathsep.join([os.environ.get("PATH", ""), renderer._python_scripts_dir()]),
)
if GRAPHVIZ_PURE is None:
    pytest.skip("graphviz-pure is not installed", allow_module_level=True)


# Each text as the browser draws it, against the smallest box or oval of its node around
# its middle; each text of the legend against the right edge of the picture.
MEASURE = """
const out = [];
const svg = document.querySelector("svg");
const right = svg.viewBox.baseVal.x + svg.viewBox.baseVal.width;
for (const group of document.querySelectorAll("g.node")) {
  const shapes = [...group.querySelectorAll("polygon, ellipse")].map((s) => s.getBBox());
  for (const text of group.querySelectorAll("text")) {
    const box = text.getBBox();
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    const around = shapes.filter((s) => s.x <= x && x <= s.x + s.width && s.y <= y && y <= s.y + s.height);
    if (around.length === 0) continue;
    const cell = around.reduce((a, b) => (b.width < a.width ? b : a));
    if (box.x < cell.x - 0.5 || box.x + box.width > cell.x + cell.width + 0.5) {
      out.push(`${text.textContent}: ${box.x}..${box.x + box.width} in ${cell.x}..${cell.x + cell.width}`);
    }
  }
}
for (const text of document.querySelectorAll("g.graph > text")) {
  const box = text.getBBox();
  if (box.x + box.width > right - 4 + 0.5) out.push(`${text.textContent}: cut off at ${right}`);
}
return out;
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium("1400,900") as driver:
        yield driver


@pytest.fixture
def only_graphviz_pure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "only"
    folder.mkdir()
    assert GRAPHVIZ_PURE is not None
    (folder / "graphviz-pure").symlink_to(GRAPHVIZ_PURE)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(folder))


def _neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    n = x1 * w1 + x2 * w2 + Value(6.8813735870195432, label="b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def test_fallback_svg_text_stays_inside_its_boxes_in_a_browser(
    browser: Any, only_graphviz_pure: None, tmp_path: Path
):
    model = MLP(2, [3, 1], seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    assert isinstance(out, Value)
    out.backward()
    drawings = {
        "neuron": draw_dot(_neuron(), show_local_grads=True),
        "neuron_tb": draw_dot(_neuron(), rankdir="TB", color="grad"),
        "model": draw_dot(out, model=model),
        "mlp": draw_mlp(model),
    }
    for name, drawing in drawings.items():
        path = tmp_path / f"{name}.svg"
        path.write_bytes(render(drawing.source, "svg"))
        browser.get(path.as_uri())
        assert browser.execute_script(MEASURE) == [], name
