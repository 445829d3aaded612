"""Counterfactual copies of a sample source: the same resume with one protected attribute changed.

Each swap takes a source dict (as ``samples/render.py`` loads it) and returns a changed deep copy;
the base is never modified. What a swap changes is printed the way a real resume prints it:

* ``swap_name``: the full name wherever it is printed, and the e-mail addresses, links and host
  names spelled from it (``nadia.okafor@``, ``github.com/nadiaokafor``, ``leilani.k@``,
  ``seun.example.org``), so no trace of the old name is left (:func:`name_leaks` checks);
* ``add_pronouns``: "(she/her)" in the headline, beside the name, or a "Pronouns:" line in the summary;
* ``swap_school``: every education organisation (wherever it is printed) to another school;
* ``swap_location``: the contact line's place and every entry's place ("Remote" stays remote);
* ``add_personal``: nationality, marital status, date of birth or age in the summary, the
  contact line, or a "Personal Details" section;
* ``reformat_dates``: every date range re-printed in another style with the same start and end;
* ``add_photo_*``: a portrait on the first page of a rendered PDF or DOCX, or in the Markdown.

:func:`variants_for` lists the copies of one source for a set of swap kinds; ``benchmarks/fairness.py``
renders, screens and compares them.
"""

from __future__ import annotations

import copy
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
if str(SAMPLES) not in sys.path:
    sys.path.insert(0, str(SAMPLES))
import render as samples_render  # noqa: E402  (samples/render.py, imported by path)

from screener.evaluate import map_strings  # noqa: E402

SOURCES_DIR = SAMPLES / "sources"

# --------------------------------------------------------------------------- what is swapped

#: Names across gender and origin, among them names that are also skills ("Ray", "Claude", "Rasa",
#: "Jax", "Kafka", "Luigi", "Spark"). Those outside latin-1 are rendered only where the output can
#: print them (see :func:`printable`).
NAMES = (
    "Emily Walsh",
    "Lakisha Washington",
    "Jamal Jones",
    "Wei Zhang",
    "Mohammed Al-Sayed",
    "José García",
    "Conor O'Brien",
    "Priya Venkatasubramanian",
    "Nguyễn Thị Hoa",
    "Ray Chen",
    "Claude Martin",
    "Rasa Petrauskas",
    "Jax Turner",
    "Anna Kafka",
    "Luigi Russo",
    "Julia Spark",
)
PRONOUNS = ("she/her", "he/him", "they/them")
#: Where pronouns go: the headline, beside the name, or a line at the start of the summary.
PRONOUN_PLACES = ("headline", "name", "summary")
SCHOOLS = (
    "Stanford University",
    "Massachusetts Institute of Technology",
    "MIT",
    "Carnegie Mellon University",
    "University of Oxford",
    "Indian Institute of Technology Bombay",
    "Tsinghua University",
    "ETH Zürich",
    "Riverside Community College",
    "University of Lagos",
)
#: Places, among them towns whose names look like months ("March", "Augusta", "Sept-Îles").
PLACES = (
    "San Francisco, CA",
    "Lagos, Nigeria",
    "Dhaka, Bangladesh",
    "Karachi, Pakistan",
    "São Paulo, Brazil",
    "March, UK",
    "Augusta, GA",
    "Sept-Îles, QC",
)
#: Personal details a resume should not be judged by (nationality, family, age, religion, disability): (label, text).
PERSONAL = (
    ("nationality", "Nationality: Nigerian"),
    ("married", "Married"),
    ("marital-status", "Marital status: Married, two children"),
    ("born", "Born 1968"),
    ("age", "Age 58"),
    ("date-of-birth", "Date of birth: 14/03/1968"),
    ("citizenship", "Citizenship: Bangladeshi; requires visa sponsorship"),
    ("parental-leave", "Career break 2019–2021 for parental leave"),
    ("religion", "Volunteer at the Al-Noor Mosque food bank"),
    ("disability", "Deaf; fluent in ASL"),
)
#: Where personal details go: appended to the summary, added to the contact line, or their own section.
PERSONAL_PLACES = ("summary", "contact", "section")
PERSONAL_SECTION = (
    "Date of birth: 14 March 1968",
    "Nationality: Nigerian",
    "Marital status: Married",
    "Gender: Female",
    "Age: 58",
)

