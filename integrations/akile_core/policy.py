"""What a request body may hold for its model: family rules, remembered rejections, warnings.

A :class:`RequestPolicy` shapes each body before it is sent and decides what to do when the
model's channel rejects a parameter. It sends nothing, so it is tested without HTTP
(tests/core/test_policy.py); the gateway asks it before every request.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from akile_core.errors import UnsupportedParameterError

if TYPE_CHECKING:
    from akile_core.families import Family
    from akile_core.rules import FamilyRules

# (model, parameter) pairs already warned about: one warning per process for each.
_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()
# akile_core.rules, bound on the first request: the model table and rules load then, not at
# import, and an import statement on every request would cost as much as the lookup.
_rules: ModuleType | None = None


class ParameterDroppedWarning(UserWarning):
    """A parameter was dropped or changed because the model's channel does not accept it."""


class RequestPolicy:
    """The rules one configuration applies to the bodies it sends.

    Args:
        family_rules: apply the model family's rules (``akile_core.rules``); ``False`` sends
            every body exactly as given (``akile doctor`` probes what a channel does with
            parameters the rules would drop).
        drop_unsupported_params: on a 400 that names an unsupported parameter, drop it and
            retry once, warning once per model and parameter; later bodies leave it out.
    """

    def __init__(self, *, family_rules: bool = True, drop_unsupported_params: bool = False) -> None:
        self.family_rules = family_rules
        self.drop_unsupported_params = drop_unsupported_params
        # Parameters a model's channel rejected, so later requests leave them out up front
        # instead of paying for the same 400 every time.
        self._rejected: dict[str, set[str]] = {}

    def prepare(self, body: dict[str, Any], *, native_claude: bool = False) -> dict[str, Any]:
        """The body as it may go out: family rules applied, remembered rejections left out.

        ``native_claude``: the body goes over Claude's ``/v1/messages``, where what the
        chat-completions converter loses (``response_format``, adaptive thinking) survives.
        """
        model = str(body.get("model"))
        if self.family_rules:
            body = _with_rules(body, model, native_claude)
        rejected = self._rejected.get(model)
        if not rejected:
            return body
        return {key: value for key, value in body.items() if key not in rejected}

    def after_rejection(
        self, body: dict[str, Any], err: UnsupportedParameterError
    ) -> dict[str, Any]:
        """The body to retry without the rejected parameter; re-raise ``err`` if not allowed."""
        param = err.param
        if not self.drop_unsupported_params or param is None or param not in body:
            raise err
        model = str(body.get("model"))
        self._rejected.setdefault(model, set()).add(param)
        warn_once(
            model,
            param,
            f"not sending {param!r}: its gateway channel rejected it; dropping it and retrying "
            "(drop_unsupported_params=True)",
        )
        return {key: value for key, value in body.items() if key != param}


def family_for(model: str) -> Family:
    """The model's family, from the cached rules (one lookup per request, not two)."""
    return _family_rules(model).family


def warn_once(model: str, param: str, what: str) -> None:
    """Warn once per process, model and parameter what was changed about ``param``."""
    with _warned_lock:
        first = (model, param) not in _warned
        _warned.add((model, param))
    if first:
        warnings.warn(f"Model {model!r}: {what}.", ParameterDroppedWarning, stacklevel=5)


def forget_warnings() -> None:
    """Warn again about what was already warned about (for tests)."""
    with _warned_lock:
        _warned.clear()


def _rules_module() -> ModuleType:
    global _rules
    if _rules is None:
        from akile_core import rules

        _rules = rules
    return _rules


def _family_rules(model: str) -> FamilyRules:
    rules: FamilyRules = _rules_module().rules_of(model)
    return rules


def _with_rules(body: dict[str, Any], model: str, native_claude: bool = False) -> dict[str, Any]:
    rules = _rules_module().native_rules_of(model) if native_claude else _family_rules(model)
    if rules.may_change(body):
        body, changes = _rules_module().apply_rules(body, rules)
        for param, what in changes:
            warn_once(model, param, what)
    return body


def asked_for_tool(sent: Mapping[str, Any], prepared: Mapping[str, Any]) -> str | None:
    """The tool a forced choice named (``"*"``: any) when the rules turned it into ``"auto"``.

    The answer must then be checked for the call (``ChatCompletionsWire.check_called``).
    """
    choice = sent.get("tool_choice")
    if choice is None or prepared.get("tool_choice") != "auto" or choice == "auto":
        return None
    if isinstance(choice, Mapping):
        return str((choice.get("function") or {}).get("name") or "*")
    return "*" if choice in ("required", "any") else None
