"""The README's Design section and the package agree, and the layers hold.

Like sqlite-utils' documentation tests: a module added, moved or removed without the table
changing fails here, so the table stays a map a newcomer can trust.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "okrops"
WINGS = ("cli", "record", "review", "rhythm", "site", "reports")


def design_rows() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Design\n"):]
    section = section[:section.index("\n## ", 1)]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and "`" in cells[0]:
            rows.append((cells[0], cells[1]))
    return rows


def named(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def modules() -> set[str]:
    """Every module of the package, relative to okrops/, but for the package markers."""
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
            if path.name not in ("__init__.py", "__main__.py")}


def covered() -> dict[str, int]:
    counts: dict[str, int] = {}
    for first, _holds in design_rows():
        for entry in named(first):
            if entry.endswith("/") and first.startswith("**"):
                continue  # a wing's heading row
            if entry.endswith("/"):
                found = [m for m in modules() if m.startswith(entry)]
            else:
                found = [entry]
            for module in found:
                counts[module] = counts.get(module, 0) + 1
    return counts


def test_every_named_module_exists():
    for first, _holds in design_rows():
        for entry in named(first):
            assert (PACKAGE / entry).exists(), f"README Design names okrops/{entry}, which does not exist"


def test_every_module_is_in_the_design_table_once():
    counts = covered()
    missing = sorted(modules() - set(counts))
    assert not missing, f"modules missing from README's Design table: {missing}"
    twice = sorted(m for m, n in counts.items() if n > 1)
    assert not twice, f"modules named more than once in README's Design table: {twice}"


def test_every_subpackage_is_a_wing_heading_or_a_named_folder():
    headings = {entry for first, holds in design_rows() if first.startswith("**") and not holds
                for entry in named(first)}
    folders = {entry for first, _ in design_rows() for entry in named(first) if entry.endswith("/")}
    packages = {path.parent.relative_to(PACKAGE).as_posix() + "/" for path in PACKAGE.rglob("__init__.py")
                if path.parent != PACKAGE}
    top_level = {p for p in packages if p.count("/") == 1}
    assert top_level <= headings | folders, f"packages the Design table does not introduce: {sorted(top_level - headings - folders)}"
    assert {w + "/" for w in WINGS} <= headings


def imported_modules(path: Path) -> set[str]:
    """Every okrops module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "okrops" or name.startswith("okrops.")}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in WINGS) else "core"


CORE_FILES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"  # python -m okrops runs the CLI
                    and (p.parent == PACKAGE or p.relative_to(PACKAGE).parts[0] == "lint"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_core_imports_no_wing(path):
    wings = sorted(m for m in imported_modules(path) if layer(m) in WINGS)
    assert not wings, f"okrops/{path.relative_to(PACKAGE)} (core) imports a wing: {wings}"


@pytest.mark.parametrize("wing", [w for w in WINGS if w != "cli"])
def test_only_the_cli_imports_the_cli(wing):
    for path in (PACKAGE / wing).rglob("*.py"):
        cli = sorted(m for m in imported_modules(path) if layer(m) == "cli")
        assert not cli, f"okrops/{path.relative_to(PACKAGE)} imports the CLI: {cli}"


def test_the_layering_check_sees_function_level_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from okrops.record import history\n    import okrops.cli.group\n")
    assert {layer(m) for m in imported_modules(sample)} >= {"record", "cli"}
