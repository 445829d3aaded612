"""``import spacy`` without its command line: a third of what the import costs.

spaCy's package initialiser imports its command-line interface
(``from .cli.info import info``), and with it typer, weasel and the model
download machinery, none of which screening uses: about 0.4 of the 1.3 s the
import takes on a 2-core machine, paid by every process that screens. While
spaCy initialises, that one import is given stand-ins, and ``spacy.info``
becomes a function that loads the real one when called. The stand-ins leave
``sys.modules`` as soon as spaCy is loaded, so ``import spacy.cli`` afterwards
imports the real command line as usual.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

#: The modules spaCy's ``__init__`` imports only to re-export ``spacy.info``.
_DEFERRED = ("spacy.cli", "spacy.cli.info")


def _info(*args: Any, **kwargs: Any) -> Any:
    """spaCy's ``info``, imported on its first call."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _stand_ins() -> dict[str, ModuleType]:
    cli, info = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    return {"spacy.cli": cli, "spacy.cli.info": info}


def import_spacy() -> ModuleType:
    """The ``spacy`` package, imported now if it is not yet (without its command line)."""
    loaded = sys.modules.get("spacy")
    if loaded is not None:
        return loaded
    stand_ins = {name: module for name, module in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        import spacy  # noqa: F401 - imported for its side effect; returned below
    except ImportError:
        pass  # a spaCy whose initialiser needs more of its command line: imported whole below
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    import spacy

    return spacy
