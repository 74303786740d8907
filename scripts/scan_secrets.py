"""Fail if any file under the given folders holds a key-shaped secret.

Run by `make test` (and so by CI) over cassettes/, and by `make record` after recording.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.secrets import KEY_PATTERN


def scan(folder: Path) -> list[str]:
    """Return ``path: match`` for every key-shaped value in the folder's files."""
    hits: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            hits.extend(f"{path}: {m.group(0)[:12]}..." for m in KEY_PATTERN.finditer(text))
    return hits


def main(folders: list[str]) -> int:
    """Scan each folder; print what was found; exit 1 if anything was."""
    hits = [hit for folder in folders for hit in scan(Path(folder))]
    for hit in hits:
        print(f"secret-scan: key-shaped value in {hit}", file=sys.stderr)
    count = sum(1 for folder in folders for p in Path(folder).rglob("*") if p.is_file())
    print(f"secret-scan: {count} files scanned, {len(hits)} key-shaped values found")
    return 1 if hits else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["cassettes"]))
