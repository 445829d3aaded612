"""The structure stage on reader-neutral lines: headings, sections, entries, bullets."""

from __future__ import annotations

import pytest

from screener.document import BoxRef, SectionKind
from screener.structure.builder import build_document
from screener.structure.entries import flow_text
from screener.structure.hyphens import BrokenWords
from screener.structure.source import SourceLine


def pdf_line(text, top, *, x0=50.0, size=10.0, bold=False, new_block=False, column=0, page=1, wrapped=False):
    box = BoxRef(page=page, x0=x0, top=top, x1=x0 + 6 * len(text), bottom=top + size)
    return SourceLine(text=text, page=page, column=column, size=size, bold=bold, box=box, new_block=new_block, wrapped=wrapped)


def build(lines, vocab, fmt="pdf"):
    return build_document(lines, source="test", format=fmt, vocab=vocab)


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Professional Experience", SectionKind.EXPERIENCE),
        ("EMPLOYMENT HISTORY", SectionKind.EXPERIENCE),
        ("Work History:", SectionKind.EXPERIENCE),
        ("E X P E R I E N C E", SectionKind.EXPERIENCE),
        ("Toolbox", SectionKind.SKILLS),
        ("Skills & Tools", SectionKind.SKILLS),
        ("Selected Projects", SectionKind.PROJECTS),
        ("About Me", SectionKind.SUMMARY),
        ("Licenses & Certifications", SectionKind.CERTIFICATIONS),
        ("Publications", SectionKind.PUBLICATIONS),
        ("Education", SectionKind.EDUCATION),
        ("Portfolio", SectionKind.PORTFOLIO),
        ("02. Education", SectionKind.EDUCATION),
    ],
)
def test_when_a_heading_variant_is_printed_then_its_section_kind_is_found(vocab, heading, kind):
    doc = build(
        [pdf_line("Ada Example", 20, size=18, bold=True), pdf_line(heading, 60, bold=True, new_block=True), pdf_line("Some words under it.", 75)], vocab
    )
    assert [s.kind for s in doc.sections] == [SectionKind.CONTACT, kind]
    assert doc.sections[1].heading == heading


def test_when_the_name_is_large_then_it_does_not_open_a_section(vocab):
    doc = build(
        [pdf_line("Ada Example", 20, size=22, bold=True), pdf_line("ada@example.com", 45), pdf_line("Experience", 80, size=13, bold=True, new_block=True)],
        vocab,
    )
    assert doc.sections[0].kind == SectionKind.CONTACT
    assert "Ada Example" in doc.text[doc.sections[0].span.start : doc.sections[0].span.end]


def test_when_a_large_unknown_heading_follows_a_known_one_then_it_opens_an_other_section(vocab):
    lines = [
        pdf_line("Ada Example", 20, size=22, bold=True),
        pdf_line("Experience", 60, size=13, bold=True, new_block=True),
        pdf_line("Volunteering Adventures", 200, size=13, bold=True, new_block=True),
        pdf_line("Helped at a food bank every week and ran the volunteer rota for two years.", 215),
    ]
    assert [s.kind for s in build(lines, vocab).sections] == [SectionKind.CONTACT, SectionKind.EXPERIENCE, SectionKind.OTHER]


def test_when_an_entry_has_a_title_line_and_bullets_then_fields_are_split(vocab):
    lines = [
        pdf_line("Experience", 60, size=13, bold=True, new_block=True),
        pdf_line("Senior AI Engineer — Northwind Health\tMar 2022 – Present", 80, bold=True, new_block=True),
        pdf_line("Austin, TX", 92),
        pdf_line("• Shipped a RAG assistant serving 40k tickets a month; cut p95", 106, new_block=True),
        pdf_line("latency to 900 ms.", 118, x0=60),
        pdf_line("• Built evals for answer faithfulness.", 130),
        pdf_line("ML Engineer, Acme Corp\t2019 – 2021", 150, bold=True, new_block=True),
        pdf_line("- Trained churn models in XGBoost.", 164, new_block=True),
    ]
    doc = build(lines, vocab)
    first, second = doc.section(SectionKind.EXPERIENCE).entries
    assert (first.title, first.organisation, first.location) == ("Senior AI Engineer", "Northwind Health", "Austin, TX")
    assert first.dates.current and str(first.dates.start) == "2022-03"
    assert [b.text for b in first.bullets] == [
        "Shipped a RAG assistant serving 40k tickets a month; cut p95 latency to 900 ms.",
        "Built evals for answer faithfulness.",
    ]
    assert (second.title, second.organisation, str(second.dates.start), str(second.dates.end)) == ("ML Engineer", "Acme Corp", "2019", "2021")
    assert [b.marker for b in second.bullets] == ["-"]


