"""The layers import only downwards: indicators < etl < api < dashboard < targets, with devtools,
benchmarks and tests on top, read from the source with `ast` (imports inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("indicators", "etl", "api", "dashboard", "targets")
CHECKED = (*PRODUCT, "devtools", "benchmarks")

# What each package may import of this repository's packages; anything else of them is an
# arrow pointing up (or sideways into tools). Third-party and standard modules are not judged.
ALLOWED: dict[str, frozenset[str]] = {
    "indicators": frozenset({"indicators"}),
    "etl": frozenset({"indicators", "etl"}),
    # The read API: the store and the domain core; the dashboard installs it on its server.
    "api": frozenset({"indicators", "etl", "api"}),
    "dashboard": frozenset({"indicators", "etl", "api", "dashboard"}),
    "targets": frozenset({"indicators", "etl", "api", "dashboard", "targets"}),
    # Shared by tests and benchmarks: the product's lower layers if it needs them, never the
    # command, the pages, nor what uses it.
    "devtools": frozenset({"indicators", "etl", "devtools"}),
    "benchmarks": frozenset({*PRODUCT, "devtools", "benchmarks"}),
}
OURS = frozenset({*ALLOWED, "tests"})


def imported_packages(source: str, module: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in `source`, at any depth; `module` is the
    dotted name of the file, for relative imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: the package of the file, `level` steps up
                parts = module.split(".")[:-node.level]
                name = ".".join([*parts, node.module or ""]).strip(".")
            else:
                name = node.module or ""
            found.append((node.lineno, name.split(".")[0]))
    return found


def violations(root: Path, packages: tuple[str, ...] = CHECKED) -> list[str]:
    """`file:line: package imports other` for every import against ALLOWED under `root`."""
    problems = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            module = ".".join(relative.with_suffix("").parts)
            if path.name == "__init__.py":
                module += ".__init__"  # a relative import in __init__ counts from the package
            for line, other in imported_packages(path.read_text(encoding="utf-8"), module):
                if other in OURS and other not in ALLOWED[package]:
                    problems.append(f"{relative}:{line}: {package} imports {other}")
    return problems


def test_no_layer_imports_a_higher_one():
    assert violations(ROOT) == []


def test_every_package_is_read():
    for package in CHECKED:
        assert list((ROOT / package).rglob("*.py")), package


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checker_flags_upward_imports_at_any_depth(tmp_path):
    write(tmp_path, "indicators/__init__.py", "")
    write(tmp_path, "indicators/fine.py", "import pandas\nfrom indicators.units import x\n")
    write(tmp_path, "indicators/bad.py", "def f():\n    from etl.store import Store\n")
    write(tmp_path, "etl/__init__.py", "import dashboard.app\n")
    write(tmp_path, "etl/fine.py", "from . import store\nfrom .read import y\n")
    write(tmp_path, "dashboard/x.py", "import targets.cli as cli\n")
    write(tmp_path, "devtools/x.py", "if True:\n    import tests.factories\n")
    write(tmp_path, "benchmarks/x.py", "from tests import conftest\nimport devtools\n")
    write(tmp_path, "targets/x.py", "from benchmarks.startup import main\n")
    assert violations(tmp_path, ("indicators", "etl", "dashboard", "targets", "devtools",
                                 "benchmarks")) == [
        "indicators/bad.py:2: indicators imports etl",
        "etl/__init__.py:1: etl imports dashboard",
        "dashboard/x.py:1: dashboard imports targets",
        "targets/x.py:1: targets imports benchmarks",
        "devtools/x.py:2: devtools imports tests",
        "benchmarks/x.py:1: benchmarks imports tests",
    ]


def test_relative_imports_resolve_to_their_package():
    assert imported_packages("from . import a\nfrom ..etl import b\n", "etl.sub.mod") == [
        (1, "etl"), (2, "etl")]
    assert imported_packages("from .x import y\n", "dashboard.pages.__init__") == [
        (1, "dashboard")]
