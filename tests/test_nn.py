"""Tests for micrograd.nn: neurons, layers, MLPs, their parameters, and saving them."""

from __future__ import annotations

import json
import math
import os
import random

import pytest

from micrograd import (
    MLP,
    SGD,
    Graph,
    Layer,
    Neuron,
    Value,
    data,
    gradcheck,
    l2,
    max_margin,
    no_grad,
)
from micrograd.losses import accuracy

# ------------------------------------------------------------ shapes and names


def test_mlp_parameter_count_matches_micrograd():
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337  # (2+1)*16 + (16+1)*16 + (16+1)*1


def test_mlp_returns_a_value_for_one_output_and_a_list_otherwise():
    assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    outs = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(outs, list) and len(outs) == 3


def test_width_one_layers_work_in_the_middle_of_a_network():
    # micrograd 0.1.0: a 1-neuron layer returns a bare Value, so the next layer crashes.
    model = MLP(2, [16, 1, 1], seed=0)
    assert isinstance(model([0.5, -0.5]), Value)
    out = Layer(3, 1, seed=0)([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 1


def test_named_parameters_say_which_layer_neuron_and_weight():
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layer0.neuron0.w0", "layer0.neuron0.w1", "layer0.neuron0.b"]
    assert names[-1] == "layer1.neuron0.b" and len(names) == len(set(names)) == 13
    assert all(p.label == name for name, p in model.named_parameters())


def test_repr_shows_architecture_and_parameter_count():
    assert repr(MLP(2, [16, 16, 1])) == (
        "MLP(2 -> 16 relu -> 16 relu -> 1 linear) with 337 parameters"
    )
    assert repr(Neuron(3, activation="tanh")) == "Neuron(3, activation='tanh') with 4 parameters"
    assert repr(Layer(2, 4)) == "Layer(2 -> 4, relu) with 12 parameters"


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [4, 1], seed=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ------------------------------------------------------------ activations


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("relu", 0.0),
        ("tanh", math.tanh(-0.5)),
        ("sigmoid", 1 / (1 + math.exp(0.5))),
        ("linear", -0.5),
    ],
)
def test_neuron_computes_activation_of_weighted_sum(activation, expected):
    n = Neuron(2, activation=activation, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, -2.0, 0.5
    out = n([1.0, 1.0])  # 1*1 - 2*1 + 0.5 = -0.5
    assert out.data == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_neuron_grads_match_central_differences(activation):
    n = Neuron(3, activation=activation, seed=1)
    n.b.data = 0.3  # keeps the relu's input away from its kink at 0
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    assert gradcheck(lambda *vs: n(vs[:3]) * 1.0, *xs, *n.parameters())


def test_nonlin_keyword_keeps_working_as_in_micrograd():
    assert Neuron(2, nonlin=False).activation == "linear"
    assert Neuron(2).activation == "relu"
    assert Layer(2, 3, nonlin=False).activation == "linear"


def test_nonlin_reads_as_in_micrograd():
    assert Neuron(2).nonlin is True
    assert Neuron(2, nonlin=False).nonlin is False
    assert Neuron(2, activation="tanh").nonlin is True
    assert Neuron(2, activation="linear").nonlin is False


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_neuron_role_of_names_the_values_it_made(activation):
    neuron = Neuron(3, activation=activation, seed=0)
    other = Neuron(3, activation=activation, seed=1)
    x = [Value(1.0), Value(-2.0), Value(0.5)]
    out = neuron(x)
    weighted_sum = out if activation == "linear" else out.inputs[0]
    assert neuron.role_of(weighted_sum) == "weighted sum"
    if activation != "linear":
        assert neuron.role_of(out) == "activation"
    assert [neuron.role_of(w) for w in neuron.w] == ["weight"] * 3
    assert neuron.role_of(neuron.b) == "bias"
    assert neuron.role_of(x[0]) is None  # an input is not the neuron's
    # Another neuron's values, and ops by hand on this one's, are not this neuron's.
    assert [neuron.role_of(v) for v in (other(x), other.b, other.w[0])] == [None] * 3
    assert neuron.role_of(out * 2) is None
    assert (
        neuron.role_of(getattr(weighted_sum, "relu" if activation != "relu" else "tanh")()) is None
    )
    assert neuron.role_of(Value.dot(neuron.w, x)) is None  # a dot without its bias


def test_every_neuron_of_an_mlp_claims_its_own_values():
    model = MLP(2, [3, 2], activation="tanh", seed=0)
    outputs = model([0.5, -1.0])
    assert isinstance(outputs, list)
    neurons = [neuron for layer in model.layers for neuron in layer.neurons]
    claimed = 0
    for node in Graph(outputs[0] + outputs[1]).values:
        roles = [neuron.role_of(node) for neuron in neurons]
        assert sum(role is not None for role in roles) <= 1  # never two neurons' value
        claimed += any(roles)
    # 17 parameters, 3 weighted sums and 3 tanh in layer 0, 2 (linear) sums in layer 1;
    # not the inputs, nor the + by hand at the end.
    assert claimed == 17 + 3 + 3 + 2


def test_mlp_hidden_layers_use_activation_and_output_is_linear_by_default():
    model = MLP(2, [4, 4, 1], activation="tanh")
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid")
    assert model.layers[-1].activation == "sigmoid"


# ------------------------------------------------------------ initialization


def test_same_seed_same_weights_and_different_seed_different_weights():
    def weights(seed):
        return [p.data for p in MLP(2, [8, 1], seed=seed).parameters()]

    assert weights(7) == weights(7)
    assert weights(7) != weights(8)


def test_seeded_weights_are_the_same_on_every_machine():
    # random.Random(seed).uniform is specified bit for bit, so these numbers are pinned.
    first = [p.data for p in MLP(2, [2, 1], seed=0).parameters()[:3]]
    assert first == [0.6888437030500962, 0.515908805880605, 0.0]


def test_without_a_seed_the_random_module_seed_applies_as_in_micrograd():
    random.seed(1337)
    a = [p.data for p in MLP(2, [4, 1]).parameters()]
    random.seed(1337)
    expected = [random.uniform(-1, 1) for _ in range(2)]
    assert a[:2] == expected and a[2] == 0.0  # two weights, then the bias at 0


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        ([1.0], ValueError, "MLP expects 2 inputs per sample, got 1"),
        ([1.0, 2.0, 3.0], ValueError, "expects 2 inputs per sample, got 3"),
        (1.0, TypeError, "expects a list of 2 numbers"),
        ("ab", TypeError, "expects a list of 2 numbers"),
        ([1.0, "b"], TypeError, "MLP input 1 .* str"),
    ],
)
def test_wrong_inputs_are_clear_errors(x, error, message):
    with pytest.raises(error, match=message):
        MLP(2, [3, 1], seed=0)(x)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(2, 16), "list of layer sizes"),
        (lambda: MLP(2, []), "list of layer sizes"),
        (lambda: MLP(0, [1]), "nin to be a whole number >= 1"),
        (lambda: MLP(2, [4, 0]), "each layer size"),
        (lambda: MLP(2, [4], activation="gelu"), "unknown activation 'gelu'"),
        (lambda: Neuron(2, activation="softmax"), "unknown activation"),
    ],
)
def test_bad_architectures_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_layer_rejects_unknown_keywords():
    with pytest.raises(TypeError, match="unexpected keyword"):
        Layer(2, 3, nonlinear=True)


