"""Tests for micrograd.nn: neurons, layers, MLPs, their parameters, and saving them."""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import random
import stat
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

import pytest

import micrograd.nn
from micrograd import (
    MLP,
    SGD,
    Adam,
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
    renamed = {name: value for name, value in params.items() if name != "layer0.neuron0.w0"}
    return [
        ("not json", "{ not json", "not valid JSON"),
        ("truncated", changed()[:40], "not valid JSON"),
        ("binary", b"\xff\xfe\x00", "not valid JSON"),
        ("a list", "[1, 2]", "not a micrograd model file"),
        ("another format", changed(format="torch"), "not a micrograd model file"),
        ("future version", changed(version=99), "format version 99"),
        ("no parameters", json.dumps({k: v for k, v in good.items() if k != "parameters"}), "no 'parameters'"),
        ("other architecture", changed(nouts=[3, 1]), "has 13 parameters, but the file holds 9"),
        ("extra weight", changed(parameters={**params, "layer9.neuron0.b": 1.0}), "has 9 parameters, but the file holds 10"),
        ("renamed weight", changed(parameters={**renamed, "layer9.neuron0.b": 1.0}), "missing layer0.neuron0.w0, unexpected layer9"),
        ("parameters a list", changed(parameters=[0.5] * 9), "'parameters' must map each name to a number, got list"),
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


def test_save_to_a_character_device_writes_into_it_and_keeps_it(monkeypatch):
    replace = os.replace

    def guarded_replace(source, destination):  # a regression must not replace /dev/null
        if os.path.exists(destination) and not os.path.isfile(destination):
            raise AssertionError(f"os.replace over the special file {destination}")
        replace(source, destination)

    monkeypatch.setattr(os, "replace", guarded_replace)
    MLP(2, [2, 1], seed=0).save(os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# ------------------------------------------------------------ untrusted model files

ROOT = Path(__file__).resolve().parent.parent
LOAD_IN_A_SMALL_PROCESS = """
import resource, sys
# At most 2 GiB: a regression that builds what a file claims fails here, not the machine.
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from micrograd import MLP
try:
    MLP.load(sys.argv[1])
except ValueError as error:
    print(error)
"""


def load_in_a_small_process(path):
    """MLP.load(path) in a fresh Python with at most 2 GiB of memory and 60 seconds (a
    TimeoutExpired fails the test instead of hanging it); returns what the error said."""
    result = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_SMALL_PROCESS, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def model_file(tmp_path, nin, nouts, parameters):
    path = tmp_path / "model.json"
    document = {"format": "micrograd.mlp", "version": 1, "nin": nin, "nouts": nouts}
    path.write_text(json.dumps({**document, "parameters": parameters}))
    return path


def test_a_tiny_file_claiming_a_huge_model_is_refused_before_building(tmp_path):
    path = model_file(tmp_path, 10**9, [1], {})  # about 90 bytes
    message = load_in_a_small_process(path)
    assert f"{path} does not describe a valid model" in message
    assert "has 1,000,000,001 parameters, but the file holds 0" in message


def test_the_architecture_is_checked_against_the_parameters_before_building(tmp_path, monkeypatch):
    path = model_file(tmp_path, 1000, [1000], {"layer0.neuron0.w0": 0.5, "layer0.neuron0.b": 0})

    def never(*args, **kwargs):
        raise AssertionError("a layer was built before the file was checked")

    monkeypatch.setattr(micrograd.nn, "Layer", never)
    with pytest.raises(ValueError, match="has 1,001,000 parameters, but the file holds 2"):
        MLP.load(path)


def test_an_endless_file_is_read_only_up_to_the_limit():
    message = load_in_a_small_process("/dev/zero")
    assert "/dev/zero holds more than 100,000,000 bytes, the most MLP.load reads" in message
    assert "max_bytes=" in message


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "model.json"
    with open(path, "wb") as file:
        file.truncate(10**10)  # 10 GB, sparse: it takes no room on disk
    message = load_in_a_small_process(path)
    assert f"{path} holds more than 100,000,000 bytes" in message


def test_max_bytes_sets_the_limit(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"holds more than {size - 1:,} bytes.*max_bytes="):
        MLP.load(path, max_bytes=size - 1)
    assert repr(MLP.load(path, max_bytes=size)) == repr(MLP(2, [2, 1]))
    for wrong in (0, -1, 1.5, True, "100"):
        with pytest.raises(ValueError, match="max_bytes must be a whole number >= 1"):
            MLP.load(path, max_bytes=wrong)


@pytest.mark.parametrize("field", ["nin", "version", "a weight"])
def test_a_number_of_thousands_of_digits_is_a_clear_error_naming_the_file(tmp_path, field):
    huge = "1" * 5000  # more than Python reads into an int (4,300 digits)
    parameters = '{"layer0.neuron0.w0": 1, "layer0.neuron0.b": 0}'
    fields = {"nin": "1", "version": "1", "a weight": "1"}
    fields[field] = huge
    text = (
        f'{{"format": "micrograd.mlp", "version": {fields["version"]}, "nin": {fields["nin"]}, '
        f'"nouts": [1], "parameters": {parameters.replace(": 1,", ": " + fields["a weight"] + ",")}}}'
    )
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(ValueError) as caught:
        MLP.load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "too large for a float" in message
    assert len(message) < 300 and "set_int_max_str_digits" not in message


def hostile_model_files():
    """Model files whose contents would break a one-line error if quoted as they are."""
    good = json.loads(
        json.dumps(
            {
                "format": "micrograd.mlp",
                "version": 1,
                "nin": 2,
                "nouts": [2, 1],
                "parameters": MLP(2, [2, 1], seed=0).state_dict(),
            }
        )
    )
    params = good["parameters"]
    escape = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window's title
    deep = 1
    for _ in range(500):
        deep = [deep]
    return {
        "activation": {**good, "activation": escape * 10_000},
        "version": {**good, "version": "\n" * 100_000},
        "nouts": {**good, "nouts": [escape] * 100_000},
        "deep nouts": {**good, "nouts": deep},
        "nin": {**good, "nin": escape},
        "weight": {**good, "parameters": {**params, "layer0.neuron0.b": escape * 10_000}},
        "names": {
            **good,
            "parameters": {
                **{name: 0.5 for name in list(params)[1:]},
                escape * 10_000: 0.5,
            },
        },
    }


@pytest.mark.parametrize(("case", "document"), hostile_model_files().items())
def test_load_errors_are_one_short_safe_line(tmp_path, case, document):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as caught:
        MLP.load(path)
    message = str(caught.value)
    assert message.isprintable() and len(message) < 400, message[:400]
    assert message.startswith(str(path))


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(2, [2, 1], seed=0)([0.5] * 1_000_000),
        lambda: MLP(2, [2, 1], seed=0)({"\x1b[2J": 1.0}),
        lambda: MLP(2, "\x1b[2J" * 100_000),
        lambda: MLP(2, [2, "\x1b[2J" * 100_000]),
        lambda: MLP(2, [2, 1], activation="\n" * 100_000),
        lambda: MLP(2, [2, 1], seed="\x1b[2J" * 100_000),
        lambda: Neuron(2, nonlin="\n" * 100_000, activation="linear"),
        lambda: MLP(2, [1], seed=0).load_state_dict({"\x1b[2J" * 1000: 1.0, 3: 2.0}),
        lambda: MLP(1, [1], seed=0).load_state_dict(
            {"layer0.neuron0.w0": "\n" * 10**5, "layer0.neuron0.b": 0}
        ),
    ],
)
def test_errors_quote_what_they_were_given_on_one_short_line(make):
    with pytest.raises((TypeError, ValueError)) as caught:
        make()
    message = str(caught.value)
    assert message.isprintable() and len(message) < 400, message[:400]


def test_load_state_dict_takes_any_real_number_value_takes():
    np = pytest.importorskip("numpy")
    model = MLP(1, [1], seed=0)
    for w, b in [
        (np.float32(0.5), np.int64(-3)),
        (Fraction(1, 4), np.float64(2.0)),
        (np.float16(-1.5), 7),
    ]:
        model.load_state_dict({"layer0.neuron0.w0": w, "layer0.neuron0.b": b})
        assert [p.data for p in model.parameters()] == [float(w), float(b)]
        assert all(type(p.data) is float for p in model.parameters())
    model.load_state_dict(MappingProxyType({"layer0.neuron0.w0": 1.0, "layer0.neuron0.b": 2.0}))
    assert [p.data for p in model.parameters()] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number, got bool"),
        ("np.bool_", "must be a number, got bool"),
        (Decimal("0.5"), "must be a number, got Decimal"),  # Value() refuses it too
        (Fraction(10**400, 1), "too large for a float"),
        ("np.float32(inf)", "must be finite"),
        ("np.longdouble(1e4000)", "must be finite and fit a float"),
    ],
)
def test_load_state_dict_refuses_bools_and_numbers_no_float_holds(value, message):
    np = pytest.importorskip("numpy")
    if isinstance(value, str):
        value = {
            "np.bool_": np.bool_(True),
            "np.float32(inf)": np.float32("inf"),
            "np.longdouble(1e4000)": np.longdouble("1e4000"),
        }[value]
    model = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict({"layer0.neuron0.w0": value, "layer0.neuron0.b": 0.0})


