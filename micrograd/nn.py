"""Neurons, layers and multi-layer perceptrons, built from `Value`.

A neuron takes a weighted sum of its inputs, adds a bias and passes the result through
an activation; a layer is neurons side by side; an MLP is layers one after another
(input, hidden, output). What this teaches: a network is nothing but a big expression,
and its weights are the leaves we ask `backward()` about.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import os
import random
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from .engine import Operand, Value, is_recording, stable_sigmoid, to_float
from .files import write_atomically
from .messages import short_repr, shorten, shorten_path

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


# Every activation is a function defined at the top level of a module (no lambda), so
# that a model can be pickled: for multiprocessing, joblib or copy.deepcopy.
def _linear(v: Value) -> Value:
    return v  # no activation: the weighted sum itself


def _relu_of_float(s: float) -> float:
    return 0.0 if s <= 0 else s  # nan passes through, as in Value.relu


def _linear_of_float(s: float) -> float:
    return s


# Value's activation ops on plain floats, for evaluating without a graph. A test checks
# that they give exactly the data the ops give.
FLOAT_ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "relu": _relu_of_float,
    "tanh": math.tanh,
    "sigmoid": stable_sigmoid,
    "linear": _linear_of_float,
}
# What an MLP gives for one sample: one Value when its last layer has one neuron, else a list.
Output = Value | list[Value]
FORMAT = "micrograd.mlp"  # the "format" field of a saved model file
FORMAT_VERSION = 1
# The most bytes MLP.load reads unless told otherwise: a saved parameter takes about 40
# bytes, so this is a model of some 2.5 million parameters.
MAX_FILE_BYTES = 100_000_000


class Module:
    """Anything with parameters: gives them out by name, and zeroes their grads."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        return []

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Every parameter's data by name: what `save` writes."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from `state`, which must name exactly this model's parameters.

        A value may be any real number that `Value()` takes (int, float, numpy's numbers,
        Fraction) and fits a float, finite; not a bool, which as a weight is a mistake.
        Everything is checked before anything is set, so on error the model is untouched.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"a state dict is a dict of name -> number, got {type(state).__name__}")
        named = self.named_parameters()
        names = [name for name, _ in named]
        missing = [name for name in names if name not in state]
        known = set(names)
        unexpected = [name for name in state if name not in known]
        if missing or unexpected:
            raise ValueError(
                "the state dict does not fit this model "
                f"({self.describe()}): missing {_first(missing)}, unexpected {_first(unexpected)}"
            )
        values = [_parameter_value(name, state[name]) for name in names]
        for (_, p), value in zip(named, values):
            p.data = value

    def describe(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{self.describe()} with {len(self.parameters())} parameters"

    def _label_parameters(self) -> None:
        # A parameter's label is its name, so graphs and errors say which weight it is.
        for name, p in self.named_parameters():
            p.label = name


class Neuron(Module):
    """activation(w . x + b): a weighted sum of the inputs, a bias, an activation.

    `nonlin` is micrograd 0.1.0's keyword: nonlin=False is the same as activation="linear";
    read back, `neuron.nonlin` is True unless the neuron is linear, as there.
    Weights start uniform in [-1, 1] and the bias at 0, as in micrograd 0.1.0.
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool | None = None,
        activation: str | None = None,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = _check_count(nin, "nin", "Neuron")
        self.activation = _resolve_activation(activation, nonlin)
        uniform = (rng or _rng_for(seed) or random).uniform
        self.w = [Value(uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)
        self._activate = _activation_function(self.activation)
        self._label_parameters()

    def __call__(self, x: Sequence[Operand]) -> Value:
        inputs = _check_inputs(x, self.nin, "Neuron")
        return self._forward(inputs)

    def _forward(self, inputs: Sequence[Value]) -> Value:
        # Inputs already checked by the caller; this is the training hot path. role_of
        # recognises the two nodes made here: change both together.
        return self._activate(Value.dot(self.w, inputs, self.b))

    def _evaluate(self, x: list[float]) -> float:
        # The same sum, in the same order, as Value.dot: the same bits as _forward.
        weighted_sum = sum(map(operator.mul, [w.data for w in self.w], x), self.b.data)
        return FLOAT_ACTIVATIONS[self.activation](weighted_sum)

    @property
    def nonlin(self) -> bool:
        """micrograd 0.1.0's name: True unless the neuron is linear."""
        return self.activation != "linear"

    def role_of(self, value: Value) -> str | None:
        """What `value` is to this neuron: "weight", "bias", "weighted sum" (the node
        `Value.dot(w, x, b)` that a call makes), "activation" (the activation of that sum),
        or None: not this neuron's. Drawings ask it, to box each neuron's values.

        >>> neuron = Neuron(2, activation="tanh", seed=0)
        >>> out = neuron([1.0, 2.0])
        >>> neuron.role_of(out), neuron.role_of(out.inputs[0]), neuron.role_of(neuron.b)
        ('activation', 'weighted sum', 'bias')
        """
        inputs = value.inputs
        if not inputs:
            return "bias" if value is self.b else "weight" if value in self.w else None
        # A call makes exactly two nodes: the dot, with inputs w..., x..., b (see _forward);
        # then, unless linear, the activation, with that dot as its one input.
        if inputs[-1] is self.b and value.op == "dot" and inputs[: self.nin] == tuple(self.w):
            return "weighted sum"
        if (
            len(inputs) == 1
            and self.nonlin
            and value.op == self.activation
            and self.role_of(inputs[0]) == "weighted sum"
        ):
            return "activation"
        return None

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [*((f"w{i}", w) for i, w in enumerate(self.w)), ("b", self.b)]

    def describe(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons that all read the same inputs. Always returns a list, even of one."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        nonlin: bool | None = None,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = _check_count(nin, "nin", "Layer")
        self.nout = _check_count(nout, "nout", "Layer")
        self.activation = _resolve_activation(activation, nonlin)
        rng = rng or _rng_for(seed)
        self.neurons = [Neuron(nin, activation=self.activation, rng=rng) for _ in range(nout)]
        self._label_parameters()

    def __call__(self, x: Sequence[Operand]) -> list[Value]:
        return self._forward(_check_inputs(x, self.nin, "Layer"))

    def _forward(self, inputs: Sequence[Value]) -> list[Value]:
        return [neuron._forward(inputs) for neuron in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neuron{j}.{name}", p)
            for j, neuron in enumerate(self.neurons)
            for name, p in neuron.named_parameters()
        ]

    def describe(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: `nin` inputs, then one layer per entry of `nouts`.

    Hidden layers use `activation`; the output layer is linear unless
    `output_activation` says otherwise. Called on one sample, it returns a single
    `Value` when the last layer has one neuron, else a list.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2 -> 16 relu -> 16 relu -> 1 linear) with 337 parameters
    >>> model([0.5, -1.0])
    Value(data=..., grad=0.0)
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        seed: int | None = None,
    ) -> None:
        self.nin = _check_count(nin, "nin", "MLP")
        if not isinstance(nouts, Sequence) or isinstance(nouts, str) or not nouts:
            raise ValueError(
                f"MLP needs a list of layer sizes such as [16, 16, 1], got {short_repr(nouts)}"
            )
        self.nouts = [_check_count(n, "each layer size", "MLP") for n in nouts]
        self.activation = _check_activation(activation)
        self.output_activation = _check_activation(output_activation)
        self.seed = seed
        rng = _rng_for(seed)
        sizes = [nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation, rng=rng)
            for i in range(len(self.nouts))
        ]
        self._label_parameters()

    def __call__(self, x: Sequence[Operand]) -> Output:
        values: list[Value] = _check_inputs(x, self.nin, "MLP")
        if not is_recording():
            # No graph wanted (evaluating, plotting): plain floats are several times faster.
            values = [Value(out) for out in self._evaluate([v.data for v in values])]
        else:
            for layer in self.layers:
                values = layer._forward(values)
        return values[0] if len(values) == 1 else values

    def _evaluate(self, x: list[float]) -> list[float]:
        for layer in self.layers:
            x = [neuron._evaluate(x) for neuron in layer.neurons]
        return x

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layer{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def describe(self) -> str:
        sizes = [f"{layer.nout} {layer.activation}" for layer in self.layers]
        return "MLP(" + " -> ".join([str(self.nin), *sizes]) + ")"

    # -------------------------------------------------------------- saving

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and every weight as readable JSON.

        Floats are written in their shortest exact form, so loading gives back the same
        bits. The file is written whole or not at all: a crash leaves the old file.
        """
        for name, p in self.named_parameters():
            if not math.isfinite(p.data):
                raise ValueError(
                    f"cannot save: parameter {name} is {p.data!r}; training diverged "
                    "(try a smaller learning rate)"
                )
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            **self.config(),
            "parameters": self.state_dict(),
        }
        write_atomically(Path(path), (json.dumps(document, indent=1) + "\n").encode())

    @classmethod
    def load(cls, path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> MLP:
        """Build the model a file describes and load its weights; errors say what is wrong.

        A file is untrusted input, so it is read only up to `max_bytes` (100 MB by
        default), and the architecture it claims must have exactly as many parameters as
        it holds before anything is built: a file of a few bytes cannot make us build a
        network that fills memory.
        """
        path = Path(path)
        shown = shorten_path(path)
        document = _read_json(path, max_bytes)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f"{shown} is not a micrograd model file: no 'format': '{FORMAT}'")
        if document.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"{shown} has format version {short_repr(document.get('version'))}; this "
                f"micrograd reads version {FORMAT_VERSION}"
            )
        try:
            nin, nouts, parameters = document["nin"], document["nouts"], document["parameters"]
        except KeyError as error:
            raise ValueError(f"{shown} is not a complete model file: no {error}") from None
        try:
            _check_parameter_count(nin, nouts, parameters)
            model = cls(
                nin,
                nouts,
                activation=document.get("activation", "relu"),
                output_activation=document.get("output_activation", "linear"),
                seed=0,  # every weight is overwritten below
            )
            model.load_state_dict(parameters)
        except (TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"{shown} does not describe a valid model: {error}") from None
        return model

    # ------------------------------------------------------------ PyTorch

    def to_torch(self) -> Any:
        """This model as a float64 `torch.nn.Sequential` with the same weights; needs torch.

        See micrograd.torch_bridge, which is imported only here, so torch stays optional.
        """
        from .torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The MLP that a `Sequential` of `Linear` layers and activations computes, every
        weight exact; anything else is a ValueError naming it. Needs torch."""
        from .torch_bridge import from_torch

        return from_torch(module)


# ------------------------------------------------------------------ helpers


def _read_json(path: Path, max_bytes: int) -> Any:
    """The JSON document in the file at `path`, read only up to `max_bytes`: an endless
    file such as /dev/zero, or a huge one, is refused instead of filling memory."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a whole number >= 1, got {short_repr(max_bytes)}")
    shown = shorten_path(path)
    too_large = ValueError(
        f"{shown} holds more than {max_bytes:,} bytes, the most MLP.load reads; if you "
        "trust it, pass a larger limit: MLP.load(path, max_bytes=...)"
    )
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size > max_bytes:  # a regular file says its size
            raise too_large
        content = file.read(max_bytes + 1)  # a device or a pipe does not: read one more
    if len(content) > max_bytes:
        raise too_large
    try:
        return json.loads(content.decode("utf-8"), parse_int=_json_int)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(
            f"{shown} is not a micrograd model file: not valid JSON ({error})"
        ) from None
    except ValueError as error:  # from _json_int
        raise ValueError(f"{shown} does not describe a valid model: {error}") from None


def _json_int(digits: str) -> int:
    # Python refuses to read an int of over 4,300 digits, with a ValueError that names no
    # file; no size or weight has even as many digits as the largest float (309).
    if len(digits.lstrip("-")) > 309:
        raise ValueError(f"the number {shorten(digits, 20)} is too large for a float")
    return int(digits)


def _check_parameter_count(nin: object, nouts: object, parameters: object) -> None:
    """Check that the architecture a file claims has as many parameters as the file holds,
    from the sizes alone, before anything is built."""
    sizes = [_check_count(nin, "nin", "MLP")]
    if not isinstance(nouts, list) or not nouts:
        raise ValueError(
            f"MLP needs a list of layer sizes such as [16, 16, 1], got {short_repr(nouts)}"
        )
    sizes += [_check_count(n, "each layer size", "MLP") for n in nouts]
    if not isinstance(parameters, dict):
        raise ValueError(
            f"'parameters' must map each name to a number, got {type(parameters).__name__}"
        )
    # Each neuron has one weight per input and a bias.
    expected = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(sizes))
    if len(parameters) != expected:
        raise ValueError(
            f"an MLP with nin={nin} and nouts={short_repr(nouts)} has {expected:,} "
            f"parameters, but the file holds {len(parameters):,}"
        )


def _rng_for(seed: int | None) -> random.Random | None:
    """A generator seeded with `seed`; None without a seed, meaning: draw from the `random`
    module itself, so that `random.seed(1337)` before building a model works as in
    micrograd 0.1.0."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {short_repr(seed)}")
    return random.Random(seed)


