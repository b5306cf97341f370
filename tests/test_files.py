"""Tests for micrograd.files: a file is written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from micrograd.files import check_writable, writable_folder, write_atomically


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


# ------------------------------------------------------------ what is at the path


@pytest.fixture
def no_replacing_special_files(monkeypatch):
    """Make renaming over anything but a regular file fail the test instead of happening,
    so that a regression cannot replace the machine's real /dev/null (as root it could)."""
    replace = os.replace

    def guarded_replace(source, destination):
        if os.path.exists(destination) and not os.path.isfile(destination):
            raise AssertionError(f"os.replace over the special file {destination}")
        replace(source, destination)

    monkeypatch.setattr(os, "replace", guarded_replace)


def test_writing_to_a_fifo_writes_into_it_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A hard link reaches the FIFO even if a regression renames a file over its name: the
    # test can then always release a reader or writer that waits on it.
    handle = tmp_path / "handle"
    os.link(fifo, handle)
    received = []

    def read():
        with open(fifo, "rb") as reader:  # waits for a writer
            received.append(reader.read())

    threads = [
        threading.Thread(target=read, daemon=True),
        threading.Thread(target=write_atomically, args=(fifo, b"<svg/>"), daemon=True),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    stuck = any(thread.is_alive() for thread in threads)
    if stuck:  # open and close the other end, so that no thread is left waiting
        for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
            with contextlib.suppress(OSError):
                os.close(os.open(handle, flags))
    assert not stuck, "the write or the read never finished"
    assert received == [b"<svg/>"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
    assert sorted(os.listdir(tmp_path)) == ["handle", "pipe"]


def test_writing_to_a_character_device_writes_into_it(tmp_path, no_replacing_special_files):
    write_atomically(Path(os.devnull), b"into the void")
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    write_atomically(link, b"through a symlink")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert link.is_symlink() and os.listdir(tmp_path) == ["null"]
    assert not [name for name in os.listdir(Path(os.devnull).parent) if name.endswith(".tmp")]


def test_sockets_and_disks_are_refused_and_left_alone(tmp_path):
    socket_path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(socket_path))
        with pytest.raises(OSError, match=f"cannot write {socket_path}: it is a socket"):
            write_atomically(socket_path, b"x")
        assert stat.S_ISSOCK(os.stat(socket_path).st_mode)
    disk = tmp_path / "disk"
    try:  # a node for the loop device; it is refused before anything opens it
        os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except (PermissionError, OSError):
        return  # not root: no block device to make
    with pytest.raises(OSError, match="it is a disk"):
        write_atomically(disk, b"x")
    assert stat.S_ISBLK(os.stat(disk).st_mode)


@contextlib.contextmanager
def read_only_folder():
    """A folder this process may not write to. Root may write anywhere, so as root the
    folder is read-only to the user `nobody`, which the process becomes for the while."""
    folder = Path(tempfile.mkdtemp())
    os.chmod(folder, 0o555)
    root = os.geteuid() == 0
    try:
        if root:
            os.seteuid(65534)
        yield folder
    finally:
        if root:
            os.seteuid(0)
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_errors_name_the_path_asked_for_not_the_temporary_file():
    with read_only_folder() as folder:
        with pytest.raises(PermissionError) as caught:
            write_atomically(folder / "x.svg", b"<svg/>")
        assert os.listdir(folder) == []
    message = str(caught.value)
    assert message.startswith(f"cannot write {folder / 'x.svg'}: permission denied; check")
    assert ".tmp" not in message and caught.value.errno == errno.EACCES


def test_a_directory_at_the_path_is_a_clear_error_naming_it(tmp_path):
    folder = tmp_path / "out.svg"
    folder.mkdir()
    link = tmp_path / "link.svg"
    link.symlink_to(folder)
    with pytest.raises(IsADirectoryError, match=f"cannot write {link}: it is a folder"):
        write_atomically(link, b"x")


def test_a_file_name_near_the_length_limit_can_be_written(tmp_path):
    path = tmp_path / ("x" * 250)
    write_atomically(path, b"long")
    assert path.read_bytes() == b"long" and os.listdir(tmp_path) == [path.name]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_replacing_a_file_keeps_its_owner(tmp_path):
    path = tmp_path / "theirs.json"
    path.write_bytes(b"old")
    os.chown(path, 1234, 5678)
    write_atomically(path, b"new")
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_check_writable_says_now_what_writing_would_say(tmp_path):
    check_writable(tmp_path / "new.svg")
    check_writable(Path(os.devnull))  # written in place: nothing made beside it
    assert os.listdir(tmp_path) == []
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist"):
        check_writable(tmp_path / "missing" / "x.svg")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        check_writable(tmp_path)
    with read_only_folder() as folder:
        with pytest.raises(PermissionError) as caught:
            check_writable(folder / "x.svg")
        assert os.listdir(folder) == []
    assert str(caught.value).startswith(f"cannot write {folder / 'x.svg'}: permission denied")
    assert ".tmp" not in str(caught.value)


def test_writable_folder_makes_the_folder_or_names_it_in_the_error(tmp_path):
    assert writable_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert os.listdir(tmp_path / "a" / "b") == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        writable_folder(tmp_path / "file")
    with read_only_folder() as folder:
        for inside in (folder, folder / "new"):
            with pytest.raises(PermissionError) as caught:
                writable_folder(inside)
            assert str(caught.value).startswith(
                f"cannot write into {inside}: permission denied; check that you may write"
            )
        assert os.listdir(folder) == []
