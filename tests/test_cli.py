"""Tests for the command line, micrograd/cli/: `draw` and `train` run in-process on
tiny inputs and write real pictures; every mistake a user can make gives one line on stderr
and exit status 2, never a traceback; and `python -m micrograd` runs for real."""

from __future__ import annotations

import errno
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_files import read_only_folder

from micrograd.cli import main, parse_assignments
from micrograd.cli.options import printable_output, run_command
from micrograd.viz import GraphvizNotFoundError, renderer

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="the Graphviz program dot is not installed")
needs_sh = pytest.mark.skipif(sys.platform == "win32", reason="stand-in programs are sh scripts")


def _can_render() -> bool:
    """Whether graph pictures can be made here: with dot, or with graphviz-pure."""
    try:
        renderer.find_graphviz()
    except GraphvizNotFoundError:
        return False
    return True


CAN_RENDER = _can_render()


def _missing(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return True
    return False


needs_plotting = pytest.mark.skipif(
    _missing("matplotlib") or _missing("tqdm"),
    reason="plotting needs the demos extra: pip install -e '.[demos]'",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NEURON = ["tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432"]
TINY_TRAINING = ["--points", "12", "--steps", "2", "--hidden", "3", "--resolution", "6"]


def assert_picture(path: Path) -> None:
    """`path` holds a real image: a PNG by its signature, an SVG by its root element."""
    content = path.read_bytes()
    if path.suffix == ".png":
        assert content.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
        assert len(content) > 1000, f"{path} is too small to be a picture"
    else:
        assert path.suffix == ".svg"
        assert ET.fromstring(content).tag == "{http://www.w3.org/2000/svg}svg"


def one_error_line(stderr: str, program: str) -> str:
    """The single line of an error report, after checking there is no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"{program}: error: ")
    return lines[0]


# ------------------------------------------------------------------------- draw


@needs_dot
def test_draw_writes_an_svg_and_prints_the_grads(tmp_path, capsys):
    out = tmp_path / "neuron.svg"
    assert main(["draw", *NEURON, "-o", str(out)]) == 0
    assert_picture(out)
    printed = capsys.readouterr().out
    assert "tanh(x*w + b) = 0.707107" in printed
    assert "x = -1.5   w = 1   b = 0.5" in printed
    assert f"wrote {out}" in printed
    texts = [t.text or "" for t in ET.parse(out).iter("{http://www.w3.org/2000/svg}text")]
    assert "grad -1.5000" in " ".join(texts).replace("\xa0", " ")


@needs_dot
def test_draw_takes_the_format_and_options(tmp_path):
    out = tmp_path / "reused.png"
    options = ["--local-grads", "--rankdir", "TB", "--color", "grad"]
    assert main(["draw", "x*x + x", "x=3", *options, "-o", str(out)]) == 0
    assert_picture(out)


def test_draw_writes_dot_text_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(renderer, "find_graphviz", _no_graphviz)
    out = tmp_path / "neuron.dot"
    assert main(["draw", *NEURON, "--local-grads", "-o", str(out)]) == 0
    source = out.read_text(encoding="utf-8")
    assert source.startswith("digraph")
    assert "label=<-3>" in source  # the local_grad of x, on its arrow


def test_draw_labels_the_root_unless_it_is_a_leaf(tmp_path):
    out = tmp_path / "g.dot"
    assert main(["draw", "x * 2", "x=1", "-o", str(out)]) == 0
    assert "<B>out</B>" in out.read_text(encoding="utf-8")
    assert main(["draw", "x", "x=1", "-o", str(out)]) == 0
    assert "<B>x</B>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x*w", "x=abc", "w=1"], "'x=abc': 'abc' is not a number"),
        (["x", "x"], "'x' is not a value: write NAME=NUMBER, such as x=2"),
        (["x", "=2"], "'=2' is not a value"),
        (["x", "x=1", "x=2"], "x is given twice"),
        (["x", "x=nan"], "'x=nan': the value must be a finite number"),
        (["x", "x=1e999"], "'x=1e999': the value must be a finite number"),
        (["x*w", "x=1"], "the formula uses w but no value was given: add w=<number>"),
        (["x", "x=1", "w=2"], "w was given a value, but the formula does not use it"),
        (["x.__class__", "x=1"], "attribute access is not allowed: x.__class__"),
        (["open('f')"], "unknown function open"),
        (["x=2"], "'x=2' is not a formula Python can read"),
        (["log(x)", "x=-1"], "log is defined for positive numbers, got -1.0"),
        (["x / y", "x=1", "y=0"], "division by zero"),
        (
            ["x", "x=1", "-o", "graph.jpg"],
            "cannot tell the format of graph.jpg: end it with one of .svg",
        ),
    ],
)
def test_draw_reports_a_mistake_in_one_line(arguments, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["draw", *arguments]) == 2
    captured = capsys.readouterr()
    assert one_error_line(captured.err, "micrograd draw").startswith(
        f"micrograd draw: error: {message}"
    )
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_draw_reports_a_missing_folder(tmp_path, capsys):
    assert main(["draw", "x", "x=1", "-o", str(tmp_path / "no" / "g.dot")]) == 2
    assert "does not exist" in one_error_line(capsys.readouterr().err, "micrograd draw")


def test_draw_reports_missing_graphviz_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(renderer, "find_graphviz", _no_graphviz)
    assert main(["draw", "x", "x=1", "-o", str(tmp_path / "g.svg")]) == 2
    assert "apt-get install graphviz" in one_error_line(capsys.readouterr().err, "micrograd draw")


def test_draw_limits_the_size_of_the_graph(tmp_path, capsys):
    formula = " + ".join(["x"] * 600)
    out = tmp_path / "g.dot"
    assert main(["draw", formula, "x=1", "-o", str(out)]) == 2
    assert "600 values, more than --max-nodes 500" in one_error_line(
        capsys.readouterr().err, "micrograd draw"
    )
    assert main(["draw", formula, "x=1", "--depth", "3", "-o", str(out)]) == 0
    assert main(["draw", formula, "x=1", "--max-nodes", "600", "-o", str(out)]) == 0


@needs_dot
def test_steps_writes_the_page_of_a_formula(tmp_path, capsys):
    page = tmp_path / "steps.html"
    assert main(["steps", "a*b + a", "a=2", "b=-3", "-o", str(page)]) == 0
    assert f"wrote {page}" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "application/json" in text


@needs_dot
@pytest.mark.parametrize(("command", "output"), [("draw", "g.svg"), ("steps", "s.html")])
def test_a_name_of_thousands_of_characters_is_drawn_cut(command, output, tmp_path, capsys):
    name = "\u6f22" * 2_100  # over Graphviz's 16 KB label limit once escaped
    out = tmp_path / output
    assert main([command, f"{name} * 2", f"{name}=1", "-o", str(out)]) == 0, capsys.readouterr()
    assert "\u6f22" * 99 + "\u2026" in out.read_text(encoding="utf-8")


def test_steps_reports_a_mistake_in_one_line(tmp_path, capsys):
    page = tmp_path / "steps.html"
    assert main(["steps", "a*q", "a=2", "-o", str(page)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("micrograd steps: error:") and "q" in error
    assert len(error.strip().splitlines()) == 1 and not page.exists()


def test_parse_assignments_reads_numbers_as_python_does():
    assert parse_assignments(["x=2", " w = -3.5", "b=1e-3", "c=1_000"]) == {
        "x": 2.0,
        "w": -3.5,
        "b": 0.001,
        "c": 1000.0,
    }


# ------------------------------------------------------------------------ train


@needs_plotting
@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "spiral", "blobs"])
def test_train_writes_the_pictures_for_every_dataset(dataset, tmp_path, capsys):
    out = tmp_path / "pictures"  # made by the command
    assert main(["train", "--data", dataset, *TINY_TRAINING, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "After 2 steps:" in printed
    assert ("cross-entropy" in printed) == (dataset in ("spiral", "blobs"))  # 3 classes
    for name in ("boundary", "curves"):
        assert_picture(out / f"{dataset}_{name}.png")
    if CAN_RENDER:
        assert_picture(out / f"{dataset}_graph.png")


@needs_plotting
def test_train_ends_with_the_trained_models_own_loss():
    from micrograd import SGD
    from micrograd.cli.training import evaluate, load_dataset, make_model, train

    X, y = load_dataset("moons", 12, None, 1)
    model = make_model([3], 2, "relu", 1)
    optimizer = SGD(model.parameters(), lr=0.5)
    history = train(model, X, y, optimizer, steps=3, loss="max-margin", alpha=0.01)
    # 3 steps, 4 states: the last is the weights after the last step, which are kept.
    assert len(history.loss) == len(history.accuracy) == 4
    assert (history.loss[-1], history.accuracy[-1]) == evaluate(model, X, y, "max-margin")
    assert history.loss[-1] != history.loss[-2]


@needs_plotting
def test_train_writes_a_replay_page_and_a_gif(tmp_path, capsys):
    page, gif = tmp_path / "replay.html", tmp_path / "training.gif"
    arguments = ["train", *TINY_TRAINING, "--out", str(tmp_path), "--replay", str(page)]
    assert main([*arguments, "--gif", str(gif)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {page}: the training, step by step; open it in a browser" in printed
    assert f"wrote {gif}: the boundary and the curves over training" in printed
    assert gif.read_bytes().startswith(b"GIF89a")
    # The page's last state is the trained model, whose loss the command printed.
    text = page.read_text(encoding="utf-8")
    states = json.loads(text.split('id="replay-data">')[1].split("</script>")[0])["states"]
    assert [state["step"] for state in states] == [0, 1, 2]
    assert f"max-margin loss {states[-1]['loss']:.4f}, training accuracy" in printed


def test_train_refuses_a_replay_into_a_missing_folder(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "replay.html"
    arguments = ["train", *TINY_TRAINING, "--out", str(tmp_path), "--replay", str(missing)]
    assert main(arguments) == 2
    line = one_error_line(capsys.readouterr().err, "micrograd train")
    assert f"cannot write {missing}: the folder {missing.parent} does not exist" in line
    assert list(tmp_path.iterdir()) == []  # refused before training, nothing written


@needs_plotting
def test_train_is_reproducible(tmp_path, capsys):
    for _ in range(2):
        assert main(["train", *TINY_TRAINING, "--out", str(tmp_path)]) == 0
    first, second = capsys.readouterr().out.split("Training MLP")[1:]
    assert first.replace(str(tmp_path), "") == second.replace(str(tmp_path), "")


@needs_plotting
def test_train_a_linear_model_with_no_hidden_layer(tmp_path, capsys):
    assert main(["train", *TINY_TRAINING, "--hidden", "", "--out", str(tmp_path)]) == 0
    assert "MLP(2 -> 1 linear) with 3 parameters" in capsys.readouterr().out


@needs_plotting
def test_train_without_graphviz_skips_only_the_graph(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(renderer, "find_graphviz", _no_graphviz)
    assert main(["train", *TINY_TRAINING, "--out", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons_boundary.png", "moons_curves.png"]


@needs_plotting
def test_train_keeps_the_old_pictures_when_a_write_fails(tmp_path, monkeypatch, capsys):
    # A full disk (or Ctrl-C) while matplotlib writes: half a PNG, then the error.
    from matplotlib.figure import Figure

    assert main(["train", *TINY_TRAINING, "--out", str(tmp_path)]) == 0
    boundary = tmp_path / "moons_boundary.png"
    before = boundary.read_bytes()
    savefig = Figure.savefig

    def full_disk(figure, target, **options):
        picture = io.BytesIO()
        savefig(figure, picture, format="png")
        half = picture.getvalue()[: len(picture.getvalue()) // 2]
        if isinstance(target, (str, os.PathLike)):
            Path(target).write_bytes(half)
        else:
            target.write(half)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    assert main(["train", *TINY_TRAINING, "--seed", "2", "--out", str(tmp_path)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert boundary.read_bytes() == before  # the good picture, not half of a new one
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("missing", ["matplotlib", "tqdm"])
def test_train_without_the_demos_extra_says_what_to_install(missing, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import missing` fail
    assert main(["train", *TINY_TRAINING, "--out", str(tmp_path)]) == 2
    line = one_error_line(capsys.readouterr().err, "micrograd train")
    assert line.endswith("pip install 'micrograd[demos]'")


@needs_plotting
def test_train_refuses_an_output_folder_that_is_a_file(tmp_path, capsys):
    (tmp_path / "out").write_text("not a folder")
    assert main(["train", *TINY_TRAINING, "--out", str(tmp_path / "out")]) == 2
    assert "is a file, not a folder" in one_error_line(capsys.readouterr().err, "micrograd train")


# ------------------------------------------------------------------ the parser


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "micrograd: error: the following arguments are required: COMMAND"),
        (["fly"], "micrograd: error: argument COMMAND: invalid choice: 'fly'"),
        (["draw"], "micrograd draw: error: the following arguments are required: formula"),
        (
            ["train", "--steps", "0"],
            "micrograd train: error: argument --steps: expected a whole number from 1 to "
            "1,000,000, got '0'",
        ),
        (
            ["train", "--noise", "-1"],
            "micrograd train: error: argument --noise: needs a finite number from 0 to 10, "
            "got '-1'",
        ),
        (
            ["train", "--noise", "1e300"],
            "micrograd train: error: argument --noise: needs a finite number from 0 to 10",
        ),
        (
            ["train", "--alpha", "1e300"],
            "micrograd train: error: argument --alpha: needs a finite number from 0 to 1",
        ),
        (
            ["train", "--hidden", "16,x"],
            "micrograd train: error: argument --hidden: '16,x' is not a list of layer sizes",
        ),
        (
            ["train", "--hidden", "0"],
            "micrograd train: error: argument --hidden: layer sizes must be from 1 to 10,000",
        ),
        (
            ["train", "--data", "iris"],
            "micrograd train: error: argument --data: invalid choice: 'iris'",
        ),
        (
            ["train", "--lr", "fast"],
            "micrograd train: error: argument --lr: needs a number, got 'fast'",
        ),
    ],
)
def test_usage_mistakes_give_one_line_and_status_2(arguments, message, capsys):
    with pytest.raises(SystemExit) as exit:
        main(arguments)
    assert exit.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1
    assert stderr.startswith(message)
    assert stderr.rstrip().endswith("--help)")


@pytest.mark.parametrize(
    ("arguments", "example"),
    [
        (["--help"], 'micrograd draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg'),
        (["draw", "--help"], 'micrograd draw "x*x + x" x=3 --local-grads -o reused.png'),
        (["train", "--help"], "micrograd train --data moons --hidden 16,16 --steps 100 --out out/"),
    ],
)
def test_help_on_every_command_has_an_example(arguments, example, capsys):
    with pytest.raises(SystemExit) as exit:
        main(arguments)
    assert exit.value.code == 0
    help_text = capsys.readouterr().out
    assert "example" in help_text
    assert example in help_text


def test_python_dash_m_micrograd_runs():
    done = subprocess.run(
        [sys.executable, "-m", "micrograd", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: micrograd")
    failed = subprocess.run(
        [sys.executable, "-m", "micrograd", "draw", "x.y", "x=1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode == 2
    assert one_error_line(failed.stderr, "micrograd draw").endswith("not allowed: x.y")


def _no_graphviz() -> str:
    raise GraphvizNotFoundError(renderer.INSTALL_HINT)


def test_a_formula_starting_with_minus_gets_a_hint(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["draw", "-x*2", "x=1"])
    assert exit.value.code == 2
    assert 'write "(-x*2)"' in capsys.readouterr().err


def test_names_are_read_as_python_reads_them(tmp_path, capsys):
    # "µ" (micro sign) in a formula is the name "μ" (Greek mu) to Python: both must match.
    out = tmp_path / "g.dot"
    assert main(["draw", "\u00b5*2", "\u00b5=1.5", "-o", str(out)]) == 0
    assert "= 3" in capsys.readouterr().out


def test_draw_checks_the_output_before_computing(tmp_path, capsys):
    assert main(["draw", "x", "x=1", "-o", str(tmp_path / "no" / "g.svg")]) == 2
    assert capsys.readouterr().out == ""  # nothing printed as if it had worked


def test_results_that_overflow_are_refused(tmp_path, capsys):
    assert main(["draw", "x*1e308*10", "x=1", "-o", str(tmp_path / "g.dot")]) == 2
    assert "not finite" in one_error_line(capsys.readouterr().err, "micrograd draw")


def test_steps_takes_a_node_limit(tmp_path, capsys):
    formula = " + ".join(["x"] * 30)
    page = tmp_path / "s.html"
    assert main(["steps", formula, "x=1", "--max-nodes", "10", "-o", str(page)]) == 2
    assert "more than --max-nodes 10" in one_error_line(capsys.readouterr().err, "micrograd steps")


@pytest.mark.parametrize("option", [["--alpha", "-1"], ["--alpha", "inf"], ["--lr", "0"]])
def test_train_refuses_settings_that_cannot_train(option, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["train", *option])
    assert exit.value.code == 2
    assert "needs a" in capsys.readouterr().err


@needs_plotting
def test_train_reports_a_diverged_run(tmp_path, capsys):
    arguments = ["train", "--lr", "1e300", "--steps", "3", "--points", "20", "--out", str(tmp_path)]
    assert main(arguments) == 2
    err = capsys.readouterr().err  # the progress bar writes to stderr too
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("micrograd train: error: training diverged")


# ------------------------------------------------------------------ sizes from input

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"
MEMORY_LIMIT = 2 * 1024**3  # bytes: a regression fails here, never takes the machine down


def run_python(
    arguments: list[str],
    cwd: Path,
    memory_limit: int | None = None,
    environment: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run python with `arguments` from `cwd`, with this micrograd importable, for a minute
    at most; with `memory_limit`, in at most that many bytes of address space, so that a
    size check that stopped working cannot exhaust the machine."""

    def limit_memory() -> None:
        import resource

        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    python_path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        preexec_fn=limit_memory,
        env={
            **os.environ,
            **(environment or {}),
            "PYTHONPATH": os.pathsep.join([str(ROOT), *python_path]),
        },
    )


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["-m", "micrograd", "train", "--points", "100000000"],
            "micrograd train: error: argument --points: expected a whole number from 2 to "
            "100,000, got '100000000'",
        ),
        (
            ["-m", "micrograd", "train", "--hidden", "100000,100000"],
            "micrograd train: error: argument --hidden: layer sizes must be from 1 to 10,000",
        ),
        (
            ["-m", "micrograd", "train", "--hidden", "5000,5000"],
            "micrograd train: error: 100 points (--points) x 25,025,001 weights (--hidden "
            "5000,5000) make a training graph of 2,502,500,100 weight uses, more than the "
            "10,000,000 that fit in memory; use fewer --points or smaller --hidden layers",
        ),
        (
            ["-m", "micrograd", "train", "--hidden", ",".join(["1"] * 10_000)],
            "micrograd train: error: argument --hidden: at most 100 hidden layers, got 10,000",
        ),
        (
            ["-m", "micrograd", "train", "--resolution", "100000"],
            "micrograd train: error: argument --resolution: expected a whole number from 2 to "
            "1,000",
        ),
        (
            ["-m", "micrograd", "train", "--steps", "10000000000"],
            "micrograd train: error: argument --steps: expected a whole number from 1 to 1,000,000",
        ),
        (
            ["-m", "micrograd", "train", "--seed", "9" * 5000],
            "micrograd train: error: argument --seed: expected a whole number from 0 to "
            "4,294,967,295, got '99999",
        ),
        (
            ["-m", "micrograd", "draw", "x", "x=1", "--max-nodes", "100000000"],
            "micrograd draw: error: argument --max-nodes: expected a whole number from 1 to 10,000",
        ),
        (
            [str(DEMOS / "depth.py"), "--deep", "100000,100000"],
            "depth.py: error: argument --deep: layer sizes must be from 1 to 10,000",
        ),
        (
            [str(DEMOS / "depth.py"), "--shallow", "100000"],
            "depth.py: error: argument --shallow: layer sizes must be from 1 to 10,000",
        ),
        (
            [str(DEMOS / "depth.py"), "--deep", "3000,3000"],
            "depth.py: error: 200 points (--points) x 9,015,001 weights (--deep 3000,3000) make",
        ),
        (
            [str(DEMOS / "overfitting.py"), "--test-points", "100000000"],
            "overfitting.py: error: argument --test-points: expected a whole number from 1 to "
            "100,000",
        ),
        (
            [str(DEMOS / "activations.py"), "--points", "100000", "--hidden", "100"],
            "activations.py: error: 100,000 points (--points) x 401 weights (--hidden 100)",
        ),
        (
            [str(DEMOS / "to_torch.py"), "--torch-steps", "10000000000"],
            "to_torch.py: error: argument --torch-steps: expected a whole number from 1 to "
            "1,000,000",
        ),
    ],
    ids=lambda value: " ".join(value)[:40] if isinstance(value, list) else None,
)
def test_sizes_from_the_command_line_are_bounded_before_any_work(arguments, message, tmp_path):
    done = run_python(arguments, tmp_path, memory_limit=MEMORY_LIMIT)
    assert done.returncode == 2, done.stderr[-2000:]
    program = message.split(": error: ")[0]
    assert one_error_line(done.stderr, program).startswith(message)
    assert len(done.stderr) < 500
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


