"""A recorded training run in pictures: an animated GIF for slides, and a live view that
redraws itself in a Jupyter cell while the network trains.

Both draw the same picture of one state of a `micrograd.viz.replay.Recorder`: the data and the
decision boundary on the left, the loss and accuracy curves on the right with the step
marked. `write_gif(recorder, "training.gif")` writes one such picture per chosen step;
`LiveView(recorder)` shows one in a notebook cell and redraws it in place every few steps:

    recorder = Recorder(model, X, y, loss_name="max-margin loss")
    with LiveView(recorder, every=5):      # one output, redrawn as training goes
        for step in range(100):
            ...forward pass and loss...
            recorder.record(loss, accuracy(scores, labels))
            ...backward() and an optimizer step...
        ...record the trained model...     # the view shows the last state on leaving

The pictures evaluate the network on a grid with numpy (which matplotlib brings) from the
recorded weights: a picture needs thousands of points, and numpy's matrix products do them
in milliseconds where plain Python would take as long as a few training steps. Its sums
may differ from Python's in the last bits, which no picture can show; the replay page is
where the numbers are Python's exactly. matplotlib (with Pillow, which it brings) is
imported only when a picture is drawn: `pip install 'micrograd[demos]'`.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomically
from .plots import CLASS_COLORS
from .replay import Recorder, State, plane_bounds

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

__all__ = ["LiveView", "grid_outputs", "write_gif"]

NEEDS_MATPLOTLIB = "the pictures of a run need matplotlib: pip install 'micrograd[demos]'"
NEEDS_JUPYTER = "the live view shows itself in Jupyter: it needs IPython (pip install jupyter)"
GRID_COLUMNS = 160  # grid points across the plane: about one per pixel of the panel
SIZE = (9.0, 3.9)  # inches at DPI: 900 x 390 pixels, for a slide or a notebook cell
DPI = 100
MARKERS = ("o", "s", "^", "D", "v")
# The shades of the background: a class's colour, stronger the surer the network is (by how
# much the winning score beats the next), in four steps so that the GIF's frames stay small.
SURENESS = ((0.25, 0.14), (0.5, 0.24), (1.0, 0.34), (math.inf, 0.45))


def write_gif(
    recorder: Recorder,
    path: str | os.PathLike[str] = "training.gif",
    *,
    frames: int = 24,
    seconds: float = 6.0,
) -> Path:
    """Write an animated GIF of the run: the boundary and the curves at `frames` steps
    spread evenly from the first to the trained model, in about `seconds`, the last frame
    held a little longer. Written whole or not at all; returns its path."""
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 2:
        raise ValueError(f"a GIF needs frames >= 2, got {frames!r}")
    if not isinstance(seconds, (int, float)) or not 0 < seconds < 600:
        raise ValueError(f"seconds must be a number between 0 and 600, got {seconds!r}")
    states = _states(recorder)
    picture = _Picture(recorder)
    from PIL import Image  # matplotlib brings Pillow

    count = min(frames, len(states))
    chosen = sorted({round(i * (len(states) - 1) / (count - 1)) for i in range(count)})
    # One palette per frame, without dithering: flat colours compress well in a GIF.
    images = [
        rgba.convert("RGB").quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        for rgba in picture.frames(states, chosen)
    ]
    each = round(1000 * seconds / (len(images) + 3))
    durations = [each] * (len(images) - 1) + [4 * each]  # linger on the trained model
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
    )
    path = Path(path)
    write_atomically(path, buffer.getvalue())
    return path


class LiveView:
    """Watch training in a Jupyter cell: one output that redraws itself every `every` states.

    It listens to the recorder: every `every`-th call of `recorder.record(...)` redraws the
    boundary and the curves in place. Used as a `with` block, it shows the last state on
    leaving; else call `draw()` after training, and `close()` to stop listening.
    """

    def __init__(self, recorder: Recorder, every: int = 5) -> None:
        if not isinstance(recorder, Recorder):
            raise TypeError(f"LiveView needs a Recorder, got {type(recorder).__name__}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a whole number >= 1, got {every!r}")
        _require_matplotlib()
        try:
            from IPython.display import display
        except ModuleNotFoundError:
            raise ModuleNotFoundError(NEEDS_JUPYTER) from None
        self.recorder = recorder
        self.every = every
        self.drawn_step: int | None = None  # the step the output shows, if any
        self._display: Any = display  # IPython has no type hints
        self._handle: Any = None
        self._picture = _Picture(recorder)
        recorder.listeners.append(self._on_record)

    def _on_record(self, recorder: Recorder) -> None:
        if recorder.steps % self.every == 0:
            self.draw()

    def draw(self) -> None:
        """Show the latest recorded state, in the same output as before."""
        states = _states(self.recorder)
        image = self._picture.png(states, len(states) - 1)
        from IPython.display import Image

        picture = Image(data=image)  # type: ignore[no-untyped-call]
        if self._handle is None:
            self._handle = self._display(picture, display_id=True)
        else:
            self._handle.update(picture)
        self.drawn_step = states[-1].step

    def close(self) -> None:
        """Stop listening, after showing the last state if the output does not yet."""
        if self._on_record in self.recorder.listeners:
            self.recorder.listeners.remove(self._on_record)
        if self.recorder.states and self.drawn_step != self.recorder.steps:
            self.draw()

    def __enter__(self) -> LiveView:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()


def grid_outputs(
    recorder: Recorder, state: State, columns: int = GRID_COLUMNS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network of `state` on a grid over the plane of the data, with numpy.

    Returns the grid's x1 values (columns), its x2 values (rows, from the bottom) and the
    outputs, of shape (outputs, rows, columns). Grid points sit in the middle of their
    cells, as on the replay page.
    """
    import numpy as np

    bounds = plane_bounds(recorder.X)
    (left, right), (bottom, top) = bounds["x1"], bounds["x2"]
    rows = max(20, round(columns * (top - bottom) / (right - left)))
    x1 = left + (np.arange(columns) + 0.5) * (right - left) / columns
    x2 = bottom + (np.arange(rows) + 0.5) * (top - bottom) / rows
    points = np.stack([np.tile(x1, rows), np.repeat(x2, columns)])  # a column per grid point
    return x1, x2, _outputs(recorder, state, points).reshape(-1, rows, columns)


