"""The README, run the way a reader follows it: every Python block and every command line,
top to bottom, in one session, so that no example on the page can rot.

pytest's `--doctest-glob` checks the `>>>` blocks one at a time; here they run again, in
order with the plain blocks and sharing their names, because a reader types them all into
one session (a plain block that reuses a name must not change what a later `>>>` block
prints). Command lines run in a fresh folder: `micrograd ...` as `python -m micrograd ...`,
`python demos/...` with this checkout's demos. A block after `<!-- not-run: why -->` (the
set-up, which makes a venv) or after `<!-- test-command -->` (the test command, which CI
runs itself) is left out, and so is a block in another language, such as `text`.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOT_RUN = re.compile(r"<!-- (not-run: .+|test-command) -->")
FENCE = re.compile(r"^```(\w*)\s*$")
SHELL = {"bash", "sh", "shell", "console"}  # blocks of command lines; "python" is code too


class Block(NamedTuple):
    language: str
    text: str
    line: int  # of the block's first line in README.md, counting from 1
    run: bool  # False when an HTML comment marks it as not run


def code_blocks(markdown: str) -> list[Block]:
    """The fenced blocks of a Markdown text, each with whether it is marked as not run: by
    a `<!-- not-run: ... -->` or `<!-- test-command -->` comment on the line before it
    (blank lines between are allowed)."""
    blocks = []
    lines = markdown.splitlines()
    previous = ""  # the last non-blank line before the current one
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        text = "\n".join(lines[i + 1 : end]) + "\n"
        blocks.append(Block(opening.group(1), text, i + 2, NOT_RUN.fullmatch(previous) is None))
        previous = lines[end]
        i = end + 1
    return blocks


def test_code_blocks_finds_markers_and_languages():
    markdown = (
        "<!-- not-run: set-up -->\n```bash\nmake venv\n```\n\n"
        "<!-- test-command -->\n```bash\npytest\n```\n"
        "Text.\n\n```python\nx = 1\n```\n"
    )
    assert code_blocks(markdown) == [
        Block("bash", "make venv\n", 3, False),
        Block("bash", "pytest\n", 8, False),
        Block("python", "x = 1\n", 13, True),
    ]


def command(line: str) -> list[str]:
    """What runs a README command line here: this checkout's micrograd and demos."""
    words = shlex.split(line.removeprefix("$ "), comments=True)
    if words[0] == "micrograd":
        return [sys.executable, "-m", "micrograd", *words[1:]]
    if words[0] == "python" and words[1].startswith("demos/"):
        return [sys.executable, str(ROOT / words[1]), *words[2:]]
    raise AssertionError(
        f"README.md has a command line this test cannot run: {line!r}. Mark its block "
        "<!-- not-run: why --> or teach tests/test_readme.py to run it."
    )


def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program dot is not installed")
@pytest.mark.skipif(
    _missing("matplotlib") or _missing("tqdm"), reason="`micrograd train` needs the demos extra"
)
def test_readme_runs_top_to_bottom_in_one_session(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write their pictures into the current folder
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    session: dict[str, object] = {"__name__": "__readme__"}
    blocks = [block for block in code_blocks(README.read_text(encoding="utf-8")) if block.run]
    blocks = [block for block in blocks if block.language in SHELL | {"python"}]
    assert {block.language for block in blocks} >= {"python", "bash"}
    for block in blocks:
        where = f"README.md, the block at line {block.line}"
        if block.language in SHELL:
            for line in block.text.splitlines():
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                done = subprocess.run(
                    command(line), env=environment, capture_output=True, text=True, timeout=300
                )
                assert done.returncode == 0, f"{where}: {line}\n{done.stdout}\n{done.stderr}"
        elif ">>>" in block.text:
            test = doctest.DocTestParser().get_doctest(block.text, {}, where, str(README), 0)
            test.globs = session  # the session's names, not a copy of them
            report: list[str] = []
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            result = runner.run(test, out=report.append, clear_globs=False)
            assert result.failed == 0, "".join(report)
        else:
            exec(compile(block.text, where, "exec"), session)
    # What the blocks say they write, they wrote.
    for name in ["neuron.svg", "score.png", "network.svg", "steps.html", "out/spiral_curves.png"]:
        assert (tmp_path / name).stat().st_size > 0, name