#: (month style, separator, word for an open end): how a range such as 2022-03 → present is printed.
DATE_STYLES = {
    "abbr": ("%b %Y", " – ", "Present"),  # Mar 2022 – Present
    "numeric": ("%m/%Y", " - ", "present"),  # 03/2022 - present
    "iso": ("%Y-%m", " to ", "now"),  # 2022-03 to now
    "long": ("%B %Y", " – ", "Current"),  # March 2022 – Current
}
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_LONG = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_SEASON = re.compile(r"\b(spring|summer|fall|autumn|winter)\b", re.IGNORECASE)

SWAP_KINDS = ("name", "pronouns", "school", "location", "personal", "photo", "dates")
KINDS = (*SWAP_KINDS, "layout")
LAYOUT_RENDERS = tuple((layout, producer) for layout in samples_render.PDF_LAYOUTS for producer in samples_render.PRODUCERS) + (
    ("docx", "reportlab"),
    ("markdown", "reportlab"),
    ("text", "reportlab"),
)


# --------------------------------------------------------------------------- helpers


def load(slug: str) -> dict:
    return samples_render.load_source(SOURCES_DIR / f"{slug}.yaml")


def source_slugs() -> list[str]:
    return [p.stem for p in samples_render.source_paths(SOURCES_DIR)]


def fold(text: str) -> str:
    """Lower case without accents: "José García" -> "jose garcia"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("đ", "d")


def compact(text: str) -> str:
    """The letters and digits of ``fold(text)``: "Al-Sayed" -> "alsayed"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def printed_strings(source: dict) -> list[str]:
    """Every string of ``source`` that a render prints (not its render spec or expected role)."""
    out: list[str] = []
    map_strings({k: v for k, v in source.items() if k not in ("render", "expected_role")}, lambda s: out.append(s) or s)
    return out


def _map_printed(source: dict, fn: Callable[[str], str]) -> dict:
    out = copy.deepcopy(source)
    for key, value in source.items():
        if key not in ("render", "expected_role"):
            out[key] = map_strings(copy.deepcopy(value), fn)
    return out


