"""Turning DOT text into pictures: find Graphviz, run it with a time limit, write files safely.

`micrograd.viz.dot` builds the DOT text of a drawing, which needs nothing but Python. This
module runs the Graphviz program that lays the text out: `dot` if it is installed, else
`graphviz-pure` (a self-contained port that `pip install graphviz-pure` brings). Each run has a
time limit; a missing, slow or failing Graphviz raises a `RenderError` that says what to do,
and in Jupyter a `Drawing` that cannot be rendered shows its text view instead of a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import graphviz  # type: ignore[import-untyped]

DEFAULT_TIMEOUT = 30.0  # seconds; a readable graph (a few hundred nodes) takes well under one
JUPYTER_FORMATS = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg"}

INSTALL_HINT = (
    "Drawing needs the Graphviz program `dot` (or `graphviz-pure`), and neither was found "
    "on PATH. Install one: `sudo apt-get install graphviz` (Debian, Ubuntu), `brew install "
    "graphviz` (macOS), `conda install -c conda-forge graphviz`, or, on any machine, "
    "`pip install graphviz-pure` (SVG and PNG only). Until then, `.source` gives the DOT "
    "text, `save(root, 'graph.dot')` writes it, and `print(tree(root))` shows the graph as text."
)


class RenderError(RuntimeError):
    """Graphviz could not turn a drawing into an image: missing, too slow, or failed."""


class GraphvizNotFoundError(RenderError):
    """Neither `dot` nor `graphviz-pure` is installed; the message says how to get one."""


class Drawing(graphviz.Digraph):  # type: ignore[misc]
    """A `graphviz.Digraph` that micrograd renders itself, with a time limit and with
    `graphviz-pure` as a fallback for `dot`.

    In Jupyter it shows as an SVG picture. If it cannot be rendered (no Graphviz, or too
    slow) it shows `text_view` and the reason instead of raising, so "Run All" goes on.
    """

    def __init__(
        self,
        *,
        description: str = "graph",
        text_view: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        **digraph_options: Any,
    ) -> None:
        super().__init__(**digraph_options)
        self.description = description
        self.text_view = text_view
        self.timeout = _check_timeout(timeout)

    def _copy_kwargs(self, **kwargs: Any) -> dict[str, Any]:  # so that .copy() keeps them
        # graphviz.Dot._copy_kwargs drops the keywords it is given, so add ours afterwards.
        copied: dict[str, Any] = super()._copy_kwargs()
        copied.update(description=self.description, text_view=self.text_view)
        copied.update(timeout=self.timeout, **kwargs)
        return copied

    def __repr__(self) -> str:
        return f"<Drawing of {self.description}; save(drawing, 'graph.svg') writes it to a file>"

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, bytes | str]:
        """What Jupyter shows: a picture in the drawing's format if Jupyter takes it (png,
        jpeg), else SVG; or the text view and the reason when Graphviz is missing, too slow,
        or fails."""
        own = [mimetype for mimetype, fmt in JUPYTER_FORMATS.items() if fmt == self.format]
        wanted = set(include) if include is not None else set(own or ["image/svg+xml"])
        wanted -= set(exclude or ())
        try:
            images = {
                mimetype: render(self.source, fmt, self.timeout)
                for mimetype, fmt in JUPYTER_FORMATS.items()
                if mimetype in wanted
            }
        except RenderError as error:
            return {"text/plain": f"{self.text_view}\n\n{error}".lstrip()}
        # Jupyter takes SVG as text and the other formats as bytes.
        return {
            mimetype: image.decode("utf-8") if mimetype == "image/svg+xml" else image
            for mimetype, image in images.items()
        }


def render(source: str, fmt: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Lay out DOT `source` and return the image in format `fmt` ("svg", "png", ...).

    Raises GraphvizNotFoundError if no Graphviz is installed, and RenderError if it fails
    or takes longer than `timeout` seconds (it is stopped then).
    """
    timeout = _check_timeout(timeout)
    program = find_graphviz()
    name = Path(program).name
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{name} took longer than timeout={timeout:g} seconds to lay out this graph, so it "
            "was stopped. Pass a larger timeout=, or draw fewer values with depth=k."
        ) from None
    except OSError as error:
        raise RenderError(f"could not run {program}: {error}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip() or "(it printed nothing)"
        raise RenderError(
            f"{name} could not render this graph as {fmt} (exit code {done.returncode}): {said}"
        )
    output: bytes = done.stdout
    return output


def find_graphviz() -> str:
    """The path of the program that lays graphs out: `dot` if installed, else `graphviz-pure`.

    Besides PATH, look in the running Python's scripts folder, where `pip install
    graphviz-pure` puts it: a Jupyter kernel may run from a venv that is not on PATH.
    """
    search = os.pathsep.join([os.environ.get("PATH", ""), _python_scripts_dir()])
    for program in ("dot", "graphviz-pure"):
        found = shutil.which(program, path=search)
        if found:
            return found
    raise GraphvizNotFoundError(INSTALL_HINT)


def _python_scripts_dir() -> str:
    return sysconfig.get_path("scripts")


def _check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    return float(timeout)