# ------------------------------------------------------------ saving and loading


def test_save_and_load_round_trip_every_float_exactly(tmp_path):
    model = MLP(3, [5, 2], activation="tanh", seed=3)
    for p in model.parameters():
        p.data = p.data / 3.0  # floats with long expansions
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert repr(loaded) == repr(model)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    assert loaded.layers[0].activation == "tanh"
    document = json.loads(path.read_text())
    assert document["format"] == "micrograd.mlp" and document["nouts"] == [5, 2]


def test_state_dict_round_trip():
    a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


def _bad_files():
    good = {
        "format": "micrograd.mlp",
        "version": 1,
        "nin": 2,
        "nouts": [2, 1],
        "activation": "relu",
        "output_activation": "linear",
        "parameters": {p: 0.5 for p, _ in MLP(2, [2, 1], seed=0).named_parameters()},
    }

    def changed(**fields):
        return json.dumps({**good, **fields})

    params = good["parameters"]
    return [
        ("not json", "{ not json", "not valid JSON"),
        ("truncated", changed()[:40], "not valid JSON"),
        ("binary", b"\xff\xfe\x00", "not valid JSON"),
        ("a list", "[1, 2]", "not a micrograd model file"),
        ("another format", changed(format="torch"), "not a micrograd model file"),
        ("future version", changed(version=99), "format version 99"),
        ("no parameters", json.dumps({k: v for k, v in good.items() if k != "parameters"}), "no 'parameters'"),
        ("other architecture", changed(nouts=[3, 1]), "missing layer0.neuron2.w0"),
        ("extra weight", changed(parameters={**params, "layer9.neuron0.b": 1.0}), "unexpected layer9"),
        ("a string weight", changed(parameters={**params, "layer0.neuron0.w0": "0.5"}), "must be a number"),
        ("a null weight", changed(parameters={**params, "layer0.neuron0.b": None}), "must be a number"),
        ("a NaN weight", changed(parameters={**params, "layer0.neuron0.b": math.nan}), "must be finite"),
        ("bad activation", changed(activation="swish"), "unknown activation"),
        ("bad sizes", changed(nouts="2,1"), "list of layer sizes"),
    ]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "message"), _bad_files(), ids=lambda c: str(c)[:20])
