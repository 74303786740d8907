"""The ``akile`` command: arguments, dispatch, and one exit code per kind of failure.

Exit codes (also in ``akile --help`` and the README):

====  =====================================================================================
0     done
1     the gateway answered with an error not listed below (the message says which)
2     wrong arguments
3     no API key, or a setting that cannot work (``AKILE_API_KEY``, ``AKILE_BASE_URL``)
4     the gateway cannot be reached (connection refused, DNS, timeout)
5     no channel serves the model for this key (names come from the console's 渠道 page)
6     the key was refused: invalid, out of quota, or not allowed this model
130   interrupted (Ctrl-C outside a chat answer)
====  =====================================================================================
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from importlib import import_module

from akile_cli.common import EXIT_INTERRUPTED, EXIT_OK, report
from akile_cli.terminal import Terminal

# Each command's module, imported when the command runs: `akile --help` loads none of them.
COMMANDS = {
    "models": "akile_cli.models_command",
    "chat": "akile_cli.chat",
    "doctor": "akile_cli.doctor",
    "balance": "akile_cli.balance",
}

EPILOG = """\
exit codes:
  0    done
  1    the gateway answered with another error (the message says which)
  2    wrong arguments
  3    no API key (set AKILE_API_KEY=AK-...), or a setting that cannot work
  4    the gateway cannot be reached (AKILE_BASE_URL, network, timeout)
  5    no channel serves the model for this key (see `akile models`)
  6    the key was refused: invalid, out of quota, or not allowed this model
  130  interrupted

environment: AKILE_API_KEY, AKILE_BASE_URL (default https://aigateway.akile.ai/v1),
AKILE_GROUP (the key's group for prices), AKILE_QUOTA_PER_UNIT (quota per US dollar),
AKILE_PROFILES_FILE (where `akile doctor --save` writes; default ~/.config/akile/profiles.json),
NO_COLOR."""


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(
        prog="akile",
        description="The AK AI Gateway from a terminal: list your key's models, chat, and "
        "probe what a model's channel really accepts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _connection_options(top, defaults=True)
    # The same options after the subcommand (`akile chat -m M --base-url URL`), as most CLIs
    # take them; there they default to "not given", so they never undo one given before.
    common = argparse.ArgumentParser(add_help=False)
    _connection_options(common, defaults=False)
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    models = commands.add_parser(
        "models",
        parents=[common],
        help="the models your key may use, with what the model table knows of them",
    )
    models.add_argument("--json", action="store_true", help="machine-readable output")
    models.add_argument(
        "--prices",
        action="store_true",
        help="each model's price for your key's group, from the gateway's price list",
    )
    models.add_argument(
        "--group", help="the key's group (分组) for --prices (default: AKILE_GROUP, else default)"
    )

    balance = commands.add_parser(
        "balance",
        parents=[common],
        help="what is left on your key: granted, used, available, expiry",
        description="Reads the gateway's /api/usage/token/ (new-api), else the OpenAI-legacy "
        "/v1/dashboard/billing endpoints, and prints the key's quota in quota units and US "
        "dollars.",
    )
    balance.add_argument("--json", action="store_true", help="machine-readable output")

    chat = commands.add_parser(
        "chat",
        parents=[common],
        help="chat in the terminal (streaming), or answer one question",
        description="Interactive: type a message, Enter sends; /system TEXT sets the system "
        "prompt, /reset starts over, /help lists these, /exit (or Ctrl-D) leaves, Ctrl-C stops "
        "one answer. One-shot: akile chat -m MODEL 'question', or pipe the question on stdin. "
        "The key comes from AKILE_API_KEY only, never the command line (shell history).",
    )
    chat.add_argument("-m", "--model", required=True, help="a model name of your key")
    chat.add_argument("prompt", nargs="*", help="ask this once and exit")
    chat.add_argument("-s", "--system", help="system prompt")
    chat.add_argument("--max-tokens", type=int, help="upper bound on each answer")
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--reasoning-effort", help="none, minimal, low, medium, high, xhigh, max")
    chat.add_argument(
        "--no-usage", action="store_true", help="do not print token usage after each answer"
    )

    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="probe what a model's channel accepts, with small cheap requests",
        description=f"Sends {_probe_count()} small requests over chat completions (one more to a "
        "model that must be told not to think for a forced tool), and for a Claude model up to "
        "five over /v1/messages (offered? a thinking tool loop; prompt caching); each with a "
        "low max_tokens and the "
        "timeout) and prints what the channel accepts, rejects or silently ignores, the "
        "gateway's version and the tokens spent. --save writes the findings where ChatAkile "
        "and Akile read them (AKILE_PROFILES_FILE).",
    )
    doctor.add_argument("-m", "--model", required=True, help="a model name of your key")
    doctor.add_argument("--save", action="store_true", help="save the findings as a profile")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    return top


def _connection_options(target: argparse.ArgumentParser, *, defaults: bool) -> None:
    unset = argparse.SUPPRESS
    target.add_argument(
        "--base-url",
        default=None if defaults else unset,
        help="API root (default: AKILE_BASE_URL, else the gateway)",
    )
    target.add_argument(
        "--timeout",
        type=float,
        default=60.0 if defaults else unset,
        help="seconds per request (default 60)",
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("akile-integrations")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def _probe_count() -> int:
    from akile_cli.probes import probes

    return len(probes(reasoning_max_tokens=1))


def main(argv: Sequence[str] | None = None, terminal: Terminal | None = None) -> int:
    """Run the command; return its exit code."""
    top = parser()
    args = top.parse_args(argv)
    term = terminal or Terminal()
    if args.command is None:  # `akile` alone: what it can do, not an error
        top.print_help()
        return EXIT_OK
    command: Callable[[argparse.Namespace, Terminal], int] = import_module(
        COMMANDS[args.command]
    ).run
    try:
        return command(args, term)
    except KeyboardInterrupt:
        term.warn("akile: interrupted")
        return EXIT_INTERRUPTED
    except Exception as err:  # ours are reported; anything else is a bug and keeps its traceback
        code = report(err, term)
        if code is None:
            raise
        return code
