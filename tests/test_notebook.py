"""The notebook tour, docs/tour.ipynb: committed without outputs, and run top to bottom on a
fresh kernel the way a teacher runs it in a lecture, so that it cannot rot.

nbclient runs it on a new ipykernel (both are in the dev extra). Around the notebook's own
cells the test adds a first cell that notes matplotlib's backend and settings in the kernel,
and a last one that checks they are unchanged: micrograd's plotting must not switch the
notebook away from its inline backend or leave its projector style behind.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tour.ipynb"
PICTURES = ("image/png", "image/svg+xml")

# A first figure loads the kernel's backend, which sets some settings of its own (such as
# interactive mode): the settings noted are those the notebook starts from.
BEFORE = """
import matplotlib
import matplotlib.pyplot

matplotlib.pyplot.close(matplotlib.pyplot.figure())
settings_before = (matplotlib.get_backend(), dict(matplotlib.rcParams))
"""
AFTER = """
backend, settings = matplotlib.get_backend(), dict(matplotlib.rcParams)
assert "inline" in settings_before[0], settings_before[0]
assert backend == settings_before[0], f"the backend changed from {settings_before[0]} to {backend}"
changed = sorted(key for key in settings if settings[key] != settings_before[1][key])
assert not changed, f"matplotlib settings changed: {changed}"
"""


def test_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source
        assert "execution" not in cell.metadata, cell.source  # nbclient's timings


@pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason="the tour plots: it needs the demos extra",
)
def test_notebook_runs_top_to_bottom_on_a_fresh_kernel(tmp_path, monkeypatch):
    # The kernel imports this checkout's micrograd, and picks its own matplotlib backend.
    paths = [str(NOTEBOOK.parents[1]), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells = [new_code_cell(BEFORE), *notebook.cells, new_code_cell(AFTER)]
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if one fails

    if shutil.which("dot") is None:
        return  # without Graphviz the graphs show as text; the plots are checked with it
    # Each numbered section shows its picture in the notebook.
    sections: dict[str, int] = {}
    section = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = re.match(r"## (\d+)\. ", cell.source)
            section = heading.group(1) if heading else section
            continue
        pictures = [
            out for out in cell.outputs if any(kind in out.get("data", {}) for kind in PICTURES)
        ]
        if section is not None:
            sections[section] = sections.get(section, 0) + len(pictures)
    assert sorted(sections, key=int) == [str(n) for n in range(1, 11)]
    assert all(sections.values()), f"pictures in each section: {sections}"