# ------------------------------------------------------------ pickling and copying

PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)


def outputs(model, x):
    with_graph = [v.data for v in model(x)]
    with no_grad():
        without = [v.data for v in model(x)]
    return with_graph, without


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_a_model_pickles_and_deep_copies_with_every_activation(activation, protocol):
    model = MLP(3, [4, 2], activation=activation, output_activation=activation, seed=5)
    x = [0.3, -1.2, 2.5]
    for copy_ in (pickle.loads(pickle.dumps(model, protocol)), copy.deepcopy(model)):
        assert repr(copy_) == repr(model)
        assert copy_.state_dict() == model.state_dict()
        assert [p.label for p in copy_.parameters()] == [p.label for p in model.parameters()]
        assert outputs(copy_, x) == outputs(model, x)
        copy_.parameters()[0].data += 1.0  # the copy's weights are its own
        assert copy_.parameters()[0].data != model.parameters()[0].data
    for part in (Neuron(3, activation=activation, seed=1), Layer(3, 2, activation=activation)):
        again = pickle.loads(pickle.dumps(part, protocol))
        assert repr(again) == repr(part) and data_of(again(x)) == data_of(part(x))


def data_of(out):
    return [v.data for v in out] if isinstance(out, list) else out.data


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps)])
def test_an_optimizer_pickles_with_its_model_and_steps_the_same(make):
    def train_step(model, optimizer):
        optimizer.zero_grad()
        model([1.0, -2.0]).backward()
        optimizer.step()

    model = MLP(2, [3, 1], seed=2)
    optimizer = make(model.parameters())
    train_step(model, optimizer)  # some momentum or running means to carry over
    model2, optimizer2 = pickle.loads(pickle.dumps((model, optimizer)))
    assert optimizer2.params[0] is model2.parameters()[0]  # still the model's own weights
    train_step(model, optimizer)
    train_step(model2, optimizer2)
    assert model2.state_dict() == model.state_dict()
