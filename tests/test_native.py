"""The stages compiled with mypyc: in use after an install, declined when out of date, and no different.

A copy of the installed package (compiled modules, record and sources) runs in a child process,
so the repository's own files are never edited. The copy's outputs are compared with the
compiled ones file by file: compiling may change how fast the stages run, never what they say.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from screener import native

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "resumes"
#: The packages setup.py compiles.
STAGES = ("screener.layout.", "screener.scoring.", "screener.structure.", "screener.evidence.")


def _built() -> bool:
    try:
        record = json.loads(native.MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(record.get("sources"))


needs_build = pytest.mark.skipif(not _built(), reason="the stages were not compiled here (no C compiler, no mypyc, or SCREENER_COMPILE=0)")

#: What the child prints: where its stage modules came from, and what the guard found.
_REPORT = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import screener
    from screener import native
    import screener.layout.reading_order, screener.layout.lines, screener.scoring.score, screener.scoring.fit
    import screener.structure.builder, screener.evidence.extract
state = native.guard()
print(json.dumps({
    "package": screener.__file__,
    "stale": list(state.stale),
    "active": state.active,
    "files": {name: str(getattr(module, "__file__", "") or "") for name, module in list(sys.modules.items()) if name.startswith("screener.")},
    "warnings": [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)],
}))
"""


def _native_modules(files: dict[str, str] | None = None) -> list[str]:
    """The screener modules (of ``files``, name -> file; else imported here) that run as native code, the shared library aside."""
    if files is None:
        files = {name: str(getattr(module, "__file__", "") or "") for name, module in list(sys.modules.items()) if name.startswith("screener.")}
    return sorted(name for name, file in files.items() if file.endswith(native.EXTENSION) and not name.endswith("__mypyc"))


