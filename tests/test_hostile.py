"""Hostile input: ``screener screen`` over generated hostile files, as a real subprocess.

Every case of ``tests/hostile.py`` is one candidate in a folder beside two good
resumes; the cases of a group share one run, and every group runs at the same
time as the baseline (the good resumes alone). The contract checked is
DESIGN §3's: the run completes (exit 0, within a bound), every candidate is a
row with a status and, when it failed, a one-line error, the good candidates'
rows equal the baseline's, no CSV cell runs as a formula, no page carries live
script, every JSON parses and the input folder is only read. ``make security``
prints the same cases as a table.
"""

from __future__ import annotations

import zlib

import pytest

from tests import hostile

pytestmark = pytest.mark.security

CASES = hostile.all_cases()
GROUPS = sorted({case.group for case in CASES})


@pytest.fixture(scope="module")
def screened(tmp_path_factory) -> tuple[hostile.Run, dict[str, hostile.Run], dict[str, hostile.RunReport]]:
    """Every group screened once, all runs at the same time."""
    baseline, runs = hostile.screen_all(tmp_path_factory.mktemp("hostile"), CASES)
    return baseline, runs, {group: hostile.check_run(run, baseline) for group, run in runs.items()}


def group_params(check: str) -> list:
    """One parameter per group; a group known to fail ``check`` is a strict expected failure with its reason."""
    params = []
    for group in GROUPS:
        reason = dict(hostile.GROUPS.get(group, hostile.Group()).xfail).get(check)
        params.append(pytest.param(group, id=group, marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else []))
    return params


def case_params() -> list:
    return [pytest.param(case, id=case.name, marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []) for case in CASES]


def _assert_none(findings: list[str]) -> None:
    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize("group", group_params("crashes"))
def test_when_a_hostile_folder_is_screened_then_the_run_exits_zero_within_the_bound_with_a_row_per_candidate(screened, group):
    """A hostile file is one failed row, never a failed run: the exit code, the time bound and the row count say so."""
    _, runs, reports = screened
    _assert_none(reports[group].crashes)
    assert runs[group].seconds <= hostile.RUN_BOUND


@pytest.mark.parametrize("case", case_params())
def test_when_a_hostile_case_is_screened_then_it_is_a_row_with_an_expected_status_and_a_one_line_error(screened, case):
    """Each case ends as a row with one of DESIGN §3's statuses (or is skipped and listed), failures with a one-line reason."""
    _, runs, _ = screened
    outcome = hostile.case_outcome(case, runs[case.group])
    assert outcome.ok, f"{case.name} ({case.what}): {'; '.join(outcome.problems)}"


@pytest.mark.parametrize("group", group_params("lost"))
def test_when_hostile_cases_sit_beside_good_resumes_then_the_good_rows_equal_the_baseline(screened, group):
    """A hostile neighbour must not change or lose anyone else's fits, role, skills or reports."""
    _, _, reports = screened
    _assert_none(reports[group].lost)


@pytest.mark.parametrize("group", group_params("formula_cells"))
def test_when_the_ranking_is_read_with_the_csv_module_then_no_text_cell_starts_like_a_formula(screened, group):
    """Names, folders, skill labels and errors that start with =, +, -, @, tab or CR are neutralised; numbers stay numbers."""
    _, _, reports = screened
    _assert_none(reports[group].formula_cells)


@pytest.mark.parametrize("group", group_params("live_script"))
def test_when_reports_and_the_index_are_parsed_then_no_page_carries_live_script(screened, group):
    """Only index.html's own script runs: no other <script>, no on* handler, no javascript: URL, in HTML or rendered Markdown."""
    _, _, reports = screened
    _assert_none(reports[group].live_script)


@pytest.mark.parametrize("group", group_params("bad_json"))
def test_when_a_hostile_folder_is_screened_then_every_json_output_parses(screened, group):
    """run.json and every candidate JSON are whole, valid JSON, whatever the names and text held."""
    _, _, reports = screened
    _assert_none(reports[group].bad_json)


@pytest.mark.parametrize("group", group_params("input_changed"))
def test_when_a_hostile_folder_is_screened_then_its_inputs_are_unchanged(screened, group):
    """Input files are only ever read: every entry's type, size, mtime, mode and hash are as before."""
    _, _, reports = screened
    _assert_none(reports[group].input_changed)


@pytest.mark.parametrize("group", group_params("stray_files"))
def test_when_names_carry_traversal_then_nothing_is_written_outside_the_output_folder(screened, group):
    """Odd names become slugs: the output folder holds only DESIGN §3's files, and nothing appears beside the input."""
    _, _, reports = screened
    _assert_none(reports[group].stray_files)


def test_when_the_shared_bad_corpus_is_present_then_each_broken_pdf_is_a_case():
    """The 25 broken real PDFs join the batch when ../shared is beside the checkout; the suite skips them cleanly otherwise."""
    if not hostile.BAD_CORPUS.is_dir():
        pytest.skip(f"{hostile.BAD_CORPUS} is absent")
    names = {case.name for case in CASES if case.name.startswith("corpus-")}
    assert len(names) == len(list(hostile.BAD_CORPUS.glob("*.pdf")))


