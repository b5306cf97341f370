"""Everything that shows a graph or a model: pictures, text, the steps page and plots.

    dot.py        draw_dot (a value's graph), draw_mlp (a network), save (to a file)
    text.py       tree: the graph as indented text, with no Graphviz
    renderer.py   Drawing, and running Graphviz on the DOT text with a time limit
    steps.py      backprop_steps: a web page that plays backward() one value at a time
    plots.py      training pictures with matplotlib, for the demos and `micrograd train`

This layer reads the engine and the networks and never changes them; nothing below it
imports it. `from micrograd.viz import draw_dot, save, tree` gives the usual names.
"""

from .dot import (
    COLOR_MODES,
    FONT,
    MAX_NODES,
    NEGATIVE,
    OP_FILL,
    POSITIVE,
    RANKDIRS,
    ROLE_FILLS,
    SAVE_FORMATS,
    UNKNOWN,
    WHITE,
    GraphTooBigError,
    LayerLike,
    MLPLike,
    NeuronLike,
    draw_dot,
    draw_mlp,
    save,
)
from .renderer import (
    DEFAULT_TIMEOUT,
    INSTALL_HINT,
    Drawing,
    GraphvizNotFoundError,
    RenderError,
    find_graphviz,
    render,
)
from .text import TextView, tree, visible

__all__ = [
    "COLOR_MODES",
    "DEFAULT_TIMEOUT",
    "FONT",
    "INSTALL_HINT",
    "MAX_NODES",
    "NEGATIVE",
    "OP_FILL",
    "POSITIVE",
    "RANKDIRS",
    "ROLE_FILLS",
    "SAVE_FORMATS",
    "UNKNOWN",
    "WHITE",
    "Drawing",
    "GraphTooBigError",
    "GraphvizNotFoundError",
    "LayerLike",
    "MLPLike",
    "NeuronLike",
    "RenderError",
    "TextView",
    "draw_dot",
    "draw_mlp",
    "find_graphviz",
    "render",
    "save",
    "tree",
    "visible",
]