def _copy_package(tmp_path: Path) -> Path:
    """The installed package (sources, compiled modules, record) and its knowledge files, copied."""
    shutil.copytree(ROOT / "screener", tmp_path / "screener", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "skill_taxonomy", tmp_path / "skill_taxonomy", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _child(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=site, env=env, capture_output=True, text=True, timeout=300, check=True)


def _report(site: Path) -> dict:
    report = json.loads(_child(site, "-c", _REPORT).stdout)
    report["native"] = _native_modules(report.pop("files"))
    assert Path(report["package"]).resolve().parent == (site / "screener").resolve()  # the copy ran, not the checkout
    return report


@needs_build
def test_an_install_runs_the_stages_compiled():
    state = native.guard()
    assert state.active and not state.stale
    import screener.layout.reading_order as reading_order

    assert reading_order.__file__.endswith(native.EXTENSION)
    assert "screener.layout.reading_order" in _native_modules()


@needs_build
def test_an_unchanged_copy_runs_compiled(tmp_path):
    report = _report(_copy_package(tmp_path))
    assert report["active"] and report["stale"] == [] and report["warnings"] == []
    assert {"screener.layout.reading_order", "screener.layout.lines", "screener.scoring.score", "screener.scoring.fit", "screener.structure.builder", "screener.evidence.extract"} <= set(report["native"])


@needs_build
def test_every_compiled_module_imports():
    # mypyc compiles some Python it cannot run, e.g. a class with pydantic's metaclass, which fails only on import.
    record = json.loads(native.MANIFEST.read_text(encoding="utf-8"))
    modules = [source.removesuffix(".py").replace("/", ".") for source in record["sources"]]
    assert "screener.evidence.extract" in modules
    imported = _child(ROOT, "-c", "import importlib, sys; [importlib.import_module(name) for name in sys.argv[1:]]; print('ok')", *modules)
    assert imported.stdout.strip() == "ok"


@needs_build
def test_an_edited_source_declines_the_whole_build(tmp_path):
    site = _copy_package(tmp_path)
    source = site / "screener" / "scoring" / "fit.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    report = _report(site)
    assert report["stale"] == ["screener.scoring.fit"]
    assert not report["active"]
    assert not any(name.startswith(STAGES) for name in report["native"])
    assert len(report["warnings"]) == 1 and "screener.scoring.fit" in report["warnings"][0] and "make install" in report["warnings"][0]


@needs_build
@pytest.mark.parametrize("damage", ["deleted", "garbled"])
def test_a_build_without_its_record_is_not_run(tmp_path, damage):
    site = _copy_package(tmp_path)
    record = site / "screener" / native.MANIFEST.name
    if damage == "deleted":
        record.unlink()
    else:
        record.write_text("{not json", encoding="utf-8")
    report = _report(site)
    assert not report["active"]
    assert "screener.layout.reading_order" in report["stale"]
    assert not any(name.startswith("screener.layout") for name in report["native"])


@needs_build
def test_a_module_left_by_an_earlier_build_is_not_run(tmp_path):
    site = _copy_package(tmp_path)
    suffix = native.EXTENSION
    # An earlier build compiled the reports too; this one does not, and its shared library lacks it.
    shutil.copy(site / "screener" / "layout" / f"lines{suffix}", site / "screener" / "reports" / f"markdown{suffix}")
    report = _report(site)
    assert report["stale"] == ["screener.reports.markdown"] and not report["active"]
    assert not any(name.startswith(STAGES) for name in report["native"])
    child = _child(site, "-W", "ignore", "-c", "import screener.reports.markdown as m; print(m.__file__)")
    assert child.stdout.strip().endswith("markdown.py")


def test_no_record_and_no_build_means_plain_python(tmp_path):
    site = _copy_package(tmp_path)
    (site / "screener" / native.MANIFEST.name).unlink(missing_ok=True)
    for built in (site / "screener").rglob(f"*{native.EXTENSION}"):
        built.unlink()
    report = _report(site)
    assert (report["stale"], report["active"], report["native"], report["warnings"]) == ([], False, [], [])


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every output file but run.json and index.html, which carry timings and run times."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in ("run.json", "index.html")}


@needs_build
def test_compiled_and_python_stages_write_the_same_outputs(tmp_path):
    site = _copy_package(tmp_path / "site")
    (site / "screener" / native.MANIFEST.name).unlink()
    for built in (site / "screener").rglob(f"*{native.EXTENSION}"):
        if not built.name.startswith("_glyphs"):
            built.unlink()  # every stage of the copy runs as Python; the PDFium glyph loop is the same in both
    assert not any(name.startswith(STAGES) for name in _report(site)["native"])
    screen = "import sys; from pathlib import Path; import screener; screener.screen(Path(sys.argv[1]), workers=0, cache=False, out_dir=Path(sys.argv[2]))"
    _child(site, "-c", screen, str(SAMPLES), str(tmp_path / "python"))
    _child(ROOT, "-c", screen, str(SAMPLES), str(tmp_path / "compiled"))
    python, compiled = _outputs(tmp_path / "python"), _outputs(tmp_path / "compiled")
    assert len(python) > 20
    assert python.keys() == compiled.keys()
    assert [name for name in python if python[name] != compiled[name]] == []


@needs_build
@pytest.mark.parametrize("lost", ["shared library", "one module"])
def test_an_incomplete_build_is_not_run(tmp_path, lost):
    # The build tolerates a C compiler error in any of its parts; what it leaves is declined whole.
    site = _copy_package(tmp_path)
    if lost == "shared library":
        (library,) = (site / "screener").glob(f"{native.LIBRARY}*{native.EXTENSION}")
        library.unlink()
    else:
        (site / "screener" / "scoring" / f"fit{native.EXTENSION}").unlink()
    report = _report(site)
    assert not report["active"] and "screener.layout.reading_order" in report["stale"]
    assert not any(name.startswith(STAGES) for name in report["native"])
    assert len(report["warnings"]) == 1


def _buildable() -> bool:
    try:
        import mypyc.build  # noqa: F401
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77 and shutil.which("cc") is not None


@pytest.mark.skipif(not _buildable(), reason="building needs mypyc, setuptools>=77 and a C compiler (the test extra has the first two)")
def test_sources_mypyc_refuses_install_as_python(tmp_path):
    # A newer mypy may find a fault this one does not: the install must go on, with the stages in Python.
    site = _copy_package(tmp_path)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, site / name)
    (site / "screener" / native.MANIFEST.name).unlink(missing_ok=True)
    for built in (site / "screener").rglob(f"*{native.EXTENSION}"):
        built.unlink()
    fit = site / "screener" / "scoring" / "fit.py"
    fit.write_text(fit.read_text(encoding="utf-8") + '\n_REFUSED: int = "not an int"\n', encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=site, capture_output=True, text=True, timeout=600, env={**os.environ, "SCREENER_COMPILE": "1"}
    )
    assert build.returncode == 0, build.stderr[-2000:]
    assert "mypyc refused" in build.stderr
    record = json.loads((site / "screener" / native.MANIFEST.name).read_text(encoding="utf-8"))
    assert record["sources"] == {} and "mypyc" in record["declined"]
    report = _report(site)
    assert (report["stale"], report["active"], report["warnings"]) == ([], False, [])
    assert not any(name.startswith(STAGES) for name in report["native"])
