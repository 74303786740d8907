"""What a secret looks like, shared by the recording scrubber and the cassette scan."""

from __future__ import annotations

import re

# Gateway keys (AK-...), OpenAI-style keys (sk-...), and bearer tokens of any kind.
KEY_PATTERN = re.compile(
    r"(AK-[A-Za-z0-9]{8,}|sk-[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._~+/-]{12,})"
)
REDACTED = "REDACTED"


def scrub(text: str) -> str:
    """Replace every key-shaped value in ``text``."""
    return KEY_PATTERN.sub(REDACTED, text)
