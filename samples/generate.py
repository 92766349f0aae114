"""Generate synthetic scans of Vietnamese dossier forms, each with its ground truth.

    python -m samples.generate OUT --count 100 --seed 7 --tiers clean,mild --dpi 200

Everything is decided by the seed and the file's index, so a file is the same whatever ``count``
is, and the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shlex
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from samples import attachments, forms, official
from samples import vietnamese as vn
from samples.codes import BARCODE_KINDS, BarcodeKind
from samples.degrade import (
    PLANS,
    TIERS,
    DegradedPage,
    degrade_page,
    jpeg_quality,
    jpeg_round_trip,
    paper_tint,
    tint_paper,
)
from samples.forms import PageContent
from samples.layouts import LAYOUTS, get_layout
from samples.render import render_page
from samples.truth import (
    HIDDEN_TRUTH_DIR,
    ColorMode,
    DocType,
    FileKind,
    PageTruth,
    Tier,
    Truth,
    write_manifest,
    write_truth,
)
from samples.writers import EXTENSIONS, save_pages, to_image

DOC_TYPES: tuple[DocType, ...] = ("birth_registration", "dossier_receipt", "unknown")
DOC_TYPE_WEIGHTS = (0.45, 0.40, 0.15)
FORMATS: tuple[FileKind, ...] = ("pdf", "jpeg", "png", "tiff")
FORMAT_WEIGHTS = (0.35, 0.25, 0.2, 0.2)
MULTI_PAGE: tuple[FileKind, ...] = ("pdf", "tiff")
EXIF_CHANCE = 0.25
COVER_STREAM = 1  # the cover sheet's noise stream: [seed, index, COVER_STREAM]
GENERIC_TYPE = "official_document"  # any form is laid out as one too: forms win


@dataclass(frozen=True)
class FileSpec:
    """Everything that decides one file; templates name its pages in order.

    A template is a form type («birth_registration», «dossier_receipt»), an attachment
    («letter», «notice», «birth_certificate_copy») or «unknown» for a random attachment.
    ``rotations`` forces the clockwise fix of the first pages (None: the tier decides).
    ``barcode`` prints the dossier code of receipts also as a Code 128 or QR code;
    ``cover_sheet`` puts a cover sheet carrying the code as such a symbol before the pages
    (``rotations`` still count the pages after it).
    """

    index: int
    seed: int
    templates: tuple[str, ...]
    tier: Tier
    layout: str
    kind: FileKind
    dpi: int = 300
    rotations: tuple[int | None, ...] = ()
    exif_orientation: int | None = None
    color: bool | None = None  # None: the tier decides
    barcode: BarcodeKind | None = None
    cover_sheet: BarcodeKind | None = None

    @property
    def file_name(self) -> str:
        return f"sample-{self.index:04d}{EXTENSIONS[self.kind]}"


def make_content(template: str, rng: random.Random, upper_names: bool,
                 barcode: BarcodeKind | None = None) -> PageContent:
    """The page content of one template; ``barcode``: receipts print their code so too."""
    if template == "birth_registration":
        return forms.birth_registration(rng, upper_names)
    if template == "dossier_receipt":
        return forms.dossier_receipt(rng, upper_names, barcode)
    if template == "unknown":
        return attachments.unknown_page(rng)
    try:
        return attachments.UNKNOWN_TEMPLATES[template](rng)
    except KeyError:
        raise ValueError(f"unknown page template {template!r}") from None


def render_form(template: str, layout: str = "classic", dpi: int = 300, seed: int = 0,
                barcode: BarcodeKind | None = None) -> tuple[PageContent, np.ndarray, str]:
    """One clean upright page for tests: its content (fields), grey pixels and printed text."""
    rng = random.Random(f"{seed}:{template}:{layout}")
    chosen = get_layout(layout)
    content = make_content(template, rng, chosen.upper_names, barcode)
    page = render_page(content, chosen, dpi, rng)
    return content, np.asarray(page.image), page.text


def file_doc_type(contents: Sequence[PageContent]) -> DocType:
    """The first form page decides; an administrative document (a notice) only when the file
    holds no form (the pipeline's generic type yields so); a file of attachments only is
    ``unknown``."""
    kinds = [c.doc_type for c in contents if c.doc_type != "unknown"]
    return next((k for k in kinds if k != GENERIC_TYPE), kinds[0] if kinds else "unknown")


def color_mode(spec: FileSpec, colour: bool) -> ColorMode:
    """Clean PNG/TIFF are bilevel like a black-and-white scan; colour scans are RGB."""
    if colour:
        return "RGB"
    return "1" if spec.tier == "clean" and spec.kind in ("png", "tiff") else "L"


@dataclass(frozen=True)
class ScanSettings:
    """What one file's scanner does to every page of it."""

    colour: bool
    tint: tuple[float, float, float]
    quality: int
    mode: ColorMode


@dataclass
class ScannedPage:
    """One page drawn and damaged, not yet numbered."""

    content: PageContent
    text: str
    damaged: DegradedPage


def generate_file(spec: FileSpec, out_dir: Path, truth_dir: Path | None = None) -> Truth:
    """Render, damage and save one file; write its truth JSON; return the truth."""
    rng = random.Random(f"{spec.seed}:{spec.index}")
    noise_rng = np.random.default_rng([spec.seed, spec.index])
    layout = get_layout(spec.layout)
    plan = PLANS[spec.tier]
    colour = spec.color if spec.color is not None else noise_rng.random() < plan.color_chance
    tint = paper_tint(noise_rng)
    quality = jpeg_quality(spec.tier, noise_rng)
    scan = ScanSettings(colour, tint, quality, color_mode(spec, colour))
    pages = []
    for number, template in enumerate(spec.templates, start=1):
        content = make_content(template, rng, layout.upper_names, spec.barcode)
        forced = spec.rotations[number - 1] if number <= len(spec.rotations) else None
        pages.append(scan_page(content, spec, rng, noise_rng, forced, scan))
    if spec.cover_sheet:
        pages.insert(0, scan_cover_sheet(spec, spec.cover_sheet, [p.content for p in pages],
                                         scan))
    out_dir.mkdir(parents=True, exist_ok=True)
    save_pages([to_image(p.damaged.pixels, scan.mode) for p in pages], out_dir / spec.file_name,
               spec.kind, spec.dpi, quality, spec.exif_orientation)
    contents = [p.content for p in pages]
    doc_type = file_doc_type(contents)
    fields = next((c.fields for c in contents if c.doc_type == doc_type), {})
    truth = Truth(file=spec.file_name, format=spec.kind, doc_type=doc_type, fields=fields,
                  tier=spec.tier, layout=spec.layout, dpi=spec.dpi, color_mode=scan.mode,
                  exif_orientation=spec.exif_orientation, seed=spec.seed, index=spec.index,
                  pages=[page_truth(n, p) for n, p in enumerate(pages, start=1)])
    write_truth(truth, truth_dir or out_dir)
    return truth


def scan_page(content: PageContent, spec: FileSpec, rng: random.Random,
              noise_rng: np.random.Generator, forced: int | None,
              scan: ScanSettings) -> ScannedPage:
    """Typeset one page and damage it as the file's scanner does."""
    rendered = render_page(content, get_layout(spec.layout), spec.dpi, rng)
    damaged = degrade_page(np.asarray(rendered.image), spec.tier, noise_rng, spec.dpi, forced)
    if scan.colour:
        tint_paper(damaged, scan.tint)
    if spec.tier != "clean":
        if spec.kind == "png":
            jpeg_round_trip(damaged, scan.quality)
        damaged.record("jpeg", quality=scan.quality)
    return ScannedPage(content, rendered.text, damaged)


def scan_cover_sheet(spec: FileSpec, kind: BarcodeKind, contents: Sequence[PageContent],
                     scan: ScanSettings) -> ScannedPage:
    """The cover sheet before the file's pages, carrying the code of the file's receipt.

    It draws from streams of its own, so the other pages are those of the same file without
    a cover sheet. A file without a receipt gets a code drawn here.
    """
    rng = random.Random(f"{spec.seed}:{spec.index}:cover")
    noise_rng = np.random.default_rng([spec.seed, spec.index, COVER_STREAM])
    code = next((str(c.fields["dossier_code"]) for c in contents if "dossier_code" in c.fields),
                None) or drawn_dossier_code(rng)
    return scan_page(forms.cover_sheet(rng, code, kind), spec, rng, noise_rng, None, scan)


def drawn_dossier_code(rng: random.Random) -> str:
    """A dossier code of some office and day, for a cover sheet without a receipt after it."""
    day = vn.random_date(rng, dt.date(2024, 1, 2), dt.date(2025, 11, 28))
    return forms.dossier_code(rng, rng.choice(vn.COMMUNES).office_code, day)


def page_truth(number: int, page: ScannedPage) -> PageTruth:
    """The truth of one scanned page; a barcode printed on it is recorded with its text."""
    content, damaged = page.content, page.damaged
    symbol = next((b for b in content.blocks if isinstance(b, forms.Barcode)), None)
    height, width = damaged.pixels.shape[:2]
    return PageTruth(
        number=number, page_doc_type=content.doc_type, template=content.template,
        text=page.text, rotation=damaged.rotation, skew_degrees=damaged.skew_degrees,
        degradations=damaged.degradations, width_px=width, height_px=height,
        barcode=symbol.kind if symbol else None, barcode_text=symbol.text if symbol else None)


@dataclass(frozen=True)
class CodeChances:
    """How often receipts print their code as a barcode, and files open with a cover sheet."""

    barcodes: float = 0.0
    cover_sheets: float = 0.0


def plan_file(index: int, seed: int, tiers: Sequence[Tier], layouts: Sequence[str],
              formats: Sequence[FileKind], doc_types: Sequence[DocType], dpi: int,
              chances: CodeChances = CodeChances()) -> FileSpec:
    """Draw the spec of file ``index`` from its own seeded stream.

    Barcodes and cover sheets are drawn from a stream of their own, after the rest: with
    both chances 0 a file is the one generated before barcodes existed.
    """
    rng = random.Random(f"{seed}:{index}:plan")
    weights = [DOC_TYPE_WEIGHTS[DOC_TYPES.index(d)] for d in doc_types]
    doc_type = rng.choices(list(doc_types), weights=weights)[0]
    kind = rng.choices(list(formats),
                       weights=[FORMAT_WEIGHTS[FORMATS.index(f)] for f in formats])[0]
    tier = tiers[index % len(tiers)]  # cycled, so every tier shows up even in tiny corpora
    spec = FileSpec(
        index=index, seed=seed, templates=page_templates(rng, doc_type, kind), tier=tier,
        layout=rng.choice(list(layouts)), kind=kind, dpi=dpi,
        exif_orientation=(rng.choice([3, 6, 8])
                          if kind == "jpeg" and tier != "clean" and rng.random() < EXIF_CHANCE
                          else None))
    return with_codes(spec, chances)


def with_codes(spec: FileSpec, chances: CodeChances) -> FileSpec:
    """Maybe a barcode on the file's receipts, maybe a cover sheet (multi-page files only)."""
    rng = random.Random(f"{spec.seed}:{spec.index}:codes")
    barcode = rng.choice(BARCODE_KINDS) if rng.random() < chances.barcodes else None
    cover = rng.choice(BARCODE_KINDS) if rng.random() < chances.cover_sheets else None
    if spec.kind not in MULTI_PAGE or spec.templates == ("unknown",) * len(spec.templates):
        cover = None  # a cover sheet opens a dossier's documents, in a file of several pages
    return replace(spec, barcode=barcode, cover_sheet=cover)


def page_templates(rng: random.Random, doc_type: DocType, kind: FileKind) -> tuple[str, ...]:
    """The pages of a file: the form, then attachments when the format holds several pages."""
    multi = kind in MULTI_PAGE
    if doc_type == "unknown":
        return tuple("unknown" for _ in range(rng.randint(1, 3) if multi else 1))
    if not multi:
        return (doc_type,)
    attachments_count = rng.choice([0, 1, 1, 2])
    templates = [doc_type] + ["unknown"] * attachments_count
    if attachments_count and rng.random() < 0.15:  # a cover letter before the form
        templates.reverse()
    return tuple(templates)


def generate_corpus(out_dir: Path, count: int, seed: int = 0,
                    tiers: Sequence[Tier] = TIERS, layouts: Sequence[str] | None = None,
                    formats: Sequence[FileKind] | None = None, dpi: int = 300,
                    doc_types: Sequence[DocType] | None = None, *,
                    truth_dir: Path | None = None, workers: int = 1,
                    chances: CodeChances = CodeChances()) -> list[Truth]:
    """Write ``count`` scans with truths and a manifest into ``out_dir``; return the truths.

    ``layouts``/``formats``/``doc_types`` restrict the choice (default: all); ``truth_dir``
    puts the truths elsewhere (default: beside the scans); ``workers`` > 1 renders in processes;
    ``chances`` adds barcodes to receipts and cover sheets to files (default: none).
    """
    check_choices(tiers, TIERS, "tier")
    check_choices(layouts or [], list(LAYOUTS), "layout")
    check_choices(formats or [], FORMATS, "format")
    check_choices(doc_types or [], DOC_TYPES, "doc type")
    specs = [plan_file(i, seed, tiers, layouts or list(LAYOUTS), formats or FORMATS,
                       doc_types or DOC_TYPES, dpi, chances) for i in range(1, count + 1)]
    truths = generate_files(specs, out_dir, truth_dir, workers)
    command = (f"python -m samples.generate {out_dir} --count {count} --seed {seed} "
               f"--tiers {','.join(tiers)} --dpi {dpi}")
    if chances != CodeChances():
        command += f" --barcodes {chances.barcodes} --cover-sheets {chances.cover_sheets}"
    write_manifest(truths, truth_dir or out_dir, seed=seed, command=command)
    return truths


def generate_files(specs: list[FileSpec], out_dir: Path, truth_dir: Path | None,
                   workers: int) -> list[Truth]:
    """Generate files in order, in ``workers`` processes when more than one."""
    if workers <= 1:
        return [generate_file(spec, out_dir, truth_dir) for spec in specs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(generate_file, spec, out_dir, truth_dir) for spec in specs]
        return [future.result() for future in futures]


def check_choices(chosen: Sequence[str], allowed: Sequence[str], what: str) -> None:
    """ValueError naming the allowed values when a choice is not one of them."""
    wrong = [c for c in chosen if c not in allowed]
    if wrong:
        raise ValueError(f"unknown {what} {', '.join(wrong)}; choose from {', '.join(allowed)}")


# --- the bundled demo set ----------------------------------------------------------------------

DEMO_SEED = 2024
DEMO_SPECS: tuple[FileSpec, ...] = (
    FileSpec(1, DEMO_SEED, ("birth_registration", "birth_certificate_copy"), "clean", "classic",
             "pdf", 200),
    FileSpec(2, DEMO_SEED, ("dossier_receipt",), "clean", "two_column", "png", 300),
    FileSpec(3, DEMO_SEED, ("birth_registration",), "mild", "serif", "jpeg", 200,
             rotations=(180,)),
    FileSpec(4, DEMO_SEED, ("dossier_receipt", "letter"), "mild", "compact", "tiff", 200),
    FileSpec(5, DEMO_SEED, ("dossier_receipt",), "mild", "tabbed", "jpeg", 200,
             exif_orientation=6),
    FileSpec(6, DEMO_SEED, ("letter", "notice"), "mild", "classic", "pdf", 200),
    FileSpec(7, DEMO_SEED, ("birth_registration",), "clean", "next_line", "tiff", 300,
             rotations=(90,)),
    FileSpec(8, DEMO_SEED, ("dossier_receipt",), "mild", "typewriter", "pdf", 200, color=True),
    # A stack fed at once: a station's cover sheet (QR), a receipt printing its code as a
    # Code 128, the birth registration and a copy handed in with it: one dossier.
    FileSpec(9, DEMO_SEED, ("dossier_receipt", "birth_registration", "birth_certificate_copy"),
             "clean", "classic", "tiff", 200, barcode="code128", cover_sheet="qr"),
)
DEMO_COMMAND = "python -m samples.generate samples/scans --demo"


def generate_demo_set(out_dir: Path) -> list[Truth]:
    """The bundled demo scans, truths in ``.truth/`` (ingesting the folder sees only scans)."""
    truth_dir = out_dir / HIDDEN_TRUTH_DIR
    truths = [generate_file(spec, out_dir, truth_dir) for spec in DEMO_SPECS]
    write_manifest(truths, truth_dir, seed=DEMO_SEED, command=DEMO_COMMAND)
    return truths


# --- command line ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write scans, truths and manifest to")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tiers", default=",".join(TIERS), help=f"of {','.join(TIERS)}")
    parser.add_argument("--layouts", default="", help=f"of {','.join(LAYOUTS)} (default: all)")
    parser.add_argument("--formats", default="", help=f"of {','.join(FORMATS)} (default: all)")
    parser.add_argument("--doc-types", default="", help=f"of {','.join(DOC_TYPES)}")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--barcodes", type=float, default=0.0,
                        help="chance a file's receipts print their code as a barcode or QR code")
    parser.add_argument("--cover-sheets", type=float, default=0.0,
                        help="chance a multi-page file opens with a cover sheet")
    parser.add_argument("--truth-dir", type=Path, default=None,
                        help="write truths and manifest here instead of beside the scans")
    parser.add_argument("--official", type=int, default=0, metavar="COUNT",
                        help="also write COUNT administrative documents and birth "
                             "certificates (samples/official.py)")
    parser.add_argument("--demo", action="store_true",
                        help="write the bundled demo set (fixed specs and seed) instead")
    return parser.parse_args(argv)


def split(value: str) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] or None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.demo:
            truths = generate_demo_set(args.out)
        else:
            truths = generate_corpus(
                args.out, args.count, args.seed, split(args.tiers) or TIERS,  # type: ignore[arg-type]
                split(args.layouts), split(args.formats), args.dpi,  # type: ignore[arg-type]
                split(args.doc_types), truth_dir=args.truth_dir,  # type: ignore[arg-type]
                workers=args.workers, chances=CodeChances(args.barcodes, args.cover_sheets))
            if args.official:
                truths += official.generate_official_corpus(
                    args.out, args.official, args.seed, split(args.tiers) or TIERS,  # type: ignore[arg-type]
                    official.SERIF_FAMILIES, args.dpi, args.truth_dir)
                write_manifest(truths, args.truth_dir or args.out, seed=args.seed,
                               command=shlex.join(["python", "-m", "samples.generate",
                                                   *(argv or sys.argv[1:])]))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pages = sum(t.page_count for t in truths)
    print(f"wrote {len(truths)} files ({pages} pages) to {shlex.quote(str(args.out))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