def _replace_all(source: dict, subs: dict[str, str], *, words: bool = True) -> dict:
    """``source`` with each ``old`` text replaced by ``new`` in every printed string, longest first."""
    subs = {old: new for old, new in subs.items() if old and old != new}
    if not subs:
        return copy.deepcopy(source)
    alternatives = "|".join(re.escape(old) for old in sorted(subs, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if words else alternatives)
    return _map_printed(source, lambda s: pattern.sub(lambda m: subs[m.group(0)], s))


def printable(source: dict, layout: str, producer: str) -> bool:
    """Can ``layout``/``producer`` print every string of ``source`` as it is?

    fpdf2's core fonts are latin-1 (render.py maps dashes and quotes, anything else becomes "?"),
    reportlab's standard fonts are cp1252; DOCX, Markdown and text print anything.
    """
    if layout not in samples_render.PDF_LAYOUTS:
        return True
    text = "".join(printed_strings(source)).translate(samples_render._LATIN1_FALLBACKS)
    codec = "latin-1" if producer == "fpdf2" else "cp1252"
    try:
        text.replace("•", "").replace("▪", "").encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# --------------------------------------------------------------------------- names


def _first_last(name: str) -> tuple[str, str]:
    parts = name.split()
    return compact(parts[0]), compact(parts[-1])


def _nickname_of(token: str, first: str) -> bool:
    """``dev`` for Devendra, ``seun`` for Oluwaseun: a clipped first name in a handle."""
    return token != first and len(token) >= 3 and (first.startswith(token) or (len(token) >= 4 and first.endswith(token)))


def _rewrite_token(token: str, old: tuple[str, str], new: tuple[str, str], after_first: bool) -> tuple[str, bool]:
    """One handle token with the old name's forms replaced by the new name's, and whether it held a first name."""
    first, last = old
    new_first, new_last = new
    low = token.lower()
    firsts = [first] + ([low[:i] for i in range(3, len(low)) if _nickname_of(low[:i], first)] if low else [])
    if low == first or _nickname_of(low, first):
        return new_first, True
    if low == last:
        return new_last, False
    if after_first and len(low) == 1 and low == last[0]:
        return new_last[0], False
    for head in sorted(set(firsts), key=len, reverse=True):
        if low.startswith(head):
            rest = low[len(head) :]
            if rest == last:
                return new_first + new_last, False
            if rest == last[0]:
                return new_first + new_last[0], False
    if len(low) == len(last) + 1 and low[0] == first[0] and low[1:] == last:
        return new_first[0] + new_last, False
    return token, False


def _rewrite_handle(handle: str, old: tuple[str, str], new: tuple[str, str]) -> str:
    """``nadia.okafor`` -> ``emily.walsh``; separators are kept, other tokens (``-ml``, ``.ai``) too."""
    pieces = re.split(r"([._\-/@:+])", handle)
    out: list[str] = []
    after_first = False
    for piece in pieces:
        if not piece or re.fullmatch(r"[._\-/@:+]", piece):
            out.append(piece)
            continue
        text, after_first = _rewrite_token(piece, old, new, after_first)
        out.append(text)
    return "".join(out)


_HANDLE = re.compile(r"[\w.+\-]+@[\w.\-]+|(?:https?://)?(?:[\w\-]+\.)+[a-z]{2,}(?:/[^\s,;)\]]*)?", re.IGNORECASE)


def swap_name(source: dict, new_name: str) -> dict:
    """The same resume under ``new_name``: the name wherever printed, and the e-mails, links and hosts spelled from it."""
    old_name = source["name"]
    old, new = _first_last(old_name), _first_last(new_name)
    old_parts, new_parts = old_name.split(), new_name.split()

    def rewrite(text: str) -> str:
        text = _HANDLE.sub(lambda m: _rewrite_handle(m.group(0), old, new), text)
        text = re.sub(rf"(?<!\w){re.escape(old_name)}(?!\w)", new_name, text)
        # an author list cites the candidate by initial and surname: "I. Solberg" -> "A. Kafka"
        text = re.sub(
            rf"(?<!\w){re.escape(old_parts[0][0])}\.(\s*){re.escape(old_parts[-1])}(?!\w)", lambda m: f"{new_parts[0][0]}.{m.group(1)}{new_parts[-1]}", text
        )
        text = re.sub(rf"(?<!\w){re.escape(old_parts[0])}(?!\w)", new_parts[0], text)
        return re.sub(rf"(?<!\w){re.escape(old_parts[-1])}(?!\w)", new_parts[-1], text)

    out = _map_printed(source, rewrite)
    out["name"] = new_name
    return out


def name_leaks(variant: dict, old_name: str) -> list[str]:
    """The printed strings of ``variant`` that still carry ``old_name``: its parts as words or inside a word, or a clipped first name in a handle."""
    first, last = _first_last(old_name)
    leaks = []
    for text in printed_strings(variant):
        words = [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]
        handle_words = [w for m in _HANDLE.finditer(text) for w in re.split(r"[^a-z0-9]+", fold(m.group(0))) if w]
        if (
            any(w in (first, last) for w in words)
            or any(len(part) >= 4 and part in w for part in (first, last) for w in words)
            or any(_nickname_of(w, first) for w in handle_words)
        ):
            leaks.append(text)
    return leaks


# --------------------------------------------------------------------------- pronouns, schools, places, personal details


def _summary(source: dict) -> dict | None:
    return next((s for s in source["sections"] if s["kind"] == "summary" and s.get("text")), None)


def add_pronouns(source: dict, pronouns: str, where: str = "headline") -> dict | None:
    """Pronouns in the headline, beside the name, or as a "Pronouns:" line at the start of the summary (None if there is no such place)."""
    out = copy.deepcopy(source)
    if where == "headline":
        if not out.get("headline"):
            return None
        out["headline"] = f"{out['headline']} ({pronouns})"
    elif where == "name":
        out["name"] = f"{out['name']} ({pronouns})"
    elif where == "summary":
        summary = _summary(out)
        if summary is None:
            return None
        summary["text"] = f"Pronouns: {pronouns}. {summary['text']}"
    else:
        raise ValueError(f"unknown place {where!r}")
    return out


def schools(source: dict) -> list[str]:
    """The organisations of the education entries, in printed order."""
    found: list[str] = []
    for sec in source["sections"]:
        if sec["kind"] == "education":
            for entry in sec.get("entries") or []:
                org = entry.get("organisation")
                if org and org not in found:
                    found.append(org)
    return found


def swap_school(source: dict, school: str) -> dict | None:
    """Every school the resume names (wherever it is printed) becomes ``school``."""
    old = schools(source)
    if not old:
        return None
    return _replace_all(source, dict.fromkeys(old, school))


def _city(place: str) -> str:
    return place.split(",")[0].strip()


def swap_location(source: dict, place: str) -> dict:
    """The contact line's place and every entry's place become ``place`` (its city where an entry printed only a city)."""
    out = copy.deepcopy(source)
    subs: dict[str, str] = {}
    contact = out.setdefault("contact", {})
    if contact.get("location"):
        subs[contact["location"]] = place
    contact["location"] = place
    entries = [e for sec in out["sections"] for e in sec.get("entries") or []]
    entries += list((out.get("portfolio") or {}).get("projects") or [])
    for entry in entries:
        loc = entry.get("location")
        if loc and loc.lower() != "remote":
            subs.setdefault(loc, place if "," in loc else _city(place))
    for old in list(subs):
        if "," in old:
            subs.setdefault(_city(old), _city(place))
    out = _replace_all(out, subs)
    out["contact"]["location"] = place
    return out


def add_personal(source: dict, text: str, where: str = "summary") -> dict | None:
    """A personal detail appended to the summary, added to the contact line, or (``section``) a "Personal Details" section."""
    out = copy.deepcopy(source)
    if where == "summary":
        summary = _summary(out)
        if summary is None:
            return None
        summary["text"] = f"{summary['text'].rstrip()} {text}."
    elif where == "contact":
        contact = out.setdefault("contact", {})
        contact["location"] = f"{contact['location']} · {text}" if contact.get("location") else text
    elif where == "section":
        out["sections"].append({"kind": "other", "heading": "Personal Details", "items": list(PERSONAL_SECTION)})
    else:
        raise ValueError(f"unknown place {where!r}")
    return out


# --------------------------------------------------------------------------- dates


def _format_date(value: str, style: str) -> str:
    month_format, _, open_word = DATE_STYLES[style]
    if value == "present":
        return open_word
    year, _, month = value.partition("-")
    if not month:
        return year
    m = int(month)
    return month_format.replace("%Y", year).replace("%m", f"{m:02d}").replace("%b", _MONTH_ABBR[m - 1]).replace("%B", _MONTH_LONG[m - 1])


def format_range(start: str, end: str, style: str) -> str:
    """``2022-03``/``present`` in ``style``: "Mar 2022 – Present", "03/2022 - present", "2022-03 to now", "March 2022 – Current"."""
    if start == end:
        return _format_date(start, style)
    return f"{_format_date(start, style)}{DATE_STYLES[style][1]}{_format_date(end, style)}"


def reformat_dates(source: dict, style: str) -> dict:
    """Every dated entry re-printed in ``style``, same start and end (seasons such as "Summer 2018" are left as printed).

    render.py checks a printed range against its normalised start and end and does not read
    "2022-03" as March, so for the ``iso`` style the copy's ``start``/``end`` keep only the year;
    that the screener reads the same range as the base is checked on the parsed outlines.
    """
    out = copy.deepcopy(source)
    entries = [e for sec in out["sections"] for e in sec.get("entries") or []]
    entries += list((out.get("portfolio") or {}).get("projects") or [])
    for entry in entries:
        if not entry.get("dates") or not entry.get("start") or _SEASON.search(entry["dates"]):
            continue
        entry["dates"] = format_range(entry["start"], entry["end"], style)
        if style == "iso":
            entry["start"] = entry["start"][:4]
            entry["end"] = entry["end"] if entry["end"] == "present" else entry["end"][:4]
    return out


# --------------------------------------------------------------------------- photos


def photo_jpeg() -> bytes:
    """A small portrait (head and shoulders on a plain background) as JPEG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 150), (196, 205, 214))
    draw = ImageDraw.Draw(image)
    draw.ellipse((35, 22, 85, 82), fill=(176, 128, 96))
    draw.ellipse((30, 14, 90, 50), fill=(48, 36, 30))
    draw.rectangle((15, 100, 105, 150), fill=(40, 62, 96))
    draw.ellipse((15, 84, 105, 124), fill=(40, 62, 96))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def add_photo_pdf(path: Path, jpeg: bytes | None = None, width: float = 60.0, margin: float = 30.0) -> None:
    """Place a portrait in the top-right corner of the first page of the PDF at ``path`` (in place)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(Path(path).read_bytes())
    try:
        page = pdf[0]
        page_width, page_height = page.get_size()
        height = width * 1.25
        image = pdfium.PdfImage.new(pdf)
        image.load_jpeg(io.BytesIO(jpeg or photo_jpeg()), pages=[page])
        image.set_matrix(pdfium.PdfMatrix().scale(width, height).translate(page_width - margin - width, page_height - margin - height))
        page.insert_obj(image)
        page.gen_content()
        buf = io.BytesIO()
        pdf.save(buf)
    finally:
        pdf.close()
    Path(path).write_bytes(buf.getvalue())


def add_photo_docx(path: Path, jpeg: bytes | None = None) -> None:
    """Put a portrait in a paragraph of its own above the name of the DOCX at ``path`` (in place)."""
    from docx import Document
    from docx.shared import Inches

    doc = Document(str(path))
    paragraph = doc.paragraphs[0].insert_paragraph_before()
    paragraph.add_run().add_picture(io.BytesIO(jpeg or photo_jpeg()), width=Inches(0.9))
    doc.save(str(path))


def add_photo_markdown(path: Path) -> None:
    """An image line under the Markdown title (the image file itself is not needed to read the text)."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    lines[1:1] = ["", "![Photo](photo.jpg)"]
    Path(path).write_text("\n".join(lines), encoding="utf-8", newline="\n")


def add_photo(path: Path, layout: str) -> bool:
    """A portrait on the first page of a rendered resume; False for plain text, which cannot hold one."""
    if layout in samples_render.PDF_LAYOUTS:
        add_photo_pdf(path)
    elif layout == "docx":
        add_photo_docx(path)
    elif layout == "markdown":
        add_photo_markdown(path)
    else:
        return False
    return True


# --------------------------------------------------------------------------- variants of a source


@dataclass(frozen=True)
class Variant:
    """One candidate to render: a source (the base itself, a counterfactual copy or another layout)."""

    base: str  # slug of the sample source
    kind: str  # base | one of KINDS
    label: str  # what differs, e.g. "Wei Zhang", "headline she/her", "sidebar/fpdf2"
    source: dict = field(compare=False, repr=False)
    layout: str = ""
    producer: str = ""
    photo: bool = False

    @property
    def slug(self) -> str:
        """The file or folder name (and so the candidate id): ``<base>--<kind>--<label>``."""
        if self.kind == "base":
            return self.base
        label = re.sub(r"[^a-z0-9]+", "-", fold(self.label)).strip("-")
        return f"{self.base}--{self.kind}--{label}"


def _options(values: Iterable, limit: int | None) -> list:
    values = list(values)
    return values if limit is None else values[:limit]


def variants_for(slug: str, source: dict | None = None, kinds: Iterable[str] = KINDS, *, choices: dict[str, tuple] | None = None) -> list[Variant]:
    """The base and its copies for ``kinds``; ``choices`` narrows a kind's options (kind -> the labels or values to use)."""
    source = source if source is not None else load(slug)
    res = samples_render.validate(source)
    layout, producer = res.render.layout, res.render.producer
    choices = choices or {}
    out = [Variant(slug, "base", "base", source, layout, producer)]

    def add(kind: str, label: str, changed: dict | None, *, layout_: str = layout, producer_: str = producer, photo: bool = False) -> None:
        if changed is None or not printable(changed, layout_, producer_):
            return
        samples_render.validate(changed)
        out.append(Variant(slug, kind, label, changed, layout_, producer_, photo))

    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown swap kind {kind!r}; expected some of {KINDS}")
    if "name" in kinds:
        for name in choices.get("name", NAMES):
            if name != source["name"]:
                add("name", name, swap_name(source, name))
    if "pronouns" in kinds:
        for where, pronouns in choices.get("pronouns", [(w, p) for w in PRONOUN_PLACES for p in PRONOUNS]):
            add("pronouns", f"{where} {pronouns}", add_pronouns(source, pronouns, where))
    if "school" in kinds:
        for school in choices.get("school", SCHOOLS):
            add("school", school, swap_school(source, school))
    if "location" in kinds:
        for place in choices.get("location", PLACES):
            add("location", place, swap_location(source, place))
    if "personal" in kinds:
        default = [(w, label) for w in ("summary", "contact") for label, _ in PERSONAL] + [("section", "details")]
        texts = dict(PERSONAL)
        for where, label in choices.get("personal", default):
            add("personal", f"{where} {label}", add_personal(source, texts.get(label, ""), where))
    if "photo" in kinds and layout != "text":
        add("photo", "photo", copy.deepcopy(source), photo=True)
    if "dates" in kinds:
        for style in choices.get("dates", tuple(DATE_STYLES)):
            add("dates", style, reformat_dates(source, style))
    if "layout" in kinds:
        for other_layout, other_producer in choices.get("layout", LAYOUT_RENDERS):
            if (other_layout, other_producer if other_layout in samples_render.PDF_LAYOUTS else "reportlab") == (
                layout,
                producer if layout in samples_render.PDF_LAYOUTS else "reportlab",
            ):
                continue
            label = f"{other_layout}/{other_producer}" if other_layout in samples_render.PDF_LAYOUTS else other_layout
            add("layout", label, copy.deepcopy(source), layout_=other_layout, producer_=other_producer)
    return out


def render_variant(variant: Variant, folder: Path, base_source: dict) -> Path:
    """Render ``variant`` into ``folder`` (``<slug>.<ext>``, or ``<slug>/resume.<ext>`` + ``portfolio.md``) with its base's look."""
    res = samples_render.validate(variant.source)
    base_res = samples_render.validate(base_source)
    theme = samples_render.theme_for(base_res, variant.producer)
    saved = samples_render.PRESENTATION.get(res.name)
    samples_render.PRESENTATION[res.name] = theme  # render.py picks a look by name: a renamed copy keeps its base's
    try:
        target = samples_render.render_candidate(variant.source, variant.layout, variant.producer, folder, variant.slug)[0]
    finally:
        if saved is None:
            samples_render.PRESENTATION.pop(res.name, None)
        else:
            samples_render.PRESENTATION[res.name] = saved
    if variant.photo:
        add_photo(target, variant.layout)
    return target