# ------------------------------------------------------------ advice in the CLI's words

PYTHON_KEYWORDS = re.compile(r"\b(max_nodes|depth|timeout)=")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["draw", "x + x", "x=1", "--max-nodes", "1"],
            "this graph has 2 values, more than --max-nodes 1: too many to read; pass "
            "--max-nodes 2 to draw them all (see",
        ),
        (
            ["draw", " + ".join(["x"] * 600), "x=1"],
            "this graph has 600 values, more than --max-nodes 500: too many to read; pass "
            "--max-nodes 600 to draw them all, or --depth 498 to draw the 500 nearest the output",
        ),
        (
            ["draw", " + ".join(["x"] * 600), "x=1", "--depth", "499"],
            "with --depth 499 it has 501 values, more than --max-nodes 500",
        ),
        (
            ["steps", " + ".join(["x"] * 600), "x=1"],
            "this graph has 600 values, more than --max-nodes 500: too many to read; pass "
            "--max-nodes 600 to put them all on the page, which shows every value",
        ),
        (
            ["draw", "x**x", "x=0"],
            "the formula's value is 1, but its grad d(out)/d(x) is not finite (-inf): the "
            "slope there is infinite or undefined; try other values",
        ),
        (
            ["draw", " + ".join(["x"] * 3_000), "x=1"],
            "the formula is too long to read: 2,999 operators (+ - * / ...) in a row",
        ),
    ],
)
def test_advice_names_flags_the_command_takes(arguments, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*arguments, "-o", "out.dot" if arguments[0] == "draw" else "s.html"]) == 2
    line = one_error_line(capsys.readouterr().err, f"micrograd {arguments[0]}")
    assert message.removesuffix(" (see") in line
    assert not PYTHON_KEYWORDS.search(line) and "overflowed" not in line
    assert list(tmp_path.iterdir()) == []


