"""The documentation says what is: the README's Python snippets print what their comments show, no
page points at a path of one machine, and the one list of explain's reason codes (docs/cloud.md) is
the list the C++ emits.

A line of a README ```python block written ``EXPRESSION  # VALUE``, where VALUE is a repr (it starts
with ``(``, ``[``, ``'`` or ``<``), must give exactly that repr once the block has run: the README
shows what the code prints today, not what it printed once."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from conftest import REPO_ROOT

_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_SHOWN = re.compile(r"^(?P<code>\S.*?)\s+# (?P<value>[(\['<].*)$")


def python_blocks() -> List[str]:
    return _BLOCK.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))


def shown_values(block: str) -> List[Tuple[str, str]]:
    return [(m["code"], m["value"]) for m in map(_SHOWN.match, block.splitlines()) if m]


def test_readme_python_snippets_print_what_they_show(capsys: Any) -> None:
    blocks = python_blocks()
    assert len(blocks) == 2
    checked = 0
    namespace: Dict[str, Any] = {}  # one session: the second block uses the first's import
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
        for code, value in shown_values(block):
            assert repr(eval(code, namespace)) == value, code
            checked += 1
    assert checked == 2  # the ping's outcome and RTTs, and h1's ARP table
    # The VPC block prints two explain answers; its comments say what they are.
    printed = capsys.readouterr().out
    assert "web -> db tcp/5432 (to 10.0.2.4): reachable" in printed and "  14. [reply] instance web: delivered" in printed
    assert "ext -> web tcp/22 (to 198.51.100.10): NOT reachable [ENI_SG_RULES_MISMATCH]" in printed
    assert "to change it: add an ingress rule to default: tcp 22 from 203.0.113.10/32" in printed


# Where this project's machines kept things: a reader's machine has none of them.
_MACHINE_PATH = re.compile(r"(?<![\w.])(/work/|/home/\w|\.\./shared/)")


def test_no_page_points_at_a_machine_path() -> None:
    pages = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md")),
             *sorted(REPO_ROOT.glob("*/README.md")), *sorted(REPO_ROOT.glob("tests/*/README.md"))]
    found = [f"{page.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
             for page in pages
             for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
             if _MACHINE_PATH.search(line)]
    assert found == []


# --- explain's reason codes ------------------------------------------------------------------------

_CODE_TEXT = re.compile(r'case ReasonCode::(\w+): return "([A-Z_]+)";')
_CODE_ROW = re.compile(r"^\| `([A-Z][A-Z_]+)` \|", re.M)


def emitted_codes() -> Dict[str, str]:
    """Code text by enumerator, for every ReasonCode the cloud layer sets somewhere (`none` is the
    REACHABLE of an answer that was not blocked), read from libnet/cloud's sources."""
    cloud = REPO_ROOT / "libnet" / "cloud"
    names = dict(_CODE_TEXT.findall((cloud / "decision.cpp").read_text(encoding="utf-8")))
    assert len(names) >= 10, "to_string(ReasonCode) in libnet/cloud/decision.cpp changed shape: update this reader"
    setters = "".join(path.read_text(encoding="utf-8") for path in sorted(cloud.glob("*.cpp")) + sorted(cloud.glob("*.h"))
                      if path.stem != "decision")
    return {name: text for name, text in names.items() if name == "none" or f"ReasonCode::{name}" in setters}


def documented_codes(page: str) -> List[str]:
    """The first cells of the table under "## Explain: reason codes"."""
    text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text.split("## Explain: reason codes", 1)[1].split("\n## ", 1)[0]
    return _CODE_ROW.findall(section)


def test_the_reason_codes_listed_are_those_the_code_emits() -> None:
    listed = documented_codes("cloud.md")
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(emitted_codes().values())


def test_no_other_page_keeps_its_own_list_of_reason_codes() -> None:
    codes = set(emitted_codes().values())
    for page in sorted((REPO_ROOT / "docs").glob("*.md")):
        if page.name == "cloud.md":
            continue
        listed = [code for code in _CODE_ROW.findall(page.read_text(encoding="utf-8")) if code in codes]
        assert listed == [], f"{page.name} lists reason codes: link to docs/cloud.md instead"
