"""Which stage modules run compiled, and the guard that keeps an out-of-date build from running.

``setup.py`` compiles the stages that cost the most per resume with mypyc, from their own
sources, into one shared library, and records each source's sha256 in ``_compiled.json``. In an
editable install a compiled module sits beside its ``.py`` and Python prefers it, so after an
edit (or a ``git checkout``) the old code would run. ``guard()`` compares the sources with the
record at import; when any differs, none of the compiled modules is used and the ``.py`` sources
are imported instead. All or none, because compiled modules call one another directly in C: a
compiled caller would go on running the old code of a callee imported fresh.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import warnings
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
MANIFEST = PACKAGE_ROOT / "_compiled.json"


@dataclass(frozen=True)
class NativeState:
    """What ``guard()`` found: the modules built compiled, and whether they are in use."""

    modules: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # sources changed since the build

    @property
    def active(self) -> bool:
        return bool(self.modules) and not self.stale


class _SourcesFirst:
    """A meta-path finder that imports the named modules from their ``.py`` files."""

    def __init__(self, names: dict[str, Path]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        source = self.names.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def _module_name(source: Path) -> str:
    return source.relative_to(PACKAGE_ROOT.parent).with_suffix("").as_posix().replace("/", ".")


def _unrecorded_build() -> dict[str, Path]:
    """Compiled modules with a ``.py`` twin, found on disk: what a build left when its record is gone."""
    built = (path for path in PACKAGE_ROOT.rglob(f"*{_EXTENSION}") if not path.name.startswith("_compiled__mypyc"))
    return {_module_name(twin): twin for twin in (path.with_name(path.name.removesuffix(_EXTENSION) + ".py") for path in built) if twin.is_file()}


def _read_state() -> tuple[NativeState, dict[str, Path]]:
    """The built modules by name, with their sources, and which of those sources changed since."""
    try:
        record = json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"]
        digests = {PACKAGE_ROOT.parent / str(source): str(digest) for source, digest in record.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        # No record: nothing was compiled, unless a build's modules are still there (its record
        # deleted or damaged); those cannot be checked, so none of them runs.
        sources = _unrecorded_build()
        return NativeState(tuple(sorted(sources)), tuple(sorted(sources))), sources
    sources = {_module_name(path): path for path in digests}
    stale = [_module_name(path) for path, digest in digests.items() if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest]
    return NativeState(tuple(sorted(sources)), tuple(sorted(stale))), sources


_STATE: NativeState | None = None


def guard() -> NativeState:
    """Check the build against its sources once per process; run the sources if it is out of date."""
    global _STATE
    if _STATE is None:
        state, sources = _read_state()
        if state.stale:
            sys.meta_path.insert(0, _SourcesFirst({name: path for name, path in sources.items() if path.is_file()}))
            shown = ", ".join(state.stale[:3]) + (", ..." if len(state.stale) > 3 else "")
            warnings.warn(
                f"screener: {len(state.stale)} compiled module(s) do not match their sources ({shown}); "
                "running the Python sources. Rebuild with `make install` (or `pip install -e .`).",
                RuntimeWarning,
                stacklevel=2,
            )
        _STATE = state
    return _STATE


def native_modules() -> list[str]:
    """The screener modules imported so far that run as native code (for the benchmark's record)."""
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith("screener.") and not name.endswith("__mypyc") and str(getattr(module, "__file__", "") or "").endswith(_EXTENSION)
    )


_EXTENSION = EXTENSION_SUFFIXES[0]
