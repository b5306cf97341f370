"""The way out to PyTorch: an MLP as a `torch.nn.Module`, and a module back as an MLP.

What this teaches: a micrograd MLP and a PyTorch `Sequential` of `Linear` layers are the
same function. Neuron j of a layer is row j of its `Linear`'s weight matrix and entry j of
its bias, so a whole layer is one matrix product, and a batch of samples is one more
dimension; the activations are the same formulas, and PyTorch's backward is the same chain
rule over the same graph, only with tensors for values.

PyTorch is optional. It is imported inside the functions here, never when micrograd is
imported, and without it they say how to install it: `pip install 'micrograd[torch]'`.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from .nn import MLP

TORCH_REQUIREMENT = "torch==2.13.0"  # the version the tests check against, as in pyproject.toml
INSTALL_HINT = (
    "pip install 'micrograd[torch]' (it installs " + TORCH_REQUIREMENT + ", the version "
    "micrograd is tested with)"
)
# micrograd's activation names and the PyTorch modules that compute the same function.
# "linear" has none: a Linear layer followed directly by the next is a linear layer.
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def require_torch(what: str = "this") -> ModuleType:
    """The `torch` module, or a ModuleNotFoundError that says how to install it."""
    try:
        # import_module rather than `import torch`: mypy then checks this file the same way
        # whether torch is installed or not (every torch attribute is Any to it).
        return importlib.import_module("torch")
    except ModuleNotFoundError as error:
        if error.name != "torch":
            raise  # torch is there but broken: its own error says more than ours would
        raise ModuleNotFoundError(
            f"{what} needs PyTorch, which is not installed: {INSTALL_HINT}", name="torch"
        ) from None


def to_torch(model: MLP) -> Any:
    """A `torch.nn.Sequential` in float64 that computes what `model` computes.

    One `Linear` per layer, holding the layer's weights (row j is neuron j's `w`) and
    biases, each followed by its activation's module (none for "linear"). The copy is
    independent: training one leaves the other as it was.
    """
    torch = require_torch("MLP.to_torch()")
    modules = []
    for layer in model.layers:
        # skip_init: no random start to compute (and no draw from torch's global random
        # generator), since every weight is set just below.
        linear = torch.nn.utils.skip_init(
            torch.nn.Linear, layer.nin, layer.nout, bias=True, dtype=torch.float64
        )
        with torch.no_grad():  # setting weights is not part of any computation to learn from
            weights = [[w.data for w in neuron.w] for neuron in layer.neurons]
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            biases = [neuron.b.data for neuron in layer.neurons]
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[layer.activation])())
    return torch.nn.Sequential(*modules)


def from_torch(module: Any) -> MLP:
    """The MLP that computes what a `Sequential` of `Linear` layers and activations does.

    Every weight is copied exactly (float32 weights become the same numbers as floats).
    Anything an MLP cannot hold is a ValueError that names it and its position: another
    kind of layer, a `Linear` without a bias, an activation other than ReLU, Tanh, Sigmoid
    or Identity, two activations in a row, or hidden layers with different activations.
    """
    torch = require_torch("MLP.from_torch()")
    nn = torch.nn
    if isinstance(module, nn.Linear):
        module = nn.Sequential(module)  # one Linear is an MLP of one layer
    if not isinstance(module, nn.Sequential):
        raise ValueError(
            "MLP.from_torch() reads a torch.nn.Sequential of Linear layers and activations, "
            f"got {_name(module)}"
        )
    names = {getattr(nn, name): activation for activation, name in TORCH_ACTIVATIONS.items()}
    names[nn.Identity] = "linear"
    linears: list[Any] = []
    activations: list[str] = []  # one per Linear: the activation that follows it
    for position, child in enumerate(module):
        where = f"{_name(child)} at position {position} of the Sequential"
        if type(child) is nn.Linear:
            if child.bias is None:
                raise ValueError(
                    f"MLP.from_torch() cannot read {where}: it has no bias, and every "
                    "micrograd neuron has one (make it with bias=True)"
                )
            if linears and child.in_features != linears[-1].out_features:
                raise ValueError(
                    f"MLP.from_torch() cannot read {where}: it takes {child.in_features} "
                    f"inputs, but the layer before it gives {linears[-1].out_features}"
                )
            linears.append(child)
            activations.append("linear")
        elif type(child) in names:
            if not linears or activations[-1] != "linear":
                before = "nothing" if not linears else "another activation"
                raise ValueError(
                    f"MLP.from_torch() cannot read {where}: an activation must follow a "
                    f"Linear layer, and this one follows {before}"
                )
            activations[-1] = names[type(child)]
        else:
            known = "Linear layers and " + ", ".join([*TORCH_ACTIVATIONS.values(), "Identity"])
            raise ValueError(f"MLP.from_torch() cannot read {where}: an MLP holds only {known}")
    if not linears:
        raise ValueError("MLP.from_torch() needs at least one Linear layer, got none")
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        raise ValueError(
            "MLP.from_torch() cannot read hidden layers with different activations "
            f"({', '.join(activations[:-1])}): an MLP's hidden layers share one activation"
        )
    model = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=hidden.pop() if hidden else "relu",
        output_activation=activations[-1],
        seed=0,  # every weight is overwritten below
    )
    try:
        model.load_state_dict(_state_dict(linears))
    except ValueError as error:  # a weight that is nan or infinite: the error names it
        raise ValueError(f"MLP.from_torch() cannot read this module: {error}") from None
    return model


def _state_dict(linears: list[Any]) -> dict[str, float]:
    """The weights of each Linear under micrograd's parameter names, as Python floats."""
    state = {}
    for i, linear in enumerate(linears):
        # .tolist() gives Python floats, exactly: float32 and float64 both fit in a float.
        weights = linear.weight.detach().cpu().tolist()
        biases = linear.bias.detach().cpu().tolist()
        for j, (row, bias) in enumerate(zip(weights, biases)):
            for k, w in enumerate(row):
                state[f"layer{i}.neuron{j}.w{k}"] = w
            state[f"layer{i}.neuron{j}.b"] = bias
    return state


def _name(module: object) -> str:
    """A module as PyTorch prints it, such as Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1)),
    or just its type's name where that would take more than a line."""
    text = repr(module)
    return text if "\n" not in text and len(text) <= 80 else type(module).__name__