def test_loading_a_bad_file_is_a_clear_error(tmp_path, case, content, message):
    path = tmp_path / "model.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ValueError, match=message) as caught:
        MLP.load(path)
    assert str(path) in str(caught.value)


def test_load_state_dict_failure_leaves_the_model_untouched():
    model = MLP(2, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    state = model.state_dict()
    state["layer1.neuron0.b"] = "oops"  # the last one: everything before it was fine
    with pytest.raises(ValueError, match="layer1.neuron0.b must be a number"):
        model.load_state_dict(state)
    assert [p.data for p in model.parameters()] == before


def test_save_is_atomic_and_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    model = MLP(2, [2, 1], seed=0)
    model.save(path)
    old = path.read_text()
    model.parameters()[0].data = 123.0

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_text() == old
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_save_refuses_non_finite_weights_and_missing_folders(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        model.save(tmp_path / "nowhere" / "model.json")
    model.parameters()[0].data = math.inf
    with pytest.raises(ValueError, match="layer0.neuron0.w0 is inf"):
        model.save(tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


# ------------------------------------------------------------ training end to end


def test_seeded_moons_training_reaches_full_accuracy():
    X, y = data.moons(100, noise=0.1, seed=1)
    labels = data.signs(y)
    model = MLP(2, [16, 16, 1], seed=1337)
    optimizer = SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    losses = []
    for _ in range(100):
        scores = [model(x) for x in X]
        loss = max_margin(scores, labels) + l2(model.parameters(), 1e-4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    assert losses[-1] < losses[0] / 10
    assert accuracy([model(x) for x in X], labels) == 1.0


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_evaluating_under_no_grad_gives_the_same_bits_and_no_graph(activation):
    model = MLP(3, [8, 8, 2], activation=activation, output_activation=activation, seed=4)
    for x in ([0.3, -1.2, 2.5], [-0.7, 0.1, 0.0], [5.0, 5.0, -5.0]):
        with_graph = [v.data for v in model(x)]
        with no_grad():
            outputs = model(x)
        assert [v.data for v in outputs] == with_graph
        assert all(v.inputs == () for v in outputs)


def test_nonlin_and_activation_must_agree():
    assert Layer(2, 3, activation="tanh", nonlin=True).activation == "tanh"
    with pytest.raises(ValueError, match="contradicts"):
        Layer(2, 3, activation="tanh", nonlin=False)
    with pytest.raises(ValueError, match="contradicts"):
        Neuron(2, nonlin=True, activation="linear")
    with pytest.raises(ValueError, match="unknown activation ''"):
        Neuron(2, activation="")


def test_nan_inputs_give_nan_outputs_not_a_silent_zero():
    model = MLP(2, [3, 1], seed=0)
    assert math.isnan(model([math.nan, 1.0]).data)
    with no_grad():
        assert math.isnan(model([math.nan, 1.0]).data)


def test_mlp_takes_a_numpy_array_as_one_sample():
    np = pytest.importorskip("numpy")
    model = MLP(2, [3, 1], seed=0)
    assert model(np.array([0.5, 1.0])).data == model([0.5, 1.0]).data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "not valid JSON"),
        (
            '{"format": "micrograd.mlp", "version": 1, "nin": 1, "nouts": [1], "parameters": {"layer0.neuron0.w0": 1'
            + "0" * 400
            + ', "layer0.neuron0.b": 0}}',
            "too large for a float",
        ),
    ],
    ids=["deeply nested", "huge number"],
)
def test_loading_pathological_files_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "model.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        MLP.load(path)


def test_saved_files_get_ordinary_permissions(tmp_path):
    path = tmp_path / "model.json"
    old_umask = os.umask(0o022)
    try:
        MLP(2, [2, 1], seed=0).save(path)
    finally:
        os.umask(old_umask)
    assert path.stat().st_mode & 0o777 == 0o644
