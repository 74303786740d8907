"""``akile chat``: a streaming chat in the terminal, or one question answered.

Reasoning is shown apart from the answer (dimmed, under ``thinking``), usage after each answer.
Ctrl-C stops the answer being written and keeps the session; Ctrl-D or ``/exit`` leaves.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from akile_cli.common import EXIT_FAILED, EXIT_OK, report, settings
from akile_cli.terminal import Terminal

HELP = (
    "/system TEXT sets the system prompt, /reset forgets the conversation, /help shows this, "
    "/exit leaves."
)


class Conversation:
    """The messages so far and how each request is made."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.model: str = args.model
        self.system: str | None = args.system
        self.history: list[dict[str, Any]] = []
        self.params: dict[str, Any] = {
            k: v
            for k, v in {
                "max_tokens": args.max_tokens,
                "temperature": args.temperature,
                "reasoning_effort": args.reasoning_effort,
            }.items()
            if v is not None
        }

    def body(self, question: str) -> dict[str, Any]:
        """The request for ``question`` after the conversation so far."""
        system = [{"role": "system", "content": self.system}] if self.system else []
        messages = [*system, *self.history, {"role": "user", "content": question}]
        return {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            **self.params,
        }


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Chat; return the exit code."""
    from akile_core import Gateway

    gateway = Gateway(settings(args))
    conversation = Conversation(args)
    question = " ".join(args.prompt)
    if not sys.stdin.isatty():
        piped = sys.stdin.read().strip()
        question = f"{question}\n\n{piped}".strip() if question else piped
    if question:
        answer(gateway, conversation, question, term, show_usage=not args.no_usage)
        return EXIT_OK
    if not sys.stdin.isatty():
        term.warn("akile: error: nothing to ask (stdin was empty)")
        return EXIT_FAILED
    return interactive(gateway, conversation, term, show_usage=not args.no_usage)


def interactive(gateway: Any, conversation: Conversation, term: Terminal, show_usage: bool) -> int:
    """Read, answer, repeat until ``/exit`` or end of input."""
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:  # Windows
        pass
    term.print(term.paint(f"akile chat with {conversation.model}. {HELP}", "dim"))
    while True:
        try:
            line = input(term.paint("you> ", "bold", "cyan"))
        except EOFError:
            term.print()
            return EXIT_OK
        except KeyboardInterrupt:
            term.print(term.paint("\n(Ctrl-D or /exit leaves)", "dim"))
            continue
        text = line.strip()
        if not text:
            continue
        if text.startswith("/"):
            if handle_command(text, conversation, term):
                return EXIT_OK
            continue
        try:
            answer(gateway, conversation, text, term, show_usage=show_usage)
        except Exception as err:
            code = report(err, term)
            if code is None:
                raise
            if code != EXIT_FAILED:  # no key, unreachable, unknown model, key refused: leave
                return code


def handle_command(text: str, conversation: Conversation, term: Terminal) -> bool:
    """Apply a ``/command``; return ``True`` to leave."""
    name, _, rest = text.partition(" ")
    if name in ("/exit", "/quit"):
        return True
    if name == "/reset":
        conversation.history.clear()
        term.print(term.paint("(conversation forgotten)", "dim"))
    elif name == "/help":
        term.print(term.paint(f"({HELP})", "dim"))
    elif name == "/system":
        conversation.system = rest.strip() or None
        shown = (
            f"system prompt: {conversation.system}" if conversation.system else "no system prompt"
        )
        term.print(term.paint(f"({shown})", "dim"))
    else:
        term.print(term.paint(f"(unknown command {name}: {HELP})", "yellow"))
    return False


def answer(
    gateway: Any, conversation: Conversation, question: str, term: Terminal, show_usage: bool
) -> None:
    """Stream one answer; on Ctrl-C stop it and keep what arrived."""
    from akile_core import StreamState

    state = StreamState()
    text: list[str] = []
    thinking = False
    stopped = False
    deltas = gateway.stream(conversation.body(question), state)
    try:
        for delta in deltas:
            if delta.reasoning:
                if not thinking:
                    term.aside(term.paint("thinking: ", "dim", "bold"), end="")
                    thinking = True
                term.aside(term.paint(delta.reasoning, "dim"), end="")
            if delta.content:
                if thinking:
                    term.aside("\n")
                    thinking = False
                text.append(delta.content)
                term.print(delta.content, end="")
    except KeyboardInterrupt:
        stopped = True
        deltas.close()  # closes the HTTP response: the gateway stops generating
    term.print()
    if stopped:
        term.aside(term.paint("[stopped]", "yellow"))
    conversation.history += [
        {"role": "user", "content": question},
        {"role": "assistant", "content": "".join(text)},
    ]
    if show_usage and state.usage is not None:
        usage = state.usage
        term.aside(
            term.paint(
                f"[{usage.input_tokens} prompt + {usage.output_tokens} completion tokens]", "dim"
            )
        )
