"""Writing files whole or not at all: what saving a model and saving a picture share.

A regular file is replaced in one step, so a crash leaves the old file or the new one,
never half of one. Not everything at a path is a file to replace, though: `/dev/null`, a
terminal or a named pipe (FIFO) is a stream to write into, as the shell's `>` does, and
replacing it with a regular file would break it (as root, for everyone on the machine).
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn

from .messages import shorten_path


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path`: a regular file whole or not at all, a stream in place.

    A regular file, or a symlink to one (the link itself stays), is written to a
    temporary file beside it, which is then renamed over it in one step: readers see the
    old file or the new one, never half of one, even after a crash. A FIFO or a character
    device (`/dev/null`, a terminal) is written in place, as the shell's `>` does; a FIFO
    waits, as there, until something reads it. Anything else at the path (a folder, a
    disk, a socket) is refused. Errors name `path`, never the temporary file.
    """
    path = Path(path)
    mode = _mode(path)
    if mode is None or stat.S_ISREG(mode):
        _replace(path, content, exists=mode is not None)
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        _write_in_place(path, content)
    else:
        _refuse(path, mode)


def check_writable(path: Path) -> None:
    """Raise now the error that `write_atomically(path, ...)` would raise for where `path`
    is, so that a command refuses before it works on what it will write there: a missing
    folder, one that may not be written into (tried for real, with an empty temporary file,
    so a read-only disk counts too), a folder or a disk at `path`. Errors name `path`."""
    path = Path(path)
    mode = _mode(path)
    if mode is None or stat.S_ISREG(mode):
        _try_creating(_temporary_name(path), path)
    elif not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):  # those are written in place
        _refuse(path, mode)


def writable_folder(folder: Path) -> Path:
    """`folder`, made (with its parents) if need be, once it is sure that files can be
    written into it (tried for real, as `check_writable` does); errors name it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"cannot write into {shorten_path(folder)}: it is a file, not a folder"
        )
    with _errors_naming(folder, into=True):
        folder.mkdir(parents=True, exist_ok=True)
    _try_creating(folder / f".micrograd.{secrets.token_hex(4)}.tmp", folder, into=True)
    return folder


def _mode(path: Path) -> int | None:
    """What is at `path`, through symlinks (its `st_mode`); None if nothing is."""
    with _errors_naming(path):
        try:
            return os.stat(path).st_mode
        except FileNotFoundError:
            return None


def _refuse(path: Path, mode: int) -> NoReturn:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(
            f"cannot write {shorten_path(path)}: it is a folder; give a file name"
        )
    kind = "a disk (a block device)" if stat.S_ISBLK(mode) else "a socket or other special file"
    raise OSError(
        f"cannot write {shorten_path(path)}: it is {kind}, not a file to save into; "
        "give a file name"
    )


def _temporary_name(path: Path) -> Path:
    """A fresh name beside `path` (through a symlink, so the link itself stays) for the
    content to be written to, then renamed over it."""
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {shorten_path(path)}: the folder {shorten_path(real.parent)} "
            "does not exist"
        )
    # A name near the file system's limit of 255 bytes leaves no room to add to it.
    stem = real.name if len(os.fsencode(real.name)) <= 200 else "micrograd"
    return real.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")


def _try_creating(temporary: Path, path: Path, into: bool = False) -> None:
    """Create and remove the empty file `temporary`: can files be written there?"""
    with _errors_naming(path, into):
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        temporary.unlink()


def _replace(path: Path, content: bytes, exists: bool) -> None:
    real = Path(os.path.realpath(path))
    temporary = _temporary_name(path)
    # A fresh name opened with "x" (create, never overwrite) gets the usual permissions,
    # unlike tempfile.mkstemp's owner-only ones, which the final file would keep.
    with _errors_naming(path):
        try:
            with open(temporary, "xb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            if exists:
                _keep_mode_and_owner(real, temporary)
            os.replace(temporary, real)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    _sync_folder(real.parent)


def _keep_mode_and_owner(old: Path, new: Path) -> None:
    shutil.copymode(old, new)  # replacing a file keeps its permissions
    # ... and its owner, where we may set it (as root): else root saving over a user's
    # file would leave them a file they cannot write.
    before, after = os.stat(old), os.stat(new)
    if (before.st_uid, before.st_gid) != (after.st_uid, after.st_gid):
        with suppress(PermissionError):  # not ours to give: the file stays the writer's
            os.chown(new, before.st_uid, before.st_gid)


def _write_in_place(path: Path, content: bytes) -> None:
    """Write into a FIFO or a device, as `>` does: no temporary file, nothing to rename."""
    # Never O_CREAT or O_TRUNC; O_NOCTTY: a terminal written to does not become ours.
    with _errors_naming(path):
        descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        swapped = not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))  # since we looked
        if not swapped:
            with _errors_naming(path), open(descriptor, "wb", closefd=False) as stream:
                stream.write(content)
    finally:
        os.close(descriptor)
    if swapped:
        raise OSError(
            f"cannot write {shorten_path(path)}: it changed while being opened; try again"
        )


@contextmanager
def _errors_naming(path: Path, into: bool = False) -> Iterator[None]:
    """Re-raise an OSError with a message that names `path` (the path the user gave, a
    folder to write `into` or a file) and not the temporary file, keeping its type and
    errno so that callers can catch it."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        hint = ""
        if isinstance(error, PermissionError) or error.errno == errno.EROFS:
            hint = f"; check that you may write to the folder {shorten_path(path.parent)}"
            if into:
                hint = "; check that you may write to it, or choose another folder"
        what = f"into {shorten_path(path)}" if into else shorten_path(path)
        renamed = type(error)(f"cannot write {what}: {reason[:1].lower()}{reason[1:]}{hint}")
        renamed.errno = error.errno
        raise renamed from None


def _sync_folder(folder: Path) -> None:
    # The rename lives in the folder's entry: without this, a power cut could undo it.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # some systems cannot open a folder; the file itself is safe
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