def test_when_a_bomb_is_built_then_it_is_small_and_inflates_to_exactly_its_size():
    """The bombs are a sync-flushed Deflate block repeated: this proves the repetition inflates, checksum and all."""
    size = 64 << 20
    bomb = hostile.zero_bomb(size)
    assert len(bomb) < size // 500
    inflater, total, pending = zlib.decompressobj(), 0, bomb
    while pending:
        chunk = inflater.decompress(pending, 1 << 22)
        assert not chunk.strip(b"\x00")
        total += len(chunk)
        pending = inflater.unconsumed_tail
    assert inflater.eof and total == size  # zlib checked the Adler-32 trailer
    raw = hostile.zero_bomb(size, raw=True)
    assert len(zlib.decompress(raw, -15)) == size


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<p>safe &lt;script&gt;alert(1)&lt;/script&gt;</p><a href="https://example.com">x</a>', []),
        ("<script>alert(1)</script>", ["<script> element ('alert(1)')"]),
        ('<img src=x onerror="alert(1)">', ["<img onerror=...> handler"]),
        ('<a href=" JaVa\tScRiPt:alert(1)">x</a>', ["<a href=' JaVa\\tScRiPt:alert(1)'>"]),
        ('<svg><a xlink:href="javascript:alert(1)"/></svg>', ["<a xlink:href='javascript:alert(1)'>"]),
        ('<iframe src="https://example.com"></iframe>', ["<iframe> element"]),
    ],
)
def test_when_a_page_is_checked_then_live_script_is_found_and_escaped_text_is_not(html, found):
    """The checker must catch what it claims to, or an empty finding list proves nothing."""
    assert hostile.live_content(html) == found


def test_when_a_page_has_its_own_script_then_only_that_script_is_allowed():
    page = "<script>var a = 1;</script><script>alert(1)</script>"
    assert hostile.live_content(page, ("var a = 1;",)) == ["<script> element ('alert(1)')"]


def test_when_a_markdown_report_holds_raw_html_then_the_rendered_check_finds_it():
    """Markdown reports are checked as a viewer that passes HTML through would show them."""
    assert hostile.live_content(hostile.rendered_markdown("# x\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))\n")) == [
        "<img onerror=...> handler",
        "<a href='javascript:alert(1)'>",
    ]
    assert hostile.live_content(hostile.rendered_markdown("\\<img src=x onerror=alert(1)\\> \\[a\\](javascript:alert(1))")) == []


def test_when_a_file_name_holds_bytes_that_are_not_utf8_then_its_display_name_escapes_them():
    """Outputs are UTF-8: a lone surrogate from the file system once stopped the whole run at the first JSON it reached."""
    from screener.discover import display_name

    assert display_name("caf\udce9.txt") == "caf\\xe9.txt"
    assert display_name("José.pdf") == "José.pdf"
    assert display_name("caf\udce9.txt").encode("utf-8")


def test_when_a_docx_member_inflates_past_its_declared_size_then_the_container_check_refuses_it():
    """zipfile stops at the declared size, but only after one read() has inflated up to 2 GB: the check inflates a megabyte at a time."""
    from screener.errors import DocumentError
    from screener.ingest.docx_reader import check_container

    lying = hostile.docx_bytes([], document=hostile.bomb_member("word/document.xml", 1 << 30, declared=4096))
    with pytest.raises(DocumentError) as caught:
        check_container(lying)
    assert caught.value.status.value == "error" and "declares 4.0 KB" in caught.value.message
    check_container(hostile.docx_bytes(hostile.resume_text().splitlines()))  # an honest one passes


def test_when_utf16_text_lost_its_bom_then_it_is_decoded_not_called_binary():
    """NULs on one side of every byte pair are UTF-16 text; a binary file's fall on both sides."""
    from screener.errors import DocumentError
    from screener.ingest.text_reader import decode_text

    text = hostile.LATIN1_RESUME
    assert decode_text(text.encode("utf-16-le")) == text
    assert decode_text(text.encode("utf-16-be")) == text
    with pytest.raises(DocumentError):
        decode_text(b"\x7fELF\x02\x01\x01\x00" + bytes(64))


def test_when_raw_html_is_thousands_of_unclosed_tags_then_its_text_is_read_in_linear_time():
    """Lazy patterns with a back-reference rescanned the rest of the fragment from every unclosed <script>: quadratic."""
    import time

    from screener.ingest.markdown_reader import html_text

    assert html_text("<p>Shipped <b>RAG</b><br>at scale</p><script>alert(1)</script><!-- x -->tail &amp; more") == ["Shipped RAG", "at scale", "tail & more"]
    assert html_text("a <script> b") == ["a b"] and html_text("a <!-- b") == ["a <!-- b"]
    started = time.perf_counter()
    html_text("<script>" * 50_000 + "<!--a>" * 50_000 + "<style a>" * 50_000 + "<a" * 50_000)
    assert time.perf_counter() - started < 2.0