def test_when_a_wrapped_bullet_line_is_not_indented_then_it_is_a_new_paragraph(vocab):
    lines = [
        pdf_line("Projects", 60, size=13, bold=True, new_block=True),
        pdf_line("• A bullet that ends here.", 80, new_block=True),
        pdf_line("A new paragraph at the margin.", 110, new_block=True),
    ]
    blocks = build(lines, vocab).sections[-1].blocks
    assert [b.kind for b in blocks] == ["bullet", "paragraph"]


def test_when_an_entry_has_prose_without_markers_then_each_paragraph_is_a_bullet(vocab):
    lines = [
        pdf_line("Projects", 60, size=13, bold=True, new_block=True),
        pdf_line("Support Assistant\t2023", 80, bold=True, new_block=True),
        pdf_line("Deployed a retrieval assistant for the support team and measured deflection weekly.", 95, new_block=True),
    ]
    entry = build(lines, vocab).section(SectionKind.PROJECTS).entries[0]
    assert entry.title == "Support Assistant"
    assert [b.marker for b in entry.bullets] == [None]


def _experience(header: str = "ML Engineer, Acme\t2020 - Present") -> list[SourceLine]:
    """An Experience heading and one bold entry header under it."""
    return [pdf_line("Experience", 60, size=13, bold=True, new_block=True), pdf_line(header, 80, bold=True, new_block=True)]


def _narrow_column_entry(*paragraphs: list[str]) -> list[SourceLine]:
    """An entry whose bullets are paragraphs of four-word lines, as a narrow column of an HTML resume prints them (no markers)."""
    lines = _experience()
    top = 95
    for paragraph in paragraphs:
        for index, text in enumerate(paragraph):
            lines.append(pdf_line(text, top, new_block=not lines[-1].wrapped and index == 0, wrapped=index < len(paragraph) - 1))
            top += 12
    return lines


def test_when_a_narrow_column_wraps_each_bullet_over_short_lines_then_each_paragraph_is_one_bullet(vocab):
    """Judged line by line, four-word lines were header lines: the bullets became the entry's organisation."""
    lines = _narrow_column_entry(
        ["Shipped a retrieval augmented", "generation service using vector", "database search in production."],
        ["Built feature store pipelines", "and drift monitoring for fraud", "models serving 2M users."],
    )
    entry = build(lines, vocab).section(SectionKind.EXPERIENCE).entries[0]
    assert entry.organisation == "Acme"
    assert [b.text for b in entry.bullets] == [
        "Shipped a retrieval augmented generation service using vector database search in production.",
        "Built feature store pipelines and drift monitoring for fraud models serving 2M users.",
    ]


def test_when_a_bullets_last_line_comes_just_before_the_next_dated_header_then_it_stays_in_the_bullet(vocab):
    """A short last line followed by a dated line looked like the next entry's first header line."""
    lines = _narrow_column_entry(["Set up drift monitoring with Evidently and MLflow model registry;", "caught two regressions before release."])
    lines.append(pdf_line("Data Scientist, Initech\t2017 - 2020", 140, bold=True, new_block=True))
    entries = build(lines, vocab).section(SectionKind.EXPERIENCE).entries
    assert [b.text for b in entries[0].bullets] == ["Set up drift monitoring with Evidently and MLflow model registry; caught two regressions before release."]
    assert entries[1].title == "Data Scientist"


def test_when_a_line_wraps_short_but_the_sentence_goes_on_in_lower_case_then_the_bullet_goes_on(vocab):
    """A paragraph is split where a line ends short and the next starts a sentence, not inside a sentence."""
    lines = _narrow_column_entry(["Worked in various types of teams from research teams to national league"], ["hockey, and coached the university team for two years."])
    entry = build(lines, vocab).section(SectionKind.EXPERIENCE).entries[0]
    assert len(entry.bullets) == 1


def test_when_a_bullet_is_set_with_loose_leading_then_its_lower_case_lines_continue_it(vocab):
    """Every line a paragraph's gap below the last (024's leading): a line going on mid-sentence is still the bullet's."""
    lines = _experience() + [
        pdf_line("\u2022 Paved the way for platform expansion by evaluating vendors as", 100, new_block=True),
        pdf_line("on-ramps for the application, and assessed each one.", 120, x0=62, new_block=True),
        pdf_line("\u2022 Played a key role in the passage of the act.", 140, new_block=True),
    ]
    entry = build(lines, vocab).section(SectionKind.EXPERIENCE).entries[0]
    assert [b.text for b in entry.bullets] == [
        "Paved the way for platform expansion by evaluating vendors as on-ramps for the application, and assessed each one.",
        "Played a key role in the passage of the act.",
    ]


