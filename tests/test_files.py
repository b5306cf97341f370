"""Tests for micrograd.files: a file is written whole or not at all."""

from __future__ import annotations

import os

import pytest

from micrograd.files import write_atomically


def test_write_creates_and_replaces_whole_files(tmp_path):
    path = tmp_path / "out.txt"
    write_atomically(path, b"first")
    write_atomically(path, b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    write_atomically(path, b"old")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["out.txt"]


def test_replacing_keeps_the_permissions_and_writes_through_a_symlink(tmp_path):
    target = tmp_path / "real.txt"
    write_atomically(target, b"one")
    target.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomically(link, b"two")
    assert link.is_symlink() and target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o600


def test_folders_are_clear_errors(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        write_atomically(tmp_path, b"x")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomically(tmp_path / "missing" / "out.txt", b"x")
