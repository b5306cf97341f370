"""micrograd against PyTorch, and the way from one to the other (micrograd.torch_bridge).

PyTorch is the oracle here: the same random graphs, optimizer steps, losses and training
runs are computed by both in float64, and must agree to a few units in the last place. The
tests that need torch are marked `torch` and skipped where it is not installed; CI installs
it and sets MICROGRAD_REQUIRE_TORCH=1, which turns such a skip into a failure (conftest.py).
Each tolerance is a couple of hundred times or more the largest difference seen, which the
test's comment gives.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, target
from hypothesis import strategies as st
from ops_table import away_from_zero, between

from micrograd import (
    MLP,
    SGD,
    Adam,
    Value,
    binary_cross_entropy,
    cross_entropy,
    data,
    l2,
    max_margin,
    mse,
)
from micrograd.nn import ACTIVATIONS
from micrograd.torch_bridge import TORCH_ACTIVATIONS

needs_torch = pytest.mark.torch
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def torch() -> Any:
    """The torch module; the test is skipped where PyTorch is not installed."""
    return pytest.importorskip("torch")


def difference(ours: float, theirs: float) -> float:
    """How far apart two results are: relative for large numbers, absolute near 0."""
    return abs(ours - theirs) / max(abs(theirs), 1.0)


# -------------------------------------------- torch stays optional (no torch needed)


def test_importing_micrograd_never_imports_torch():
    # pytest's --doctest-modules imports every module, and so might a learner's notebook.
    code = (
        "import pkgutil, importlib, sys, micrograd\n"
        "for module in pkgutil.iter_modules(micrograd.__path__):\n"
        "    importlib.import_module('micrograd.' + module.name)\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout == "False\n"


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: MLP(2, [1], seed=0).to_torch(), "MLP.to_torch()"),
        (lambda: MLP.from_torch(object()), "MLP.from_torch()"),
    ],
)
def test_without_torch_the_error_says_how_to_install_it(monkeypatch, call, name):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    with pytest.raises(ModuleNotFoundError) as error:
        call()
    assert str(error.value) == (
        f"{name} needs PyTorch, which is not installed: pip install 'micrograd[torch]' "
        "(it installs torch==2.13.0, the version micrograd is tested with)"
    )


def test_every_activation_has_a_torch_module_but_linear():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS) - {"linear"}


# ------------------------------------------------------------ export and import

architectures = st.tuples(
    st.integers(1, 4),  # nin
    st.lists(st.integers(1, 5), min_size=1, max_size=3),  # nouts
    st.sampled_from(ACTIVATIONS),
    st.sampled_from(ACTIVATIONS),
    st.integers(0, 2**32 - 1),  # seed
)


@needs_torch
@given(architecture=architectures, data=st.data())
def test_to_torch_gives_the_same_outputs_for_every_activation(torch, architecture, data):
    # Largest difference seen: 7e-16 (PyTorch adds up each weighted sum in another order).
    nin, nouts, activation, output_activation, seed = architecture
    model = MLP(nin, nouts, activation, output_activation, seed=seed)
    module = model.to_torch()
    batch = data.draw(
        st.lists(st.lists(between(-3.0, 3.0), min_size=nin, max_size=nin), min_size=1, max_size=4)
    )
    outputs = module(torch.tensor(batch, dtype=torch.float64))
    assert outputs.dtype == torch.float64 and outputs.shape == (len(batch), nouts[-1])
    worst = 0.0
    for x, theirs in zip(batch, outputs.tolist()):
        out = model(x)
        ours = [out.data] if isinstance(out, Value) else [v.data for v in out]
        worst = max(worst, *(difference(a, b) for a, b in zip(ours, theirs)))
    target(worst)  # steers Hypothesis towards the models where the two disagree most
    assert worst <= 1e-12


@needs_torch
@given(architecture=architectures)
def test_from_torch_of_to_torch_gives_back_every_weight_exactly(torch, architecture):
    nin, nouts, activation, output_activation, seed = architecture
    model = MLP(nin, nouts, activation, output_activation, seed=seed)
    back = MLP.from_torch(model.to_torch())
    assert back.state_dict() == model.state_dict()  # == on floats: the same bits
    assert back.config() == model.config() or len(nouts) == 1  # one layer: no hidden activation


@needs_torch
def test_to_torch_lays_out_linear_layers_and_activations(torch):
    model = MLP(3, [4, 2, 1], activation="tanh", output_activation="sigmoid", seed=0)
    module = model.to_torch()
    assert [type(m).__name__ for m in module] == [
        "Linear",
        "Tanh",
        "Linear",
        "Tanh",
        "Linear",
        "Sigmoid",
    ]
    first = module[0]
    assert (first.in_features, first.out_features) == (3, 4)
    assert first.weight[1].tolist() == [
        w.data for w in model.layers[0].neurons[1].w
    ]  # row j: neuron j
    assert first.bias.tolist() == [n.b.data for n in model.layers[0].neurons]
    assert all(p.dtype == torch.float64 and p.requires_grad for p in module.parameters())
    assert [type(m).__name__ for m in MLP(2, [3, 1], activation="linear", seed=0).to_torch()] == [
        "Linear",
        "Linear",
    ]


@needs_torch
def test_the_export_is_a_copy(torch):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    module = model.to_torch()
    with torch.no_grad():
        for p in module.parameters():
            p.add_(1.0)
    assert model.state_dict() == before


@needs_torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_from_torch_reads_a_module_made_in_pytorch(torch, dtype):
    torch.manual_seed(0)
    nn = torch.nn
    module = nn.Sequential(
        nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 1), nn.Identity()
    )
    module = module.to(getattr(torch, dtype))
    model = MLP.from_torch(module)
    assert repr(model) == "MLP(2 -> 5 relu -> 3 relu -> 1 linear) with 37 parameters"
    assert [n.b.data for n in model.layers[1].neurons] == module[2].bias.tolist()
    assert [w.data for w in model.layers[0].neurons[4].w] == module[0].weight[4].tolist()
    x = [0.25, -1.5]
    theirs = module.double()(torch.tensor([x], dtype=torch.float64)).item()
    assert difference(model(x).data, theirs) <= 1e-12
    assert MLP.from_torch(nn.Linear(3, 2)).describe() == "MLP(3 -> 2 linear)"  # one Linear alone


def _refused(nn: Any) -> list[tuple[Any, str]]:
    """Modules that from_torch must refuse, and what its error must say."""
    bad_weight = nn.Linear(2, 1)
    bad_weight.weight.data[0, 1] = math.inf
    return [
        (nn.Conv2d(1, 8, 3), r"reads a torch.nn.Sequential .* got Conv2d\(1, 8, kernel_size"),
        (
            nn.Sequential(nn.Linear(4, 4), nn.Conv2d(1, 8, 3)),
            r"cannot read Conv2d\(1, 8.* at position 1 .*: an MLP holds only Linear layers and ReLU, Tanh, Sigmoid, Identity",
        ),
        (
            nn.Sequential(nn.Linear(2, 3, bias=False)),
            r"cannot read Linear\(in_features=2, out_features=3, bias=False\) at position 0 .*no bias.*bias=True",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)),
            r"cannot read GELU\(approximate='none'\) at position 1",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(), nn.Linear(3, 1)),
            r"LeakyReLU\(negative_slope=0.01\) at position 1",
        ),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), r"ReLU\(\) at position 0 .* follows nothing"),
        (
            nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.ReLU()),
            r"ReLU\(\) at position 2 .* follows another activation",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)),
            r"Linear\(in_features=4.* at position 1 .*takes 4 inputs, but the layer before it gives 3",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)),
            r"hidden layers with different activations \(relu, tanh\)",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1))),
            r"cannot read Sequential at position 1",
        ),
        (nn.Sequential(), "needs at least one Linear layer, got none"),
        (bad_weight, r"parameter layer0.neuron0.w1 must be finite and fit a float, got inf"),
        ("model.pt", r"reads a torch.nn.Sequential .* got 'model.pt'"),
    ]


@needs_torch
def test_from_torch_refuses_what_an_mlp_cannot_hold_naming_it(torch):
    for module, message in _refused(torch.nn):
        with pytest.raises(ValueError, match=message):
            MLP.from_torch(module)


# ------------------------------------------------- random graphs, every op

# A graph is built twice in step, once of Values and once of 0-d float64 tensors: each node
# is a pair. The few calls that the two spell differently go through these namespaces.
MICROGRAD = SimpleNamespace(
    softplus=Value.softplus, sum=Value.sum, dot=Value.dot, logsumexp=Value.logsumexp
)


def _torch_namespace(torch: Any) -> SimpleNamespace:
    return SimpleNamespace(
        softplus=torch.nn.functional.softplus,
        sum=lambda terms: torch.stack(list(terms)).sum(),
        dot=lambda ws, xs, b: torch.dot(torch.stack(ws), torch.stack(xs)) + b,
        logsumexp=lambda terms: torch.logsumexp(torch.stack(list(terms)), 0),
    )


# Each op: its function of the namespace and its inputs, and what each input must be:
# "b" bounded (|x| <= 10, so exp and ** stay finite) or "n" also nonzero (|x| >= 0.1, away
# from the kinks of abs and relu and the poles of /, log and negative powers).
UNARY: dict[str, tuple[Callable[..., Any], str]] = {
    "neg": (lambda ns, x: -x, "b"),
    "abs": (lambda ns, x: abs(x), "n"),
    "relu": (lambda ns, x: x.relu(), "n"),
    "exp": (lambda ns, x: x.exp(), "b"),
    "log": (lambda ns, x: abs(x).log(), "n"),
    "tanh": (lambda ns, x: x.tanh(), "b"),
    "sigmoid": (lambda ns, x: x.sigmoid(), "b"),
    "softplus": (lambda ns, x: ns.softplus(x), "b"),
    "pow_int": (lambda ns, x: x**3, "b"),
    "pow_negative_int": (lambda ns, x: x**-2, "n"),
    "pow_fraction": (lambda ns, x: abs(x) ** 0.5, "n"),
    "rpow": (lambda ns, x: 2.0**x, "b"),
    "radd": (lambda ns, x: 2.5 + x, "b"),
    "rsub": (lambda ns, x: 2.5 - x, "b"),
    "rmul": (lambda ns, x: 3.0 * x, "b"),
    "rdiv": (lambda ns, x: 2.0 / x, "n"),
}
BINARY: dict[str, tuple[Callable[..., Any], str]] = {
    "add": (lambda ns, a, b: a + b, "bb"),
    "sub": (lambda ns, a, b: a - b, "bb"),
    "mul": (lambda ns, a, b: a * b, "bb"),
    "div": (lambda ns, a, b: a / b, "bn"),
    "pow_value": (lambda ns, a, b: abs(a) ** b, "nb"),  # ** with a Value exponent
    "sum": (lambda ns, a, b: ns.sum([a, b, a]), "bb"),
    "dot": (lambda ns, a, b: ns.dot([a, b], [b, a], a), "bb"),  # a is also the bias
    "logsumexp": (lambda ns, a, b: ns.logsumexp([a, b, a]), "bb"),
}


@st.composite
def expression_graphs(draw: st.DrawFn) -> tuple[list[float], list[tuple[str, list[int]]]]:
    """A recipe: leaves, then steps that each read earlier nodes (so nodes get reused)."""
    leaves = draw(st.lists(between(-2.0, 2.0), min_size=1, max_size=4))
    steps = []
    for n_nodes in range(len(leaves), len(leaves) + draw(st.integers(1, 12))):
        pick = st.integers(0, n_nodes - 1)
        name = draw(st.sampled_from([*UNARY, *BINARY]))
        arity = 1 if name in UNARY else 2
        steps.append((name, [draw(pick) for _ in range(arity)]))
    return leaves, steps


def _fit(node: tuple[Any, Any], kind: str) -> tuple[Any, Any]:
    """The node, squashed into the domain `kind` asks for if it is outside. micrograd's data
    decides, and both graphs get the same ops, so the two stay the same graph."""
    value, tensor = node
    if abs(value.data) > 10:
        value, tensor = 10 * (value / 10).tanh(), 10 * (tensor / 10).tanh()
    if kind == "n" and abs(value.data) < 0.1:
        value, tensor = value + 1.0, tensor + 1.0
    return value, tensor


@needs_torch
@given(expression_graphs())
def test_random_graphs_data_and_grads_match_pytorch(torch, graph):
    # Largest differences seen (relative, or absolute below 1) over 1,500 examples that
    # target() steered towards the worst: data 1.2e-15, grads 4.6e-14.
    leaves, steps = graph
    ns = _torch_namespace(torch)
    nodes = [(Value(x), torch.tensor(x, dtype=torch.float64, requires_grad=True)) for x in leaves]
    for name, inputs in steps:
        op, kinds = UNARY[name] if name in UNARY else BINARY[name]
        pairs = [_fit(nodes[i], kind) for i, kind in zip(inputs, kinds)]
        nodes.append((op(MICROGRAD, *[v for v, _ in pairs]), op(ns, *[t for _, t in pairs])))
    made = nodes[len(leaves) :]
    for _, tensor in made:
        tensor.retain_grad()  # PyTorch keeps only the leaves' grads unless asked
    # Every node made, and the last one twice: so every node has a grad and one is shared.
    MICROGRAD.sum([*(v for v, _ in made), made[-1][0]]).backward()
    ns.sum([*(t for _, t in made), made[-1][1]]).backward()
    data_worst = max(difference(v.data, t.item()) for v, t in nodes)
    grad_worst = max(difference(v.grad, 0.0 if t.grad is None else t.grad.item()) for v, t in nodes)
    target(data_worst, label="data")
    target(grad_worst, label="grad")
    assert data_worst <= 1e-12 and grad_worst <= 1e-11


# --------------------------------------------------------------------- optimizers


def _problem(torch: Any) -> tuple[MLP, Any, list[list[float]], list[float]]:
    """A small tanh network, its PyTorch copy, and eight points to fit by mse."""
    X, y = data.moons(8, seed=3)
    model = MLP(2, [4, 1], activation="tanh", seed=3)
    return model, model.to_torch(), X, [float(label) for label in y]


# Each case: the options, spelled the same way for micrograd's optimizer and torch.optim's.
OPTIMIZERS = {
    "sgd": {"lr": 0.1},
    "sgd_momentum_weight_decay": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01},
    "adam": {"lr": 0.01},
    "adam_betas_eps_weight_decay": {
        "lr": 0.05,
        "betas": (0.8, 0.99),
        "eps": 1e-6,
        "weight_decay": 0.01,
    },
}


@needs_torch
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizers_take_the_same_steps_as_torch_optim(torch, name):
    # Largest difference seen in any weight after 20 steps: 2.8e-16 (SGD), 2.2e-16 (Adam).
    model, module, X, y = _problem(torch)
    options = OPTIMIZERS[name]
    ours_class, theirs_class = (
        (SGD, torch.optim.SGD) if name.startswith("sgd") else (Adam, torch.optim.Adam)
    )
    ours = ours_class(model.parameters(), **options)
    theirs = theirs_class(module.parameters(), **options)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for step in range(20):
        loss = mse([model(x) for x in X], y)
        ours.zero_grad()
        loss.backward()
        ours.step()
        torch_loss = torch.nn.functional.mse_loss(module(inputs).squeeze(1), targets)
        theirs.zero_grad()
        torch_loss.backward()
        theirs.step()
        assert difference(loss.data, torch_loss.item()) <= 1e-12, f"step {step}"
    _assert_same_weights(model, module, 1e-12)


@needs_torch
def test_a_learning_rate_schedule_matches_torch_lambda_lr(torch):
    # micrograd's rate is a function of the step; PyTorch's LambdaLR multiplies a base rate.
    model, module, X, y = _problem(torch)
    ours = SGD(model.parameters(), lr=lambda k: 0.5 * (1.0 - 0.9 * k / 20), momentum=0.5)
    theirs = torch.optim.SGD(module.parameters(), lr=0.5, momentum=0.5)
    schedule = torch.optim.lr_scheduler.LambdaLR(theirs, lambda k: 1.0 - 0.9 * k / 20)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for _ in range(20):
        ours.zero_grad()
        mse([model(x) for x in X], y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.mse_loss(module(inputs).squeeze(1), targets).backward()
        theirs.step()
        schedule.step()
    _assert_same_weights(model, module, 1e-12)


def _assert_same_weights(model: MLP, module: Any, tolerance: float) -> None:
    theirs = MLP.from_torch(module).state_dict()
    worst = max(difference(w, theirs[name]) for name, w in model.state_dict().items())
    assert worst <= tolerance, f"weights differ by up to {worst:.1e}"


# ------------------------------------------------------------------------- losses

scores = st.lists(between(-30.0, 30.0), min_size=1, max_size=6)


@needs_torch
@given(predictions=scores, data=st.data())
def test_mse_matches_torch(torch, predictions, data):
    targets = data.draw(
        st.lists(between(-30.0, 30.0), min_size=len(predictions), max_size=len(predictions))
    )
    _compare_loss(
        torch,
        lambda ps: mse(ps, targets),
        lambda t: torch.nn.functional.mse_loss(t, torch.tensor(targets, dtype=torch.float64)),
        predictions,
    )


@needs_torch
@given(data=st.data())
def test_max_margin_matches_tensor_arithmetic(torch, data):
    # No counterpart in torch.nn.functional: written out as mean(relu(1 - label * score)).
    # Each score is drawn from its margin, so that no 1 - label * score sits on relu's kink.
    labels = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=1, max_size=6))
    margins = data.draw(
        st.lists(away_from_zero(0.01, 20.0), min_size=len(labels), max_size=len(labels))
    )
    predictions = [label * (1.0 - margin) for label, margin in zip(labels, margins)]
    tensor_labels = torch.tensor(labels, dtype=torch.float64)
    _compare_loss(
        torch,
        lambda ss: max_margin(ss, labels),
        lambda t: torch.relu(1.0 - tensor_labels * t).mean(),
        predictions,
    )


@needs_torch
@given(
    logits=st.lists(
        st.one_of(between(-50.0, 50.0), st.sampled_from([-1000.0, 1000.0])), min_size=1, max_size=6
    ),
    data=st.data(),
)
def test_binary_cross_entropy_matches_torch_with_logits(torch, logits, data):
    labels = data.draw(
        st.lists(st.sampled_from([0, 1]), min_size=len(logits), max_size=len(logits))
    )
    _compare_loss(
        torch,
        lambda zs: binary_cross_entropy(zs, labels),
        lambda t: torch.nn.functional.binary_cross_entropy_with_logits(
            t, torch.tensor(labels, dtype=torch.float64)
        ),
        logits,
    )


@needs_torch
@given(classes=st.integers(2, 5), samples=st.integers(1, 4), data=st.data())
def test_cross_entropy_matches_torch(torch, classes, samples, data):
    logits = data.draw(
        st.lists(
            st.one_of(between(-50.0, 50.0), st.sampled_from([-1000.0, 1000.0])),
            min_size=classes * samples,
            max_size=classes * samples,
        )
    )
    labels = data.draw(st.lists(st.integers(0, classes - 1), min_size=samples, max_size=samples))

    def ours(values: list[Value]) -> Value:
        rows = [values[i * classes : (i + 1) * classes] for i in range(samples)]
        return cross_entropy(rows, labels)

    _compare_loss(
        torch,
        ours,
        lambda t: torch.nn.functional.cross_entropy(
            t.reshape(samples, classes), torch.tensor(labels)
        ),
        logits,
    )


@needs_torch
@given(weights=st.lists(between(-10.0, 10.0), min_size=1, max_size=8), alpha=between(0.0, 1.0))
def test_l2_matches_tensor_arithmetic(torch, weights, alpha):
    # No counterpart in torch.nn.functional: alpha times the sum of squares.
    _compare_loss(torch, lambda ws: l2(ws, alpha), lambda t: alpha * (t * t).sum(), weights)


def _compare_loss(
    torch: Any,
    ours: Callable[[list[Value]], Value],
    theirs: Callable[[Any], Any],
    inputs: list[float],
) -> None:
    # Largest differences seen in a loss or a grad (relative, or absolute below 1) over
    # 1,500 examples each, steered by target(): mse 4e-16, max_margin 5e-16,
    # binary_cross_entropy 3e-15, l2 6e-16, cross_entropy 5.5e-14 (logits of +-1000 whose
    # logsumexp and label's logit nearly cancel).
    values = [Value(x) for x in inputs]
    loss = ours(values)
    loss.backward()
    tensor = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    torch_loss = theirs(tensor)
    torch_loss.backward()
    worst = max(
        difference(loss.data, torch_loss.item()),
        *(difference(v.grad, g) for v, g in zip(values, tensor.grad.tolist())),
    )
    target(worst)
    assert worst <= 1e-11


# ---------------------------------------------------- a model trained both ways


@needs_torch
def test_a_model_trained_both_ways_ends_with_the_same_weights(torch):
    # The README's moons training, five steps: max-margin loss, an L2 penalty, a falling rate.
    # Largest difference seen in any weight: 2.5e-16.
    X, y = data.moons(50, noise=0.1, seed=1)
    labels = data.signs(y)
    model = MLP(2, [8, 8, 1], seed=1337)
    module = model.to_torch()
    ours = SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 5)
    theirs = torch.optim.SGD(module.parameters(), lr=1.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(theirs, lambda k: 1.0 - 0.9 * k / 5)
    inputs = torch.tensor(X, dtype=torch.float64)
    tensor_labels = torch.tensor(labels, dtype=torch.float64)
    for _ in range(5):
        loss = max_margin([model(x) for x in X], labels) + l2(model.parameters(), 1e-4)
        ours.zero_grad()
        loss.backward()
        ours.step()
        # The same step as one batched tensor computation: every point at once.
        scores = module(inputs).squeeze(1)
        torch_loss = torch.relu(1.0 - tensor_labels * scores).mean()
        torch_loss = torch_loss + 1e-4 * sum((p * p).sum() for p in module.parameters())
        theirs.zero_grad()
        torch_loss.backward()
        theirs.step()
        schedule.step()
        assert difference(loss.data, torch_loss.item()) <= 1e-12
    _assert_same_weights(model, module, 1e-12)
