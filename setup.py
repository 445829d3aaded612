"""Native extensions, both optional: without them the same Python runs, slower.

- ``screener.ingest._glyphs``: the PDFium engine's per-character loop in C; without it the
  engine runs the same loop through ctypes.
- The pure-Python stages (layout, structure, evidence, scoring) compiled with mypyc from their
  own sources: one code base, no second implementation. Layout runs about twice as fast, scoring
  about a tenth faster, and structure and evidence together took 5% off a cold run (much of their
  time is in regular expressions, pydantic and spaCy, already native). Skipped when mypyc or a C
  compiler is missing, or when ``SCREENER_COMPILE=0``.
  ``screener/native.py`` records what was built and declines a compiled module whose source has
  changed since, so an edit is never shadowed.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent

#: The compiled modules, by package; a package's ``__init__`` and the modules that define pydantic models stay Python.
COMPILED_PACKAGES = ("layout", "scoring", "structure", "evidence")
NOT_COMPILED = {"__init__.py"}
#: Base classes that make a class a pydantic model. mypyc compiles such a class, but the module then fails on import
#: ("mypyc classes can't have a metaclass"), so a module defining one stays Python.
MODEL_BASES = {"BaseModel", "RootModel", "Frozen"}
#: -O1: the build takes two thirds of the time of -O3 and the stages run as fast; -O0 loses the gain (measured).
OPT_LEVEL = "1"


def _defines_models(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bases = (base for node in ast.walk(tree) if isinstance(node, ast.ClassDef) for base in node.bases)
    return any((base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)) in MODEL_BASES for base in bases)


def compiled_sources() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for package in COMPILED_PACKAGES
        for path in (ROOT / "screener" / package).glob("*.py")
        if path.name not in NOT_COMPILED and not _defines_models(path)
    )


def _why_not_compiled() -> str | None:
    if os.environ.get("SCREENER_COMPILE", "1") == "0":
        return "SCREENER_COMPILE=0"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    try:
        import mypyc.build  # noqa: F401
    except ImportError:
        return "mypyc is not installed"
    return None


#: The commands that build extensions; metadata-only runs of this file (egg_info, the build
#: backend's requirement queries) skip mypyc's type check and code generation.
BUILDING = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _native():  # type: ignore[no-untyped-def]
    """``screener/native.py`` loaded by path: the record's format and the scan for compiled modules, without importing the package."""
    spec = importlib.util.spec_from_file_location("_screener_native", ROOT / "screener" / "native.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _remove_earlier_build(native) -> None:  # type: ignore[no-untyped-def]
    """Delete the compiled modules an earlier build left beside their sources (one that compiled more), and its shared library."""
    for path in native.built_beside_sources().values():
        path.with_name(path.stem + native.EXTENSION).unlink()
    for library in (ROOT / "screener").glob(f"{native.LIBRARY}*"):
        library.unlink()


def _compiled_extensions() -> list[Extension]:
    if not BUILDING.intersection(sys.argv[1:]):
        return []
    native = _native()
    native.MANIFEST.unlink(missing_ok=True)
    _remove_earlier_build(native)
    reason = _why_not_compiled()
    if reason is not None:
        print(f"screener: stages not compiled ({reason}); the Python sources run instead", file=sys.stderr)
        native.write_record([], reason)
        return []
    from mypyc.build import mypycify

    sources = compiled_sources()
    # Third-party packages are typed as Any (--no-site-packages): the build needs none of them
    # installed, type-checks in seconds, and gives the same code wherever it runs.
    options = ["--config-file=", "--ignore-missing-imports", "--no-site-packages"]
    try:
        extensions = mypycify(options + sources, opt_level=OPT_LEVEL, separate=[(sources, native.GROUP)])
    except SystemExit:  # mypyc reports what it cannot compile (printed above it) by exiting
        print("screener: stages not compiled (mypyc refused them, see above); the Python sources run instead", file=sys.stderr)
        native.write_record([], "mypyc refused the sources")
        return []
    for extension in extensions:
        # A C compiler error leaves the stages in Python instead of failing the install; the
        # guard declines a build that came out incomplete (screener/native.py).
        extension.optional = True
    native.write_record(sources)
    return extensions


setup(
    ext_modules=[
        Extension("screener.ingest._glyphs", sources=["screener/ingest/_glyphs.c"], optional=True),
        *_compiled_extensions(),
    ]
)
