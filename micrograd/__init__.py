"""micrograd: a scalar autograd engine and a small neural-network library, built to be read.

The names are micrograd 0.1.0's: `Value` (with `.data`, `.grad`, `.backward()`), `Neuron`,
`Layer`, `MLP` (with `parameters()` and `zero_grad()`), plus what it lacked: more ops,
losses, optimizers, datasets, saving, gradient checking and graph drawing.
"""

from . import data, losses, optim, steps, viz
from .engine import Graph, Value, enable_grad, is_recording, no_grad
from .gradcheck import GradcheckError, gradcheck, numerical_grads
from .losses import binary_cross_entropy, cross_entropy, l2, max_margin, mse
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, Adam
from .viz import GraphvizNotFoundError, RenderError, draw_dot, draw_mlp
from .viz.steps import backprop_steps

__version__ = "0.2.0.dev0"

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "GradcheckError",
    "Graph",
    "GraphvizNotFoundError",
    "Layer",
    "Module",
    "Neuron",
    "RenderError",
    "Value",
    "__version__",
    "backprop_steps",
    "binary_cross_entropy",
    "cross_entropy",
    "data",
    "draw_dot",
    "draw_mlp",
    "enable_grad",
    "gradcheck",
    "is_recording",
    "l2",
    "losses",
    "max_margin",
    "mse",
    "no_grad",
    "numerical_grads",
    "optim",
    "steps",
    "viz",
]
