"""The size limits of issue 9, so that a reader can hold a module or a function in their head:
no views module over 400 lines, no function over 80 lines (tests and migrations aside)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAX_VIEW_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "tests", ".git", "static"}


def project_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
    )


def view_modules() -> list[Path]:
    """Every ``views.py`` and every module of a ``views/`` package."""
    return [
        path
        for path in project_modules()
        if path.name == "views.py" or "views" in path.relative_to(ROOT).parts[:-1]
    ]


def long_functions(source: str) -> list[str]:
    """``"<line> <name> (<n> lines)"`` for each function longer than the limit, counted from
    its first decorator to its last line, as a reader sees it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - first + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_views_are_found():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}
    assert "people/views.py" in names
    assert "interviews/views/compose.py" in names
    assert not any(name.startswith(("tests/", ".venv/")) for name in names)


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_views_module_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_VIEW_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_long_functions_are_found():
    body = "\n".join(f"    x{i} = {i}" for i in range(79))
    source = f"@decorated\ndef long():\n{body}\n\n\ndef short():\n    pass\n"
    assert long_functions(source) == ["2 long (81 lines)"]
    assert long_functions(source.replace("@decorated\n", "")) == []


@pytest.mark.parametrize("path", project_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_over_80_lines(path):
    assert long_functions(path.read_text(encoding="utf-8")) == [], str(path.relative_to(ROOT))
