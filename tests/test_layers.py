"""The apps form layers, and imports only run downwards; tests share helpers, not test modules.

A lower app never imports a higher one, and apps on the same floor do not import each other, so
every app can be read, tested and changed knowing only what lies beneath it. `config` is the
composition root (settings, URLs, the Celery app): it may import every app, and no app imports it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FLOOR = {
    "core": 0,  # the domain's errors
    "audit": 0,  # the trail every app records through
    "httpapi": 1,  # the HTTP plumbing every API stands on
    "clinic": 2,
    "screening": 3,
    "sessions": 4,
    "outcomes": 5,
    "aftercare": 6,
    "reports": 6,
    "web": 7,
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def modules_of(app: str, root: Path = ROOT) -> list[Path]:
    return [
        path
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts  # generated; they refer to apps by name, not import
    ]


def wrong_arrows(app: str, root: Path = ROOT) -> list[str]:
    arrows = []
    for path in modules_of(app, root):
        for other in imported_apps(path):
            if other == app:
                continue
            if other == "config" or (other in FLOOR and FLOOR[other] >= FLOOR[app]):
                arrows.append(f"{path.relative_to(root)} imports {other}")
    return arrows


def test_every_app_folder_has_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"core", "httpapi"}
    assert apps - {"config"} <= set(FLOOR)


@pytest.mark.parametrize("app", [app for app in FLOOR if (ROOT / app).is_dir()])
def test_imports_only_run_downwards(app):
    assert wrong_arrows(app) == []


def test_the_checker_sees_an_upward_and_a_sideways_import(tmp_path):
    views = tmp_path / "screening" / "views.py"
    views.parent.mkdir()
    views.write_text(
        "from sessions.models import NeedlingSession\n"  # up: refused
        "import clinic.models\nimport screening.rules\n"  # down and its own: fine
    )
    assert wrong_arrows("screening", tmp_path) == ["screening/views.py imports sessions"]
    (tmp_path / "aftercare").mkdir()
    (tmp_path / "aftercare" / "page.py").write_text("from reports import fhir\n")
    assert wrong_arrows("aftercare", tmp_path) == ["aftercare/page.py imports reports"]


def borrowed_helpers(root: Path = ROOT) -> list[str]:
    """Imports of a test module or a conftest by another module of the tests: what tests share
    lives in a helper module named for its purpose (tests/bodies.py, tests/web/pages.py...)."""
    borrowed = []
    for path in sorted((root / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom):  # `from . import test_x` has no module
                module = "." * node.level + (node.module or "")
                names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            last_parts = {name.split(".")[-1] for name in names}
            if any(part.startswith("test_") or part == "conftest" for part in last_parts):
                borrowed.append(f"{path.relative_to(root)} imports {names[0]}")
    return borrowed


def test_tests_share_helpers_through_modules_of_their_own():
    assert borrowed_helpers() == []


def test_the_checker_sees_a_borrowed_helper(tmp_path):
    (tmp_path / "tests" / "web").mkdir(parents=True)
    (tmp_path / "tests" / "web" / "test_a.py").write_text(
        "from tests.web.test_b import sign_in\n"  # from another test module: refused
        "from tests.web import conftest\n"  # a conftest: refused
        "from . import test_c\n"  # another test module, relatively: refused
        "from tests.web.pages import charts\n"  # a helper module: fine
    )
    assert borrowed_helpers(tmp_path) == [
        "tests/web/test_a.py imports tests.web.test_b",
        "tests/web/test_a.py imports tests.web",
        "tests/web/test_a.py imports .",
    ]
