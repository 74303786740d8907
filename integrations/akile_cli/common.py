"""What every ``akile`` command shares: exit codes, connection settings, error reports.

The commands and ``akile_cli.main`` import this module; it imports none of them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from akile_cli.terminal import Terminal

if TYPE_CHECKING:
    from akile_core import AkileSettings

# akile_core is imported inside the functions below: it brings in openai (about half a second),
# which `akile --help` and `akile --version` do not need.

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NO_KEY = 3  # 2 is argparse's own, for wrong arguments
EXIT_UNREACHABLE = 4
EXIT_UNKNOWN_MODEL = 5
EXIT_KEY_REFUSED = 6
EXIT_INTERRUPTED = 130


def exit_code(err: BaseException) -> int | None:
    """The exit code for an error from the core, or ``None`` if it is not one."""
    from akile_core import errors

    if isinstance(err, errors.AkileConfigError):
        return EXIT_NO_KEY
    if isinstance(err, errors.AkileConnectionError):
        return EXIT_UNREACHABLE
    if isinstance(err, errors.ModelNotFoundError):
        return EXIT_UNKNOWN_MODEL
    if isinstance(err, (errors.AuthenticationError, errors.PermissionDeniedError)):
        return EXIT_KEY_REFUSED
    if isinstance(err, errors.AkileError):
        return EXIT_FAILED
    return None


def settings(args: argparse.Namespace, max_retries: int = 1) -> AkileSettings:
    """The connection settings for the command (raises the core's clear error without a key)."""
    from akile_core import AkileSettings

    return AkileSettings.resolve(
        base_url=args.base_url, timeout=args.timeout, max_retries=max_retries
    )


def report(err: BaseException, term: Terminal) -> int | None:
    """Print an error from the core as ``akile: error: ...``; its exit code, else ``None``.

    ``None`` means it is not ours to report (a bug), and nothing was printed.
    """
    code = exit_code(err)
    if code is not None:
        term.warn(term.paint("akile: error: ", "red", "bold") + str(err))
    return code
