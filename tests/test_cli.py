"""The command line: exact user-visible output and exit codes, through click's runner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from screener.cli import main

from .conftest import REPO
from .pdf_fixtures import encrypted_pdf, single_column_pdf

SAMPLE_PDF = REPO / "samples" / "resumes" / "nadia-okafor.pdf"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_when_parse_prints_an_outline_then_sections_and_entries_show():
    result = run("parse", SAMPLE_PDF)
    assert result.exit_code == 0, result.output
    assert "├─ EXPERIENCE “Professional Experience”" in result.output
    assert "Senior AI Engineer @ Northwind Health · Remote [2022-03 → present]" in result.output


def test_when_parse_prints_json_then_it_is_the_whole_document():
    result = run("parse", SAMPLE_PDF, "--format", "json")
    data = json.loads(result.output)
    assert data["schema_version"] == 1
    assert data["format"] == "pdf"
    assert {s["kind"] for s in data["sections"]} >= {"experience", "skills", "education"}
    assert data["text"].startswith("Nadia Okafor")


def test_when_parse_prints_text_then_blocks_are_separated_by_blank_lines():
    result = run("parse", SAMPLE_PDF, "--format", "text")
    assert result.exit_code == 0
    assert result.output.startswith("Nadia Okafor\n")
    assert "\n\nProfessional Experience\n\n" in result.output


def test_when_a_file_cannot_be_read_then_status_and_message_go_to_stderr_with_exit_1(tmp_path):
    result = run("parse", encrypted_pdf(tmp_path / "locked.pdf"))
    assert result.exit_code == 1
    assert result.stderr == "encrypted: the PDF needs a password\n"
    assert result.stdout == ""


def test_when_a_file_type_is_unsupported_then_the_status_says_so(tmp_path):
    sheet = tmp_path / "cv.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    result = run("parse", sheet)
    assert result.exit_code == 1
    assert result.stderr.startswith("unsupported: unsupported file type .xlsx")


def test_when_the_path_does_not_exist_then_click_reports_a_usage_error(tmp_path):
    result = run("parse", tmp_path / "missing.pdf")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_when_parse_is_given_a_folder_then_each_candidate_is_summarised(tmp_path):
    single_column_pdf(tmp_path / "ada.pdf", [("Experience", ["Engineer, Foo Inc"])], dates={"Engineer, Foo Inc": "2019 – 2021"})
    (tmp_path / "bob").mkdir()
    single_column_pdf(tmp_path / "bob" / "resume.pdf", [("Education", ["B.S. Physics, Lakeside University"])])
    (tmp_path / "notes.xlsx").write_bytes(b"x")
    encrypted_pdf(tmp_path / "carol.pdf")
    result = run("parse", tmp_path)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "ada  (ada.pdf)" in lines
    assert any(line.startswith("  ada.pdf: ok sections=experience entries=1 dated=1") for line in lines)
    assert "  bob/resume.pdf: ok sections=education entries=1 dated=0 bullets=0 links=-" in lines
    assert "  carol.pdf: encrypted: the PDF needs a password" in lines
    assert lines[-1] == "3 candidate(s), 2 document(s) read, 1 skipped"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize(("path", "command"), list(_commands(main)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_when_a_command_asks_for_help_then_it_shows_an_example(path, command):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "screener " + " ".join(path) in result.output


def _readme_commands() -> list[list[str]]:
    """Every `.venv/bin/screener ...` line in the README's shell blocks, as argv."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(".venv/bin/screener "):
                commands.append(line.split()[1:])
    return commands


def test_when_the_readme_shows_commands_then_each_runs(monkeypatch, tmp_path):
    commands = _readme_commands()
    assert commands, "the README shows no screener command"
    monkeypatch.chdir(REPO)
    for argv in commands:
        # Sample inputs stay; outputs go to a temporary folder, never into the checkout.
        argv = [str(SAMPLE_PDF) if arg == "resume.pdf" else str(tmp_path / arg) if arg.startswith("out/") else arg for arg in argv]
        result = run(*argv)
        assert result.exit_code == 0, (argv, result.output, result.stderr)


_CHILD = """
import os, sys
import screener.cli as cli
imported_early = "numpy" in sys.modules

def main():
    import numpy  # noqa: F401 - as a screening run does, after run() has set the environment
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 0
    print(imported_early, os.environ["OPENBLAS_NUM_THREADS"], threads)

cli.main = main
cli.run()
"""


@pytest.mark.parametrize(("chosen", "expected"), [(None, "1"), ("2", "2")])
def test_the_console_script_runs_numpy_with_one_blas_thread_unless_the_user_chose_otherwise(chosen, expected):
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    if chosen is not None:
        env["OPENBLAS_NUM_THREADS"] = chosen
    imported_early, setting, threads = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert imported_early == "False"  # importing the CLI must not import numpy, or the setting comes too late
    assert setting == expected
    if chosen is None and int(threads):
        assert int(threads) == 1  # numpy started no thread of its own
