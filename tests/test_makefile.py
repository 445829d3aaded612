"""The Makefile's choice of interpreter for .venv/ (the distribution's CPython where it qualifies, else python3), and what it rebuilds."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _variable(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    """A variable as make resolves it, read from its database without running a recipe."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHON"}
    environment.update(env or {})
    completed = subprocess.run(["make", "-pn", "-f", str(ROOT / "Makefile"), *args, "lint"], cwd=ROOT, capture_output=True, text=True, env=environment, timeout=60)
    found = re.search(rf"^{name} :?= (.*)$", completed.stdout, flags=re.MULTILINE)
    assert found, completed.stderr
    return found.group(1)


def _chosen(*args: str, env: dict[str, str] | None = None) -> str:
    return _variable("PYTHON", *args, env=env)


def _qualifies(python: str) -> bool:
    probe = "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"
    return Path(python).is_file() and subprocess.run([python, "-c", probe], capture_output=True, timeout=60).returncode == 0


def test_the_distributions_python_is_chosen_where_it_can_make_a_venv_and_python3_otherwise() -> None:
    assert _chosen() == ("/usr/bin/python3" if _qualifies("/usr/bin/python3") else "python3")


def test_a_python_given_on_the_command_line_or_in_the_environment_is_kept() -> None:
    assert _chosen("PYTHON=/opt/other/python3") == "/opt/other/python3"
    assert _chosen(env={"PYTHON": "/opt/from-env/python3"}) == "/opt/from-env/python3"


def test_an_unusable_system_python_falls_back_to_python3_on_path() -> None:
    assert _chosen("SYSTEM_PYTHON=/nonexistent/python3") == "python3"


def test_the_native_build_is_redone_when_a_source_setup_py_compiles_changes() -> None:
    """setup.py names the compiled packages; the Makefile's list of sources that trigger a rebuild must cover the same ones."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    packages = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "COMPILED_PACKAGES")
    expected = {path.relative_to(ROOT).as_posix() for package in packages for path in (ROOT / "screener" / package).glob("*.py")}
    assert expected
    assert set(_variable("COMPILED_SOURCES").split()) == expected
