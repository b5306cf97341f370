"""The wheel holds the whole package: every module and every asset it reads.

hatchling leaves out of a wheel whatever `.gitignore` ignores, and the repository ignores
`*.html` (the pages the demos write). An editable install reads the source folder, so it
hides a page template that the wheel lost; this test builds the real wheel, offline, with
hatchling itself (the `dev` extra installs it), and compares.
"""

from __future__ import annotations

import configparser
import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("hatchling", reason="building the wheel needs hatchling (the dev extra)")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "micrograd"
BUILD = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    name = done.stdout.strip().splitlines()[-1]
    return zipfile.ZipFile(folder / name)


def _package_files() -> list[Path]:
    """Every file of the package folder, as a fresh checkout has them: no caches."""
    return sorted(
        path for path in PACKAGE.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    )


def test_the_wheel_holds_every_file_of_the_package(wheel: zipfile.ZipFile):
    names = set(wheel.namelist())
    missing = [
        path.relative_to(ROOT).as_posix()
        for path in _package_files()
        if path.relative_to(ROOT).as_posix() not in names
    ]
    assert missing == [], "hatchling left these out: does .gitignore ignore them?"


def test_the_wheel_holds_the_assets_the_package_reads(wheel: zipfile.ZipFile):
    assets = [path for path in _package_files() if path.suffix != ".py"]
    # The steps page's template and script, and py.typed at least; and each as in the source.
    assert {path.name for path in assets} >= {"steps_page.html", "steps_page.js", "py.typed"}
    for path in assets:
        assert wheel.read(path.relative_to(ROOT).as_posix()) == path.read_bytes()


def test_the_wheels_command_runs_the_command_line(wheel: zipfile.ZipFile):
    [entry_points] = [name for name in wheel.namelist() if name.endswith("entry_points.txt")]
    config = configparser.ConfigParser()
    config.read_string(wheel.read(entry_points).decode("utf-8"))
    module, _, function = config["console_scripts"]["micrograd"].partition(":")
    assert callable(getattr(importlib.import_module(module), function))
