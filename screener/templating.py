"""The Jinja environments of screener's templates: the settings they are all written for, and their compiled code kept between runs.

Every template (the report's HTML and Markdown, the index) is written for the
same settings: block tags that leave no blank lines, a final newline kept, and
an undefined name an error rather than an empty string, so a misspelt field
fails a test instead of blanking a report. :func:`environment` gives them.

Compiled templates are kept between runs, as Python keeps ``.pyc`` files.
Compiling the three templates (report HTML, report Markdown, the index) takes
about 0.16 s of every run's start-up, more than rendering a hundred reports;
loading their compiled code takes a few milliseconds. Jinja keys each entry by
the template's name and checks it against a digest of the template's source,
so an edited template is compiled again.

The entries hold template code only, never anything from a resume. They live
where Jinja puts them by default: a directory of the system temp folder that
only this user may open (Jinja refuses any other). A cache that cannot be kept
(no safe directory, a full disk, a damaged entry) costs the compile and
nothing else.
"""

from __future__ import annotations

import pickle
from functools import cache
from typing import Any

import jinja2
from jinja2.bccache import Bucket


class TemplateBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, for which a failure to read or write an entry is a miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@cache
def template_bytecode() -> jinja2.BytecodeCache | None:
    """This user's template bytecode cache, or None where no safe directory can be had."""
    try:
        return TemplateBytecode()
    except (OSError, RuntimeError):
        return None


def environment(package: str, **options: Any) -> jinja2.Environment:
    """The environment of ``package``'s ``templates/`` folder, with the shared settings and ``options`` (escaping, finalize)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        bytecode_cache=template_bytecode(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        **options,
    )
