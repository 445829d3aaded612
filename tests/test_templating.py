"""Compiled templates kept between runs: used when they match, compiled again when not, never a failure."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from screener.templating import TemplateBytecode, template_bytecode

SOURCE = "{% for x in items %}<{{ x }}>{% endfor %}"


def environment(cache: jinja2.BytecodeCache | None, source: str = SOURCE) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader({"t.j2": source}), autoescape=True, bytecode_cache=cache)


def no_compiling(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the template was compiled, not loaded from the cache")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_a_kept_template_is_loaded_without_compiling(tmp_path, monkeypatch):
    expected = environment(None).get_template("t.j2").render(items=["a", "<b>"])
    assert environment(TemplateBytecode(str(tmp_path))).get_template("t.j2").render(items=["a", "<b>"]) == expected
    assert len(list(tmp_path.iterdir())) == 1
    no_compiling(monkeypatch)
    assert environment(TemplateBytecode(str(tmp_path))).get_template("t.j2").render(items=["a", "<b>"]) == expected == "<a><&lt;b&gt;>"


def test_an_edited_template_is_compiled_again(tmp_path):
    environment(TemplateBytecode(str(tmp_path))).get_template("t.j2")
    edited = environment(TemplateBytecode(str(tmp_path)), source="{{ items|length }}")
    assert edited.get_template("t.j2").render(items=[1, 2, 3]) == "3"


def test_a_damaged_entry_is_a_miss(tmp_path):
    environment(TemplateBytecode(str(tmp_path))).get_template("t.j2")
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:40])
    assert environment(TemplateBytecode(str(tmp_path))).get_template("t.j2").render(items=[1]) == "<1>"


def test_a_cache_that_cannot_be_written_costs_only_the_compile(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    assert environment(TemplateBytecode(str(blocked))).get_template("t.j2").render(items=[1]) == "<1>"


def test_the_reports_and_the_index_use_the_users_cache(monkeypatch):
    from screener import index_page
    from screener.reports import template_environment

    cache = template_bytecode()
    if cache is None:
        pytest.skip("no safe temp directory for Jinja's bytecode cache here")
    assert Path(cache.directory).stat().st_mode & 0o077 == 0  # only this user may open it
    assert template_environment().bytecode_cache is cache
    assert index_page._environment().bytecode_cache is cache
