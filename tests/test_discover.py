"""Discovery (DESIGN §2): which files and folders are candidates, their ids, and what is skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from screener.discover import MAX_ID_LENGTH, CandidateInput, discover, slugify, unique_ids
from screener.errors import ScreenerError


def make_tree(root: Path, files: list[str]) -> Path:
    """Create ``files`` (relative paths; a trailing "/" makes an empty folder) under ``root``."""
    for name in files:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 stand-in for " + name.encode())
    return root


def summary(candidates: tuple[CandidateInput, ...], root: Path) -> list[tuple[str, str, str, list[str]]]:
    return [(c.candidate_id, c.source, c.kind, [d.relative_to(root.resolve()).as_posix() for d in c.documents]) for c in candidates]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def test_when_a_folder_has_files_and_sub_folders_then_each_is_one_candidate(tmp_path):
    root = make_tree(
        tmp_path / "in",
        [
            "jane-doe.pdf",
            "Omar.DOCX",
            "notes.markdown",
            "bob/resume.pdf",
            "bob/work/portfolio.md",
            "bob/work/deep/er/case-study.txt",
            "bob/photo.jpg",
        ],
    )
    found = discover(root)
    assert summary(found.candidates, root) == [
        ("bob", "bob", "folder", ["bob/resume.pdf", "bob/work/deep/er/case-study.txt", "bob/work/portfolio.md"]),
        ("jane-doe", "jane-doe.pdf", "file", ["jane-doe.pdf"]),
        ("notes", "notes.markdown", "file", ["notes.markdown"]),
        ("omar", "Omar.DOCX", "file", ["Omar.DOCX"]),
    ]
    assert [(s.path, s.reason) for s in found.skipped] == [("bob/photo.jpg", "unsupported file type .jpg")]


@pytest.mark.parametrize("spelling", ["relative", "absolute", "symlink"])
def test_documents_are_named_relative_to_the_screened_folder_however_it_is_spelled(tmp_path, monkeypatch, spelling):
    """``bob/work/cv.pdf``, not ``cv.pdf``: a bare name would differ by how INPUT was typed (and so would the
    report cache key), and would name two ``cv.pdf`` of one candidate alike."""
    root = make_tree(tmp_path / "in", ["bob/resume.pdf", "bob/work/cv.pdf", "bob/school/cv.pdf", "jane.pdf"])
    monkeypatch.chdir(tmp_path)
    given = {"relative": Path("in"), "absolute": root.resolve()}.get(spelling)
    if given is None:
        (tmp_path / "link").symlink_to(root, target_is_directory=True)
        given = Path("link")
    found = discover(given)
    named = {c.source: [relative for _, relative in c.sources(given)] for c in found.candidates}
    assert named == {"bob": ["bob/resume.pdf", "bob/school/cv.pdf", "bob/work/cv.pdf"], "jane.pdf": ["jane.pdf"]}


def test_a_single_file_input_is_named_by_its_file_name(tmp_path, monkeypatch):
    make_tree(tmp_path / "in", ["jane.pdf"])
    monkeypatch.chdir(tmp_path / "in")
    (candidate,) = discover(Path("jane.pdf")).candidates
    assert [relative for _, relative in candidate.sources(Path("jane.pdf"))] == ["jane.pdf"]


def test_when_files_are_hidden_unsupported_or_folders_empty_then_they_are_skipped_with_a_reason(tmp_path):
    root = make_tree(
        tmp_path / "in",
        [
            ".DS_Store",
            ".secret.pdf",
            "~$resume.docx",
            ".git/config.txt",
            "__MACOSX/._resume.pdf",
            "scores.xlsx",
            "README",
            "empty/",
            "only-images/cv.png",
            "carol/.hidden.pdf",
            "carol/cv.pdf",
        ],
    )
    found = discover(root)
    assert [c.source for c in found.candidates] == ["carol"]
    assert [(s.path, s.reason) for s in found.skipped] == [
        (".DS_Store", "hidden"),
        (".git", "hidden"),
        (".secret.pdf", "hidden"),
        ("__MACOSX", "hidden"),
        ("carol/.hidden.pdf", "hidden"),
        ("empty", "empty folder"),
        ("only-images", "no supported files"),
        ("only-images/cv.png", "unsupported file type .png"),
        ("README", "unsupported file type (no extension)"),
        ("scores.xlsx", "unsupported file type .xlsx"),
        ("~$resume.docx", "hidden"),
    ]


@pytest.mark.parametrize(
    ("names", "ids"),
    [
        (["Jane Doe.pdf", "jane-doe.pdf"], ["jane-doe", "jane-doe-2"]),
        (["jane-doe/", "jane-doe.docx", "jane-doe.pdf"], ["jane-doe", "jane-doe-2", "jane-doe-3"]),
        (["Jane Doe.pdf", "jane-doe-2.pdf", "jane-doe.pdf"], ["jane-doe", "jane-doe-2", "jane-doe-3"]),
        (["Jose Nunez.docx", "José Núñez.pdf"], ["jose-nunez", "jose-nunez-2"]),
        (["张伟.pdf", "李娜.pdf"], ["candidate", "candidate-2"]),
    ],
)
def test_when_names_slug_to_the_same_id_then_later_ones_get_numbered_suffixes(tmp_path, names, ids):
    """``names`` are in sorted source order: the first keeps the plain id."""
    root = tmp_path / "in"
    make_tree(root, names)
    for name in names:
        if name.endswith("/"):
            (root / name / "cv.pdf").write_bytes(b"%PDF")
    first = discover(root)
    by_source = {c.source: c.candidate_id for c in first.candidates}
    assert [by_source[n.rstrip("/")] for n in names] == ids
    assert discover(root) == first  # stable from run to run


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Jane Doe", "jane-doe"),
        ("  --Jane__Doe--  ", "jane-doe"),
        ("José Núñez", "jose-nunez"),
        ("Zoë Ærøskøbing-Straße", "zoe-aeroskobing-strasse"),
        ("Łukasz Đorđević", "lukasz-dordevic"),
        ("O'Brien, Siobhán (2024) [final]", "o-brien-siobhan-2024-final"),
        ("张伟", "candidate"),
        ("", "candidate"),
        ("CON", "con-candidate"),
        ("x" * 200, "x" * MAX_ID_LENGTH),
        ("a" * 79 + " b", "a" * 79),
    ],
)
def test_when_a_name_is_slugged_then_the_id_is_filesystem_safe(name, slug):
    assert slugify(name) == slug


def test_when_a_long_id_collides_then_the_suffix_still_fits_the_length_limit():
    base = "x" * MAX_ID_LENGTH
    ids = unique_ids([base, base])
    assert ids == [base, "x" * (MAX_ID_LENGTH - 2) + "-2"]
    assert all(len(i) <= MAX_ID_LENGTH for i in ids)


def test_when_the_input_is_a_single_file_then_it_is_the_one_candidate(tmp_path):
    path = make_tree(tmp_path, ["Jane Doe.PDF"]) / "Jane Doe.PDF"
    found = discover(path)
    assert summary(found.candidates, tmp_path) == [("jane-doe", "Jane Doe.PDF", "file", ["Jane Doe.PDF"])]
    assert found.skipped == ()


def test_when_the_input_is_a_single_unsupported_file_then_it_is_skipped(tmp_path):
    path = make_tree(tmp_path, ["scores.xlsx"]) / "scores.xlsx"
    found = discover(path)
    assert found.candidates == ()
    assert [(s.path, s.reason) for s in found.skipped] == [("scores.xlsx", "unsupported file type .xlsx")]


def test_when_the_input_is_missing_then_a_screener_error_names_it(tmp_path):
    with pytest.raises(ScreenerError, match="input not found: .*nowhere"):
        discover(tmp_path / "nowhere")


symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")


@symlinks
def test_when_a_sub_folder_holds_a_symlink_loop_then_discovery_ends_and_skips_it(tmp_path):
    root = make_tree(tmp_path / "in", ["bob/resume.pdf", "bob/nested/cv.txt"])
    (root / "bob" / "nested" / "loop").symlink_to(root / "bob", target_is_directory=True)
    (root / "bob" / "self").symlink_to("self")  # a link to itself
    (root / "bob" / "a.pdf").symlink_to("b.pdf")
    (root / "bob" / "b.pdf").symlink_to("a.pdf")
    found = discover(root)
    assert summary(found.candidates, root) == [("bob", "bob", "folder", ["bob/nested/cv.txt", "bob/resume.pdf"])]
    assert [(s.path, s.reason) for s in found.skipped] == [
        ("bob/a.pdf", "broken symlink"),
        ("bob/b.pdf", "broken symlink"),
        ("bob/nested/loop", "symlink"),
        ("bob/self", "broken symlink"),
    ]


@symlinks
def test_when_files_are_symlinked_then_only_targets_inside_the_input_are_read(tmp_path):
    outside = make_tree(tmp_path / "elsewhere", ["secret.pdf", "folder/cv.pdf"])
    root = make_tree(tmp_path / "in", ["store/jane.pdf", "bob/cv.pdf"])
    (root / "jane.pdf").symlink_to(root / "store" / "jane.pdf")
    (root / "leak.pdf").symlink_to(outside / "secret.pdf")
    (root / "linked-folder").symlink_to(outside / "folder", target_is_directory=True)
    (root / "bob" / "again.pdf").symlink_to(root / "bob" / "cv.pdf")  # the same document twice
    found = discover(root)
    assert summary(found.candidates, root) == [
        ("bob", "bob", "folder", ["bob/cv.pdf"]),
        ("jane", "jane.pdf", "file", ["store/jane.pdf"]),
        ("store", "store", "folder", ["store/jane.pdf"]),
    ]
    assert [(s.path, s.reason) for s in found.skipped] == [
        ("leak.pdf", "symlink outside the input folder"),
        ("linked-folder", "symlink"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_when_a_supported_name_is_not_a_regular_file_then_it_is_skipped_not_opened(tmp_path):
    root = make_tree(tmp_path / "in", ["ok.pdf"])
    os.mkfifo(root / "pipe.txt")  # reading it would block forever
    found = discover(root)
    assert [c.source for c in found.candidates] == ["ok.pdf"]
    assert [(s.path, s.reason) for s in found.skipped] == [("pipe.txt", "not a regular file")]


def test_when_the_output_folder_is_inside_the_input_then_it_can_be_excluded(tmp_path):
    root = make_tree(tmp_path / "in", ["jane.pdf", "out/candidates/jane.md"])
    found = discover(root, exclude=[root / "out"])
    assert [c.source for c in found.candidates] == ["jane.pdf"]
    assert [(s.path, s.reason) for s in found.skipped] == [("out", "output folder")]


def test_when_discovery_runs_then_the_input_folder_is_left_untouched(tmp_path):
    root = make_tree(tmp_path / "in", ["jane.pdf", "bob/cv.pdf", ".hidden", "x.xlsx", "empty/"])
    before = snapshot(root)
    discover(root)
    assert snapshot(root) == before


def test_when_models_are_built_then_they_are_frozen(tmp_path):
    root = make_tree(tmp_path / "in", ["jane.pdf"])
    candidate = discover(root).candidates[0]
    with pytest.raises(ValidationError):
        candidate.candidate_id = "other"  # type: ignore[misc]