def _outputs(recorder: Recorder, state: State, points: np.ndarray) -> np.ndarray:
    """The network's outputs on each column of `points` (2 rows: x1, x2), layer by layer:
    all the neurons of a layer on all the points in one matrix product."""
    import numpy as np

    a = points
    for neurons, (_, activation) in zip(recorder.neuron_weights(state), recorder.layers):
        weights = np.array([w for w, _ in neurons])
        biases = np.array([[b] for _, b in neurons])
        a = _activate(activation, weights @ a + biases)
    return a


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    import numpy as np

    a: np.ndarray = z
    if name == "relu":
        a = np.where(z <= 0, 0.0, z)  # nan passes through, as in Value.relu
    elif name == "tanh":
        a = np.tanh(z)
    elif name == "sigmoid":
        e = np.exp(-np.abs(z))  # never exp of a large positive number
        a = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return a


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        raise ModuleNotFoundError(NEEDS_MATPLOTLIB) from None


def _states(recorder: Recorder) -> list[State]:
    states = recorder.states
    if not states:
        raise ValueError(
            "nothing recorded yet: call recorder.record(loss, accuracy) in the training loop"
        )
    return states


class _Picture:
    """One figure, drawn again for each state: the artists that change are replaced."""

    def __init__(self, recorder: Recorder) -> None:
        _require_matplotlib()
        # No pyplot: no global figures to close, no window, whatever the backend.
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.recorder = recorder
        self.figure: Figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
        self.canvas: Any = FigureCanvasAgg(self.figure)  # its methods have no type hints
        grid = self.figure.add_gridspec(2, 2, width_ratios=(1.25, 1))
        self.plane = self.figure.add_subplot(grid[:, 0])
        self.loss = self.figure.add_subplot(grid[0, 1])
        self.accuracy = self.figure.add_subplot(grid[1, 1], sharex=self.loss)
        self.changing: list[Any] = []  # what _draw_state drew, to remove before the next
        self.points: list[Any] = []  # the data: fixed, but drawn over the background
        self._draw_fixed()

    def _draw_fixed(self) -> None:
        recorder = self.recorder
        bounds = plane_bounds(recorder.X)
        ax = self.plane
        ax.set(xlim=bounds["x1"], ylim=bounds["x2"], xlabel="x1", ylabel="x2")
        ax.set_aspect("equal")
        for k in range(recorder.classes):
            points = [x for x, label in zip(recorder.X, recorder.y) if label == k]
            scatter = ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=28,
                c=CLASS_COLORS[k % len(CLASS_COLORS)],
                marker=MARKERS[k % len(MARKERS)],
                edgecolors="black",
                linewidths=0.6,
                zorder=3,
            )
            self.points.append(scatter)
        self.loss.set_title(recorder.loss_name, fontsize=12, loc="left")
        self.accuracy.set_title("accuracy", fontsize=12, loc="left")
        self.accuracy.set_xlabel("training step")
        self.accuracy.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
        for axes in (self.plane, self.loss, self.accuracy):
            axes.tick_params(labelsize=11)
        self.plane.xaxis.label.set_fontsize(12)
        self.plane.yaxis.label.set_fontsize(12)
        self.accuracy.xaxis.label.set_fontsize(12)
        self.loss.tick_params(labelbottom=False)
        for axes in (self.loss, self.accuracy):
            axes.grid(alpha=0.3)

    def draw(self, states: list[State], index: int) -> Any:
        """The picture of states[index], as a Pillow image."""
        from PIL import Image

        self._draw_state(states, index)
        self.canvas.draw()
        size = self.canvas.get_width_height()
        return Image.frombuffer("RGBA", size, self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def frames(self, states: list[State], indices: list[int]) -> Iterator[Any]:
        """The pictures of states[i] for each i, as Pillow images, fast: the axes, ticks
        and labels, the same in every frame, are drawn once, and each frame draws only
        what changes over a copy of them (what animations call blitting)."""
        from PIL import Image

        self._draw_state(states, indices[-1])  # the limits and ticks of the whole run
        self.canvas.draw()  # lays the figure out, once
        self.figure.set_layout_engine("none")
        for artist in [*self.changing, *self.points]:
            artist.set_visible(False)
        self.canvas.draw()
        background = self.canvas.copy_from_bbox(self.figure.bbox)
        size = self.canvas.get_width_height()
        for index in indices:
            self._draw_state(states, index)
            self.canvas.restore_region(background)
            # In the order a full drawing would take: the background image, the boundary,
            # the points, the rings; then the curves and the title.
            for artist in sorted([*self.changing, *self.points], key=lambda a: a.get_zorder()):
                artist.set_visible(True)
                self.figure.draw_artist(artist)
            yield Image.frombuffer("RGBA", size, self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def png(self, states: list[State], index: int) -> bytes:
        self._draw_state(states, index)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _draw_state(self, states: list[State], index: int) -> None:
        import numpy as np

        for artist in self.changing:
            artist.remove()
        self.changing = []
        recorder, state = self.recorder, states[index]
        x1, x2, outputs = grid_outputs(recorder, state)
        # Each class's lead: by how much its score beats the best other (one output: the
        # score itself for class 1, and minus it for class 0).
        if len(outputs) == 1:
            leads = np.stack([-outputs[0], outputs[0]])
        else:
            leads = np.stack(
                [
                    outputs[k] - np.delete(outputs, k, axis=0).max(axis=0)
                    for k in range(len(outputs))
                ]
            )
        winner = leads.argmax(axis=0)
        sure = leads.max(axis=0)
        colors = np.array([_rgb(CLASS_COLORS[k % len(CLASS_COLORS)]) for k in range(len(leads))])
        amount = np.select(
            [sure <= limit for limit, _ in SURENESS], [shade for _, shade in SURENESS]
        )[..., None]
        image = 1 - amount * (1 - colors[winner])
        bounds = plane_bounds(recorder.X)
        ax = self.plane
        self.changing.append(
            ax.imshow(
                image,
                origin="lower",
                extent=(bounds["x1"][0], bounds["x1"][1], bounds["x2"][0], bounds["x2"][1]),
                interpolation="nearest",
                zorder=0,
            )
        )
        for lead in leads if len(leads) > 2 else leads[1:]:
            if lead.min() < 0 < lead.max():
                self.changing.append(
                    ax.contour(x1, x2, lead, levels=[0], colors="black", linewidths=1.8, zorder=2)
                )
        scores = _outputs(recorder, state, np.array(recorder.X).T)
        predicted = (scores[0] > 0).astype(int) if len(scores) == 1 else scores.argmax(axis=0)
        wrong = [x for x, label, guess in zip(recorder.X, recorder.y, predicted) if guess != label]
        if wrong:
            self.changing.append(
                ax.scatter(
                    [x[0] for x in wrong],
                    [x[1] for x in wrong],
                    s=130,
                    facecolors="none",
                    edgecolors="black",
                    linewidths=1.8,
                    zorder=4,
                )
            )
        steps, losses, accuracies = recorder.curve
        last = max(1, states[-1].step)
        for axes, values, now in (
            (self.loss, losses, state.loss),
            (self.accuracy, accuracies, state.accuracy),
        ):
            shown = [i for i, step in enumerate(steps) if step <= state.step]
            self.changing += axes.plot(steps, values, color="#ced4da", linewidth=1.5)
            self.changing += axes.plot(
                [steps[i] for i in shown], [values[i] for i in shown], color="#1c7ed6", linewidth=2
            )
            self.changing.append(axes.axvline(state.step, color="#d6336c", linewidth=1.5))
            self.changing += axes.plot([state.step], [now], "o", color="#d6336c", markersize=6)
            axes.set_xlim(-0.02 * last, 1.02 * last)  # room for the dot at either end
        self.loss.set_ylim(0, max(max(losses) * 1.05, 1e-9))
        self.accuracy.set_ylim(min(0.5, math.floor(min(accuracies) * 10) / 10), 1.02)
        self.changing.append(
            self.figure.suptitle(
                f"{recorder.title}: step {state.step} of {states[-1].step}, "
                f"{recorder.loss_name} {state.loss:.4f}, accuracy {state.accuracy:.0%}",
                fontsize=13,
            )
        )


def _rgb(color: str) -> tuple[float, float, float]:
    return (int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255)