@needs_sh
@pytest.mark.parametrize("command", ["draw", "steps"])
def test_a_slow_graphviz_is_stopped_at_the_timeout_flag(command, tmp_path, monkeypatch, capsys):
    slow = tmp_path / "bin" / "dot"
    slow.parent.mkdir()
    slow.write_text(f"#!/bin/sh\nexec {shutil.which('sleep')} 10\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", str(slow.parent))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(slow.parent))
    out = tmp_path / ("g.svg" if command == "draw" else "s.html")
    assert main([command, "x*2", "x=1", "--timeout", "0.2", "-o", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err, f"micrograd {command}")
    assert "took longer than --timeout 0.2 seconds" in line
    assert "pass a larger --timeout" in line and not PYTHON_KEYWORDS.search(line)
    assert ("--depth K" in line) == (command == "draw")
    assert not out.exists()


@pytest.mark.parametrize(
    "program",
    [["-m", "micrograd", "train"], [str(DEMOS / "depth.py")], [str(DEMOS / "neuron.py")]],
    ids=["train", "depth.py", "neuron.py"],
)
def test_an_unknown_option_gets_no_hint_about_formulas(program, tmp_path):
    done = run_python([*program, "--bogus", "-x"], tmp_path)
    assert done.returncode == 2
    name = "micrograd train" if program[0] == "-m" else Path(program[0]).name
    line = one_error_line(done.stderr, name)
    assert "unrecognized arguments: '--bogus' '-x'" in line and "formula" not in line


@needs_plotting
@pytest.mark.skipif(not CAN_RENDER, reason="needs Graphviz (dot or graphviz-pure)")
def test_train_draws_a_wide_model_along_one_path_and_graph_depth_0_draws_none(tmp_path):
    # 200 neurons a layer: the whole graph on one point is 600 values, too many for a
    # picture; the picture follows one path, so it fits whatever the width.
    wide = tmp_path / "wide"
    arguments = ["train", *TINY_TRAINING, "--hidden", "200"]
    assert main([*arguments, "--out", str(wide)]) == 0
    assert (wide / "moons_graph.png").stat().st_size > 0
    none = tmp_path / "none"
    assert main([*arguments, "--graph-depth", "0", "--out", str(none)]) == 0
    assert sorted(p.name for p in none.iterdir()) == ["moons_boundary.png", "moons_curves.png"]


@needs_plotting
def test_a_diverged_run_names_the_flags_to_change(tmp_path, capsys):
    arguments = ["train", *TINY_TRAINING, "--lr", "1e200", "--alpha", "1", "--out", str(tmp_path)]
    assert main(arguments) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (
        "micrograd train: error: training diverged: the loss is nan after 2 steps; try a "
        "smaller --lr than 1e+200, or a smaller --alpha than 1: --lr x --alpha must be below 1"
    )


# ------------------------------------------------------------ read-only folders


@pytest.mark.parametrize(("command", "name"), [("draw", "x.svg"), ("steps", "x.html")])
def test_a_read_only_folder_is_refused_before_any_work_naming_the_file(command, name, capsys):
    with read_only_folder() as folder:
        assert main([command, "x*2", "x=1", "-o", str(folder / name)]) == 2
        assert os.listdir(folder) == []
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing computed or printed as if it would work
    assert one_error_line(captured.err, f"micrograd {command}") == (
        f"micrograd {command}: error: cannot write {folder / name}: permission denied; check "
        f"that you may write to the folder {folder}"
    )


@needs_plotting
def test_train_refuses_a_read_only_output_folder_before_training(capsys):
    with read_only_folder() as folder:
        for out in (folder, folder / "new"):
            assert main(["train", *TINY_TRAINING, "--out", str(out)]) == 2
            captured = capsys.readouterr()
            assert "Training" not in captured.out
            assert one_error_line(captured.err, "micrograd train").startswith(
                f"micrograd train: error: cannot write into {out}: permission denied"
            )
        assert os.listdir(folder) == []


def test_a_demo_refuses_a_read_only_output_folder(capsys):
    with read_only_folder() as folder:
        neuron = importlib.import_module("test_demos").load("neuron")
        assert run_command("neuron.py", lambda: neuron.main(["--out", str(folder)])) == 2
    captured = capsys.readouterr()
    assert "Forward pass" not in captured.out
    assert one_error_line(captured.err, "neuron.py").startswith(
        f"neuron.py: error: cannot write into {folder}: permission denied"
    )


# ------------------------------------------------------------ what is printed


@needs_dot
@pytest.mark.parametrize("command", ["draw", "steps"])
def test_a_terminal_that_is_not_utf8_gets_escapes_not_a_codec_error(command, tmp_path):
    name = "\u00e9.svg" if command == "draw" else "\u00e9.html"
    done = run_python(
        ["-m", "micrograd", command, "\u00b5*2", "\u00b5=1.5", "-o", name],
        tmp_path,
        environment={"PYTHONIOENCODING": "ascii"},
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / name).stat().st_size > 0
    assert "wrote \\xe9." in done.stdout
    if command == "draw":
        assert done.stdout.startswith("\\xb5*2 = 3\n")


def test_printable_output_restores_stdout(capsys, monkeypatch):
    import sys as system

    errors = system.stdout.errors
    with printable_output():
        assert system.stdout.errors == "backslashreplace"
    assert system.stdout.errors == errors


@pytest.mark.parametrize("name", ["x.svg", "x", "x.html.png"])
def test_steps_refuses_a_file_name_that_would_not_open_as_a_page(name, tmp_path, capsys):
    assert main(["steps", "x*2", "x=1", "-o", str(tmp_path / name)]) == 2
    assert one_error_line(capsys.readouterr().err, "micrograd steps") == (
        f"micrograd steps: error: {tmp_path / name} would not open as a web page: the steps "
        "page is HTML, so end the file name with .html"
    )
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ the user's text, quoted safely

NASTY = "\x1b[2J\n\r"  # clears the screen, breaks the line, returns to its start


def test_draw_prints_the_formula_on_one_safe_line(tmp_path, capsys):
    formula = "(x\r+\x0c1\n)"  # parses: inside brackets, Python reads these as space
    assert main(["draw", formula, "x=1", "-o", str(tmp_path / "g.dot")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "'(x\\r+\\x0c1\\n)' = 2"
    long = " + ".join(["x"] * 100)
    assert main(["draw", long, "x=1", "-o", str(tmp_path / "g.dot")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "x + x + x + x + x + x + x + x + x + x + x + x + x + x + x + ... (397 characters) = 100"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x", f"x=1{NASTY}"], "'x=1\\x1b[2J\\n\\r': '1\\x1b[2J' is not a number"),
        (["x", "x" * 10_000], "'xxxxxxxxxxxxxxxxxxxxxxx"),
        (["x", "x=1", "x=2\n\r"], "x is given twice: x=1 and 'x=2\\n\\r'"),
        (["x", "x=1", "-o", f"g{NASTY}.jpg"], "cannot tell the format of 'g\\x1b[2J"),
        (["x", "x=1", "-o", f"no{NASTY}/g.dot"], "cannot write 'no\\x1b[2J\\n\\r/g.dot': the"),
        (["x", "x=1", "-o", "no/" + "n" * 5_000 + "/g.dot"], "cannot write no/nnnnnnnnnnn"),
    ],
)
def test_messages_quote_the_users_text_safely(arguments, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["draw", *arguments]) == 2
    line = one_error_line(capsys.readouterr().err, "micrograd draw")
    assert line.startswith(f"micrograd draw: error: {message}")
    assert line.isprintable() and len(line) < 500


def test_save_quotes_the_path_safely(tmp_path):
    from micrograd import Value
    from micrograd.viz import save

    with pytest.raises(ValueError) as bad_name:
        save(Value(1.0), tmp_path / f"g{NASTY}.jpg")
    with pytest.raises(FileNotFoundError) as bad_folder:
        save(Value(1.0), tmp_path / ("n" * 200 + NASTY) / "g.dot")
    for error in (bad_name, bad_folder):
        assert str(error.value).isprintable() and len(str(error.value)) < 800
    assert "'g\\x1b[2J\\n\\r.jpg' has the extension '.jpg\\x1b[2J" not in str(bad_name.value)
    assert "and 'g\\x1b[2J\\n\\r.jpg' has the extension" in str(bad_name.value)


@needs_sh
def test_graphvizs_own_words_are_one_line_too(tmp_path, monkeypatch, capsys):
    failing = tmp_path / "bin" / "dot"
    failing.parent.mkdir()
    failing.write_text(
        "#!/bin/sh\necho 'Error: syntax error' >&2\necho 'near line 2' >&2\nexit 1\n"
    )
    failing.chmod(0o755)
    monkeypatch.setenv("PATH", str(failing.parent))
    monkeypatch.setattr(renderer, "_python_scripts_dir", lambda: str(failing.parent))
    assert main(["draw", "x*2", "x=1", "-o", str(tmp_path / "g.svg")]) == 2
    assert one_error_line(capsys.readouterr().err, "micrograd draw").endswith(
        "(exit code 1): Error: syntax error / near line 2"
    )


@pytest.mark.parametrize(
    "arguments", [["train", "--data", "x" * 100_000], ["train", "--activation", f"relu{NASTY}"]]
)
def test_usage_errors_quote_the_users_text_safely(arguments, capsys):
    with pytest.raises(SystemExit):
        main(arguments)
    line = one_error_line(capsys.readouterr().err, "micrograd train")
    assert line.isprintable() and len(line) < 700 and "invalid choice" in line


@needs_plotting
def test_train_prints_what_it_wrote_on_one_line_each(tmp_path, capsys):
    out = tmp_path / "pictures\nof\x1b[2J"
    assert main(["train", *TINY_TRAINING, "--out", str(out)]) == 0
    wrote = [line for line in capsys.readouterr().out.splitlines() if "wrote" in line]
    assert len(wrote) == (3 if CAN_RENDER else 2)
    assert all("pictures\\nof\\x1b[2J/moons_" in line for line in wrote)
