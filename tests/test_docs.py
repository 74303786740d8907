"""The README in two languages, kept in step; its first screen serves a new user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "README.md"
CHINESE = ROOT / "README.zh-CN.md"
FENCE = re.compile(r"^```[^\n]*\n.*?^```\n", re.S | re.M)


def prose(text: str) -> str:
    """The text outside code blocks (a ``# comment`` in a shell block is no heading)."""
    return FENCE.sub("", text)


def headings(text: str) -> list[tuple[int, str]]:
    return [
        (len(match.group(1)), match.group(2).strip())
        for match in re.finditer(r"^(#{1,6}) (.+)$", prose(text), re.M)
    ]


def table_sizes(text: str) -> list[int]:
    """Rows per table, in order."""
    sizes: list[int] = []
    rows = 0
    for line in [*prose(text).splitlines(), ""]:
        if line.startswith("|"):
            rows += 1
        elif rows:
            sizes.append(rows)
            rows = 0
    return sizes


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_both_readmes_have_the_same_sections_in_the_same_order() -> None:
    english, chinese = headings(ENGLISH.read_text("utf-8")), headings(CHINESE.read_text("utf-8"))
    assert [level for level, _ in chinese] == [level for level, _ in english]


def test_both_readmes_have_the_same_code_blocks() -> None:
    assert FENCE.findall(CHINESE.read_text("utf-8")) == FENCE.findall(ENGLISH.read_text("utf-8"))


def test_both_readmes_have_the_same_tables() -> None:
    assert table_sizes(CHINESE.read_text("utf-8")) == table_sizes(ENGLISH.read_text("utf-8"))


@pytest.mark.parametrize("readme", [ENGLISH, CHINESE], ids=["en", "zh-CN"])
def test_every_link_to_a_section_finds_it(readme: Path) -> None:
    text = readme.read_text("utf-8")
    anchors = {slug(heading) for _, heading in headings(text)}
    links = re.findall(r"\]\(#([^)]+)\)", prose(text))
    assert links and [link for link in links if link not in anchors] == []


def test_each_readme_links_to_the_other_at_the_top() -> None:
    assert "(README.zh-CN.md)" in ENGLISH.read_text("utf-8").splitlines()[2]
    assert "(README.md)" in CHINESE.read_text("utf-8").splitlines()[2]


@pytest.mark.parametrize("readme", [ENGLISH, CHINESE], ids=["en", "zh-CN"])
def test_the_first_screen_has_install_key_and_both_examples(readme: Path) -> None:
    # What a new user needs before scrolling: one screen is about 60 lines.
    first_screen = "\n".join(readme.read_text("utf-8").splitlines()[:60])
    for needed in (
        'pip install "akile-integrations[langchain]"',
        "export AKILE_API_KEY=",
        'ChatAkile(model="claude-opus-4-8")',
        'Akile(model="claude-opus-4-8")',
    ):
        assert needed in first_screen, needed


def test_the_readme_keeps_the_two_commands_ci_and_users_run() -> None:
    text = ENGLISH.read_text("utf-8")
    assert "make demo" in text and "make test" in text
    assert "make check" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_developer_material_lives_in_contributing() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    for topic in ("## Layout", "## Tests and cassettes", "## Benchmarks", "make check-floor"):
        assert topic in contributing
    assert "## Tests and cassettes" not in ENGLISH.read_text("utf-8")