def test_when_a_sentence_stands_just_above_the_next_dated_header_then_it_is_the_last_bullet_not_a_header_line(vocab):
    """A markerless bullet right before a bold dated line was read as that entry's organisation (a Word paragraph list)."""
    lines = _experience("Senior ML Engineer, Klarvik Bank\t2021 - Present") + [
        pdf_line("Trained credit risk models with LightGBM on 12M applications in production.", 95, new_block=True),
        pdf_line("Built the feature store on Feast and the retraining pipeline in Airflow.", 110, new_block=True),
        pdf_line("Data Scientist, Nordpay\t2018 - 2021", 130, bold=True, new_block=True),
        pdf_line("Shipped a fraud model in XGBoost that cut chargebacks by 23%.", 145, new_block=True),
    ]
    entries = build(lines, vocab).section(SectionKind.EXPERIENCE).entries
    assert [len(entry.bullets) for entry in entries] == [2, 1]
    assert (entries[1].title, entries[1].organisation) == ("Data Scientist", "Nordpay")


def test_when_a_page_number_sits_between_bullets_then_it_is_not_an_entry(vocab):
    lines = [
        pdf_line("Experience", 60, size=13, bold=True, new_block=True),
        pdf_line("Data Scientist, Lakeside Labs\t2018 – 2020", 80, bold=True, new_block=True),
        pdf_line("• Built features.", 95, new_block=True),
        pdf_line("2", 780, new_block=True),
        pdf_line("• Deployed the model.", 40, new_block=True, page=2),
    ]
    entries = build(lines, vocab).section(SectionKind.EXPERIENCE).entries
    assert len(entries) == 1 and len(entries[0].bullets) == 2


def test_when_two_dated_headers_follow_each_other_then_they_are_two_entries(vocab):
    lines = [
        pdf_line("Education", 60, size=13, bold=True, new_block=True),
        pdf_line("M.S. Computer Science, Lakeside University\t2014 – 2016", 80, new_block=True),
        pdf_line("B.S. Mathematics, Hillview College\t2010 – 2014", 94),
    ]
    entries = build(lines, vocab).section(SectionKind.EDUCATION).entries
    assert [(e.title, e.organisation) for e in entries] == [("M.S. Computer Science", "Lakeside University"), ("B.S. Mathematics", "Hillview College")]


def test_when_markdown_headings_are_explicit_then_deeper_levels_head_entries(vocab):
    lines = [
        SourceLine("Ada Example", heading_level=1, new_block=True),
        SourceLine("Experience", heading_level=2, new_block=True),
        SourceLine("Staff ML Engineer — Fabrikam", heading_level=3, new_block=True),
        SourceLine("Jan 2020 – Present", new_block=True),
        SourceLine("- Owned the feature store.", list_item=True, new_block=True),
    ]
    doc = build(lines, vocab, fmt="markdown")
    assert [s.kind for s in doc.sections] == [SectionKind.CONTACT, SectionKind.EXPERIENCE]
    entry = doc.section(SectionKind.EXPERIENCE).entries[0]
    assert (entry.title, entry.organisation, entry.dates.current) == ("Staff ML Engineer", "Fabrikam", True)
    assert [b.text for b in entry.bullets] == ["Owned the feature store."]


def test_when_spans_are_taken_then_they_point_at_the_text(vocab):
    lines = [
        pdf_line("Experience", 60, size=13, bold=True, new_block=True),
        pdf_line("Engineer, Foo Inc\t2019 – 2020", 80, new_block=True),
        pdf_line("• Did a thing.", 95, new_block=True),
    ]
    doc = build(lines, vocab)
    for block in doc.blocks:
        assert doc.text[block.span.start : block.span.end] == block.text
    bullet = doc.entries[0].bullets[0]
    assert "Did a thing." in doc.text[bullet.span.start : bullet.span.end]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/ada", "github"),
        ("https://www.linkedin.com/in/ada", "linkedin"),
        ("https://huggingface.co/ada", "huggingface"),
        ("https://www.kaggle.com/ada", "kaggle"),
        ("https://scholar.google.com/citations?user=x", "scholar"),
        ("https://arxiv.org/abs/2401.00001", "arxiv"),
        ("https://ada.dev", "personal_site"),
        ("mailto:ada@example.com", "email"),
        ("https://twitter.com/ada", "other"),
    ],
)
def test_when_a_link_is_printed_then_it_is_classified(vocab, url, kind):
    text = url.removeprefix("mailto:")
    doc = build([pdf_line(f"Links: {text}", 20)], vocab)
    assert [link.kind.value for link in doc.links] == [kind]


