"""Turning DOT text into pictures: find Graphviz, run it with a time limit, write files safely.

`micrograd.viz.dot` builds the DOT text of a drawing, which needs nothing but Python. This
module runs the Graphviz program that lays the text out: `dot` if it is installed, else
`graphviz-pure` (a self-contained port that `pip install graphviz-pure` brings). Each run has a
time limit; a missing, slow or failing Graphviz raises a `RenderError` that says what to do,
and in Jupyter a `Drawing` that cannot be rendered shows its text view instead of a traceback.
A `Drawing`'s own `render()`, `pipe()` and `view()`, the methods graphviz users know, take the
same road as `save()`.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphviz  # type: ignore[import-untyped]

from ..files import write_atomically

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

    # graphviz.Digraph's own render(), pipe() and view() would run `dot` themselves, with
    # no time limit, no graphviz-pure and graphviz's ExecutableNotFound. These take the
    # same arguments but run the module's render() below, as save() does.

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The picture in `format` (the drawing's own by default), as bytes, or as text
        if `encoding` is given."""
        _refuse_graphviz_options(
            "pipe", renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, engine=engine
        )
        image = render(self.source, _checked_format(format or self.format), self.timeout)
        return image if encoding is None else image.decode(encoding)

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the DOT text to `filename` (in `directory`) and the picture beside it, as
        graphviz does: `Digraph.gv` and `Digraph.gv.svg` by default, or the picture to
        `outfile`, its format taken from its extension. Return the picture's path.
        `cleanup=True` removes the DOT file after; `view=True` opens the picture."""
        _refuse_graphviz_options(
            "render", renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, engine=engine
        )
        if outfile is not None:
            outfile = Path(outfile)
            if format is None:
                format = outfile.suffix.lstrip(".").lower() or None
            if directory is None:
                outfile = Path(self.directory, outfile)
            if filename is None:
                filename = outfile.with_suffix(".gv").name
        fmt = _checked_format(format or self.format)
        # The picture first: if Graphviz is missing or fails, no file is written at all.
        image = render(self.source, fmt, self.timeout)
        source_path = Path(self.save(filename, directory=directory))
        picture = Path(outfile) if outfile is not None else Path(f"{source_path}.{fmt}")
        if raise_if_result_exists and picture.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(picture)!r}")
        write_atomically(picture, image)
        if cleanup:
            source_path.unlink()
        if view or quiet_view:
            graphviz.view(picture, quiet=quiet_view)
        return os.fspath(picture)

    def view(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        cleanup: bool = False,
        quiet: bool = False,
        quiet_view: bool = False,
    ) -> str:
        """Render as `render()` does and open the picture with the system's viewer."""
        return self.render(
            filename, directory, view=True, cleanup=cleanup, quiet=quiet, quiet_view=quiet_view
        )


def _refuse_graphviz_options(method: str, **options: Any) -> None:
    given = sorted(name for name, value in options.items() if value not in (None, "dot"))
    if given:
        raise ValueError(
            f"Drawing.{method}() lays the picture out with dot (or graphviz-pure) and its "
            f"default renderer; it does not take {', '.join(f'{name}=' for name in given)}. "
            "graphviz.Source(drawing.source) takes them all."
        )


def _checked_format(fmt: str) -> str:
    if fmt not in graphviz.FORMATS:
        raise ValueError(
            f"format must be one that Graphviz writes, such as 'svg', 'png' or 'pdf', got {fmt!r}"
        )
    return fmt


def render(source: str, fmt: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Lay out DOT `source` and return the image in format `fmt` ("svg", "png", ...).

    Raises GraphvizNotFoundError if no Graphviz is installed, and RenderError if it fails
    or takes longer than `timeout` seconds (it is stopped then).
    """
    timeout = _check_timeout(timeout)
    program = find_graphviz()
    deadline = time.monotonic() + timeout
    image = _run(program, source, fmt, timeout, deadline)
    if fmt == "svg" and Path(program).stem == "graphviz-pure":
        layout = _run(program, source, "json", timeout, deadline)
        image = _fit_text(image, layout)
    return image


def _run(program: str, source: str, fmt: str, timeout: float, deadline: float) -> bytes:
    name = Path(program).name
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=max(deadline - time.monotonic(), 0.001),
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


# <text ... x="12.5" y="-30" ...>words</text>, as Graphviz writes each piece of text in SVG.
_SVG_TEXT = re.compile(rb'<text ([^>]*?)x="([-\d.]+)" y="([-\d.]+)"([^>]*)>([^<]*)</text>')


def _fit_text(svg: bytes, layout: bytes) -> bytes:
    """`svg` with each text given the width that Graphviz made room for, from `layout`
    (the same graph as `-Tjson`), so that no font can spill it out of its box.

    Graphviz sizes every box for the width its text has in the font it measured; a browser
    then draws the text in whatever font it has. graphviz-pure measures Helvetica, and where
    a browser has no Helvetica (most Linux machines) its stand-in is some 15% wider: the text
    would cross its box. `textLength` makes the browser squeeze or stretch it to the width
    measured. Texts not found in `layout`, or all of them if it is not JSON, are left as
    they are: a text that may spill is better than no picture.
    """
    try:
        texts = list(_texts(json.loads(layout)))
    except ValueError:
        return svg
    widths = {(text.replace("\xa0", " "), round(x, 2), round(-y, 2)): w for text, x, y, w in texts}

    def fitted(match: re.Match[bytes]) -> bytes:
        before, x, y, after, escaped = match.groups()
        text = html.unescape(escaped.decode("utf-8")).replace("\xa0", " ")
        width = widths.get((text, round(float(x), 2), round(float(y), 2)))
        if width is None or b"textLength" in after:
            return match.group(0)
        length = f' textLength="{width:g}" lengthAdjust="spacingAndGlyphs"'.encode()
        return b'<text %sx="%s" y="%s"%s%s>%s</text>' % (before, x, y, after, length, escaped)

    return _SVG_TEXT.sub(fitted, svg)


def _texts(layout: Any) -> Iterator[tuple[str, float, float, float]]:
    """Each text drawn in a `-Tjson` layout: its text, where it is anchored, its width."""
    stack: list[Any] = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("op") == "T":
                x, y = item["pt"]
                yield item["text"], float(x), float(y), float(item["width"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


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
