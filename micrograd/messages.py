"""Showing what a user gave inside an error message, safely.

An error message is one line that goes to a terminal. Text from the user (a formula, a
name, a path) or from a file (a model file's fields) may hold a newline, which would break
that line, terminal control codes (`"\\x1b[2J"` clears the screen), or a million
characters. `shorten` and `short_repr` show such text on one line, with every character
that does not print escaped as Python's `repr` writes it, and cut to a length a reader can
take in, saying how long it was.
"""

from __future__ import annotations

import math
import reprlib

LIMIT = 80  # characters of the user's text that a message shows
PATH_LIMIT = 300


def shorten(text: str, limit: int = LIMIT, quoted: bool = False) -> str:
    """`text` as it is if every character prints, else (or if `quoted`) its repr, which
    escapes what does not print; cut to about `limit` characters, saying how long it was.

    >>> shorten("tanh(x*w + b)")
    'tanh(x*w + b)'
    >>> shorten("x +\\n\\x1b[2J")
    "'x +\\\\n\\\\x1b[2J'"
    >>> shorten("x * y + " * 10_000, limit=16)
    'x * y + x * y + ... (80,000 characters)'
    """
    # Escape only the part that will be shown: the cost stays small for any input.
    head = text[:limit]
    shown = repr(head) if quoted or not head.isprintable() else head
    if len(text) <= limit and len(shown) <= limit + 2:  # + 2: the quotes of a repr
        return shown
    return f"{shown[:limit].rstrip()} ... ({len(text):,} characters)"


def short_repr(value: object, limit: int = LIMIT) -> str:
    """The repr of `value`, cut to about `limit` characters, with nested lists and dicts
    shown only a few items and levels deep (so a huge or deeply nested value costs little).

    >>> short_repr(list(range(1000)))
    '[0, 1, 2, 3, 4, 5, ...]'
    >>> short_repr(10**5000)
    'an int of about 5,001 digits'
    """
    text = _Repr(limit).repr(value)
    if not text.isprintable():  # a repr written by some class may hold anything
        text = repr(text)[1:-1]
    return text if len(text) <= limit else text[: limit - 4] + " ..."


class _Repr(reprlib.Repr):
    """The standard library's size-bounded repr, told about Python's limit on printing
    integers (4,300 digits), past which `repr` itself raises a ValueError."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxstring = self.maxlong = self.maxother = limit
        self.maxlevel = 3

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 1000:  # about 300 digits: more than any float
            digits = int(x.bit_length() * math.log10(2)) + 1
            return f"an int of about {digits:,} digits"
        return super().repr_int(x, level)


def shorten_path(path: object) -> str:
    """A file's path for a message: the user's text too, so escaped like any other, but
    given more room, as long paths are usual and the end (the file name) matters."""
    return shorten(str(path), PATH_LIMIT)
