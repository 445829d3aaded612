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
EXTENSION = EXTENSION_SUFFIXES[0]
#: The group setup.py compiles the stages into: one shared library inside the package (each module is a small
#: shim into it; a top-level library would be out of an editable install's reach), named by mypyc after the group.
GROUP = "screener._compiled"
LIBRARY = GROUP.rpartition(".")[2] + "__mypyc"


@dataclass(frozen=True)
class NativeState:
    """What ``guard()`` found: the modules built compiled, and whether they are in use."""

    modules: tuple[str, ...] = ()  # built beside their sources
    stale: tuple[str, ...] = ()  # changed since the build, not in its record, or part of an incomplete build

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


def built_beside_sources() -> dict[str, Path]:
    """Compiled modules beside a ``.py`` twin, by name, each with the twin's path.

    The C glyph loop has no twin, nor the shared library; ``setup.py`` deletes these before a
    build, so none is left over from one that compiled more.
    """
    found = [*PACKAGE_ROOT.glob(f"*{EXTENSION}"), *PACKAGE_ROOT.glob(f"*/*{EXTENSION}")]  # the package is two levels deep
    return {_module_name(twin): twin for twin in (path.with_name(path.name.removesuffix(EXTENSION) + ".py") for path in found) if twin.is_file()}


def write_record(sources: list[str], declined: str | None = None) -> None:
    """The record ``guard()`` checks, written by ``setup.py``: each compiled source (relative to the project) and its sha256."""
    record = {source: hashlib.sha256((PACKAGE_ROOT.parent / source).read_bytes()).hexdigest() for source in sources}
    MANIFEST.write_text(json.dumps({"sources": record, "declined": declined}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _recorded() -> dict[Path, str]:
    """The build's record, source -> sha256; empty when there is none or it cannot be read."""
    try:
        record = json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"]
        return {PACKAGE_ROOT.parent / str(source): str(digest) for source, digest in record.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _library_built() -> bool:
    return any(PACKAGE_ROOT.glob(f"{LIBRARY}*{EXTENSION}"))


def _read_state() -> tuple[NativeState, dict[str, Path]]:
    """The compiled modules by name, with their sources, and those that cannot be trusted.

    A module is untrusted when its source changed since the build, or when the record does not
    name it: left by an earlier build that compiled more, or by one whose record is gone. A build
    that is incomplete (a recorded module or the shared library failed to compile, which the
    build tolerates) is untrusted whole. Nothing built at all is plain Python, not a fault.
    """
    digests = _recorded()
    recorded = {_module_name(path): path for path in digests}
    built = built_beside_sources()
    sources = recorded | built
    if not built:
        return NativeState(), sources
    changed = {_module_name(path) for path, digest in digests.items() if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest}
    unrecorded = built.keys() - recorded.keys()
    incomplete = set(built) if recorded.keys() - built.keys() or not _library_built() else set()
    return NativeState(tuple(sorted(built)), tuple(sorted(changed | unrecorded | incomplete))), sources


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


