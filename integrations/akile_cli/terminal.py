"""Terminal output: colour only on a terminal (and never with ``NO_COLOR``), tables, progress."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


class Terminal:
    """Where the command writes: ``out`` for results, ``err`` for progress and errors."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.colour = _wants_colour(self.out)
        # On a terminal everything reads in one place; when stdout is piped or redirected it
        # carries the answer alone, and the rest (thinking, usage, notes) goes to stderr.
        self.interactive = self.out.isatty()
        self.live = self.err.isatty()  # progress lines are redrawn only on a terminal
        self._progress_width = 0

    def paint(self, text: str, *styles: str) -> str:
        """``text`` in ``styles`` on a colour terminal, else as is."""
        if not self.colour or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\033[{codes}m{text}\033[0m"

    def print(self, text: str = "", *, end: str = "\n") -> None:
        """Write to ``out`` and flush (answers stream as they arrive)."""
        self.out.write(text + end)
        self.out.flush()

    def aside(self, text: str = "", *, end: str = "\n") -> None:
        """Write what is not the answer: beside it on a terminal, else to ``err``."""
        stream = self.out if self.interactive else self.err
        stream.write(text + end)
        stream.flush()

    def warn(self, text: str) -> None:
        """Write a message to ``err``, after clearing any progress line."""
        self.clear_progress()
        self.err.write(text + "\n")
        self.err.flush()

    def progress(self, text: str) -> None:
        """Show what is running: one redrawn line on a terminal, else one line per step."""
        if self.live:
            padding = " " * max(0, self._progress_width - display_width(text))
            self.err.write("\r" + text + padding)
            self._progress_width = display_width(text)
        else:
            self.err.write(text + "\n")
        self.err.flush()

    def clear_progress(self) -> None:
        """Remove the progress line, if one is shown."""
        if self.live and self._progress_width:
            self.err.write("\r" + " " * self._progress_width + "\r")
            self.err.flush()
            self._progress_width = 0


def _wants_colour(stream: TextIO) -> bool:
    # https://no-color.org; FORCE_COLOR for pagers and CI logs that render ANSI.
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows aligned in columns under ``headers`` (plain text; colour is added by the caller)."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def thousands(value: int | None) -> str:
    """``1,000,000``, or ``-`` when unknown."""
    return "-" if value is None else f"{value:,}"


def dollars(usd: float) -> str:
    """``$7.50``, ``$0.006``, ``$1,234.50``: up to six decimals, at least two."""
    whole, _, cents = f"{usd:,.6f}".partition(".")
    return f"${whole}.{cents.rstrip('0').ljust(2, '0')}"