def test_when_a_document_title_names_a_portfolio_then_the_whole_document_is_that_section(vocab):
    lines = [
        SourceLine("Ada Example — Project Portfolio", heading_level=1, new_block=True),
        SourceLine("Support assistant", heading_level=2, new_block=True),
        SourceLine("Northwind Health · 2023 – 2024", new_block=True),
        SourceLine("- Shipped to 40k users.", list_item=True, new_block=True),
        SourceLine("Churn model", heading_level=2, new_block=True),
        SourceLine("- Trained in XGBoost.", list_item=True, new_block=True),
    ]
    doc = build(lines, vocab, fmt="markdown")
    assert [s.kind for s in doc.sections] == [SectionKind.PORTFOLIO]
    assert [(e.title, e.organisation) for e in doc.sections[0].entries] == [("Support assistant", "Northwind Health"), ("Churn model", None)]


def test_when_a_label_line_introduces_bullets_then_it_is_not_a_header_field(vocab):
    lines = [
        pdf_line("Experience", 60, size=13, bold=True, new_block=True),
        pdf_line("ML Engineer, Acme Corp", 80, bold=True, new_block=True),
        pdf_line("Jan 2020 – Present", 92),
        pdf_line("Key achievements:", 104),
        pdf_line("• Shipped the ranking model.", 118, new_block=True),
    ]
    entry = build(lines, vocab).section(SectionKind.EXPERIENCE).entries[0]
    assert (entry.title, entry.organisation, len(entry.bullets)) == ("ML Engineer", "Acme Corp", 1)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Senior Engineer", True),  # a word, case aside
        ("Engineer.", True),  # a trailing full stop aside
        ("Engineering", False),  # whole words only
        ("Head of Data, Acme", True),  # a phrase, as part of the text
        ("Data head, Acme", False),  # a phrase in its own order only
    ],
)
def test_when_a_header_piece_is_looked_up_then_words_match_whole_and_phrases_inside(text, found):
    from screener.vocabulary import WordSet

    assert WordSet.of(["engineer", "head of data"]).found_in(text) is found


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Demo at https://localhost:8080 for the team", ["https://localhost:8080"]),
        ("See WWW.Example.COM.", ["https://WWW.Example.COM"]),
        ("Code: github.com/ada/rag-service, talk below", ["https://github.com/ada/rag-service"]),
        ("Shipped the retrieval service to 2M users.", []),  # no "/" and no "www.": the pattern is never run
        ("Write to ada@example.com", ["mailto:ada@example.com"]),
    ],
)
def test_when_a_line_prints_a_link_then_it_is_found_in_every_form(text, urls, vocab):
    from screener.structure.links import links_in_text

    assert [link.url for link in links_in_text(text, 1, vocab)] == urls


@pytest.mark.parametrize(
    ("text", "syllables", "flowed"),
    [
        ("deploy-\nment of the model", True, "deployment of the model"),  # TeX's syllable break is mended away
        ("deploy-\nment of the model", False, "deploy-ment of the model"),  # a word processor breaks only at typed hyphens
        ("user-\nfriendly search", False, "user-friendly search"),  # ... so the compound stays one word
        ("state-of-the-\nart models", True, "state-of-the-art models"),  # TeX breaks a hyphenated word only at its hyphens
        ("end-to-\nend, multi-\nagent-based", True, "end-to-end, multi-agent-based"),
        ("state-of-the-art\nmodels", True, "state-of-the-art models"),  # hyphens inside a line stay
        ("PyTorch-\nLightning", True, "PyTorch-Lightning"),  # a capital after the break: a compound, read whole
        ("COVID-\n19 triage, 2019-\n2021", True, "COVID-19 triage, 2019-2021"),  # so is a digit
        ("cut cost -\nby half\tin Q3", True, "cut cost - by half in Q3"),  # a dash after a space is punctuation
        ("cut cost -\nby half\tin Q3", False, "cut cost - by half in Q3"),
    ],
)
def test_block_text_flows_onto_one_line_mending_words_broken_at_a_line_end_as_their_typesetter_broke_them(
    text: str, syllables: bool, flowed: str
) -> None:
    assert flow_text(text, BrokenWords(syllables=syllables)) == flowed


def test_when_a_hyphenating_typesetter_breaks_a_compound_the_document_writes_whole_elsewhere_then_it_stays_whole() -> None:
    text = "Skills: scikit-learn, PyTorch\n\nTrained ranking models with scikit-\nlearn and al-\ngorithms of our own"
    breaks = BrokenWords.of(text, hyphenates=True)
    assert flow_text(text.split("\n\n")[1], breaks) == "Trained ranking models with scikit-learn and algorithms of our own"
    assert flow_text(text.split("\n\n")[1], BrokenWords(syllables=True)) == "Trained ranking models with scikitlearn and algorithms of our own"