def _resolve_activation(activation: str | None, nonlin: bool | None) -> str:
    """An activation by name, or by micrograd 0.1.0's `nonlin` (True: relu, False: linear)."""
    if activation is None:
        return "linear" if nonlin is False else "relu"
    activation = _check_activation(activation)
    if nonlin is not None and bool(nonlin) != (activation != "linear"):
        raise ValueError(
            f"nonlin={short_repr(nonlin)} contradicts activation={activation!r}: "
            "pass only activation"
        )
    return activation


def _check_count(n: object, what: str, owner: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{owner} needs {what} to be a whole number >= 1, got {short_repr(n)}")
    return n


def _check_activation(name: str) -> str:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {short_repr(name)}; choose one of {', '.join(ACTIVATIONS)}"
        )
    return name


def _activation_function(name: str) -> Callable[[Value], Value]:
    if name == "linear":
        return _linear
    return getattr(Value, name)  # type: ignore[no-any-return]


def _check_inputs(x: object, nin: int, owner: str) -> list[Value]:
    """The inputs as Values, after checking there are `nin` of them and each is a number."""
    if isinstance(x, (Value, str, bytes)) or not (hasattr(x, "__len__") and hasattr(x, "__iter__")):
        raise TypeError(
            f"{owner} expects a list of {nin} numbers (one sample), got {type(x).__name__}: "
            + short_repr(x)
        )
    if len(x) != nin:
        raise ValueError(f"{owner} expects {nin} inputs per sample, got {len(x)}: {short_repr(x)}")
    inputs = []
    for i, xi in enumerate(x):
        if isinstance(xi, Value):
            inputs.append(xi)
        else:
            inputs.append(Value(to_float(xi, f"{owner} input {i}")))
    return inputs


def _parameter_value(name: str, value: object) -> float:
    # numbers.Real: int, float, Fraction, and numpy's ints and floats, which register as
    # Real (numpy's bool does not, and Python's bool is refused by name).
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"parameter {name} must be a number, got {type(value).__name__}: {short_repr(value)}"
        )
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(
            f"parameter {name} is too large for a float: {short_repr(value)}"
        ) from None
    if not math.isfinite(number):  # nan, inf, or a numpy long double beyond a float's range
        raise ValueError(
            f"parameter {name} must be finite and fit a float, got {short_repr(value)}"
        )
    return number


def _first(names: list[Any], shown: int = 3) -> str:
    """The first few names, each fit for a one-line message: a state dict's keys may be
    anything, a file's any text."""
    if not names:
        return "none"
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return (
        ", ".join(shorten(n) if isinstance(n, str) else short_repr(n) for n in names[:shown]) + more
    )
