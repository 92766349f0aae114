"""Typeset page content on an A4 page at a given DPI, and say exactly which text was printed.

Two passes: blocks become rows (positioned drawing operations plus the line of text they print),
then rows are drawn. When a page overflows, the font and spacing shrink until it fits, as a clerk
would choose a smaller size to keep a form on one sheet.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.codes import symbol_image
from samples.forms import (
    Barcode,
    Block,
    Columns,
    DocumentList,
    FieldItem,
    FieldRow,
    PageContent,
    Paragraph,
    Signatures,
    Space,
    Text,
    printed_label,
)
from samples.layouts import Layout, load_font

A4_MM = (210.0, 297.0)
INK = 0
_LEADER_CHAR = {"dots": ".", "ellipsis": "…"}
_COLUMN_SPLIT = 0.42  # share of the text width the left header column gets


@dataclass(frozen=True)
class TextOp:
    x: float
    text: str
    font: ImageFont.FreeTypeFont


@dataclass(frozen=True)
class RuleOp:
    x0: float
    x1: float


@dataclass(frozen=True)
class ScribbleOp:
    x: float
    width: float
    height: float


@dataclass(frozen=True)
class GridOp:
    """Table rules around a row's cells: vertical rules at ``xs``, horizontal ones along the
    row's top and bottom edges when asked (a value wrapped over rows stays in one cell)."""

    xs: tuple[float, ...]
    top: bool
    bottom: bool


@dataclass(frozen=True)
class SymbolOp:
    """A barcode or QR code, already drawn at the page's DPI, top-left at (x, row top + top)."""

    x: float
    top: float
    image: Image.Image


Op = TextOp | RuleOp | ScribbleOp | GridOp | SymbolOp


@dataclass
class Row:
    """One printed line: its height, what to draw on it, and the text it prints (None: none)."""

    height: float
    ops: list[Op] = field(default_factory=list)
    text: str | None = None


@dataclass(frozen=True)
class RenderedPage:
    image: Image.Image  # mode "L", upright, white paper, black ink
    text: str


def page_size_px(dpi: int) -> tuple[int, int]:
    """A4 in pixels: 2480×3508 at 300 DPI."""
    return tuple(round(mm / 25.4 * dpi) for mm in A4_MM)  # type: ignore[return-value]


class Typesetter:
    """Turns blocks into rows for one layout, DPI and shrink factor."""

    def __init__(self, layout: Layout, dpi: int, shrink: float = 1.0) -> None:
        self.layout = layout
        self.dpi = dpi
        self.size_px = layout.size_pt * dpi / 72 * shrink
        self.line_h = self.size_px * layout.line_spacing
        left, top, right, bottom = (self.mm(m) for m in layout.margin_mm)
        width, height = self.canvas_size
        self.left, self.right, self.top, self.bottom = left, width - right, top, height - bottom

    @property
    def canvas_size(self) -> tuple[int, int]:
        """The page as typeset: wider than A4 by 1 / ``condense``, squeezed to A4 when drawn
        (a condensed face: glyphs and spaces narrower, heights kept)."""
        width, height = page_size_px(self.dpi)
        return round(width / self.layout.condense), height

    def mm(self, millimetres: float) -> float:
        return millimetres / 25.4 * self.dpi

    def font(self, bold: bool = False, italic: bool = False,
             scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return load_font(self.layout.family, round(self.size_px * scale), bold, italic)

    @property
    def width(self) -> float:
        return self.right - self.left

    def rows(self, blocks: list[Block]) -> list[Row]:
        rows: list[Row] = []
        for block in blocks:
            rows.extend(self.block_rows(block))
        return rows

    def block_rows(self, block: Block) -> list[Row]:
        if isinstance(block, Text):
            return self.text_rows(block, self.left, self.right)
        if isinstance(block, Paragraph):
            return self.paragraph_rows(block)
        if isinstance(block, FieldRow):
            return self.field_row_rows(block)
        if isinstance(block, Columns):
            return self.columns_rows(block)
        if isinstance(block, Signatures):
            return self.signature_rows(block)
        if isinstance(block, Space):
            return [Row(self.line_h * block.lines)]
        if isinstance(block, Barcode):
            return self.barcode_rows(block)
        if isinstance(block, DocumentList):
            return self.document_list_rows(block)
        raise TypeError(f"unknown block {block!r}")

    def barcode_rows(self, block: Barcode) -> list[Row]:
        """The symbol at its physical size (it does not shrink with the font), no text line."""
        symbol = symbol_image(block.kind, block.text, self.dpi)
        x = {"left": self.left, "center": (self.left + self.right - symbol.width) / 2,
             "right": self.right - symbol.width}[block.align]
        pad = self.mm(1.5)
        return [Row(symbol.height + 2 * pad, [SymbolOp(x, pad, symbol)])]

    # --- plain text --------------------------------------------------------------------------

    def fitted_font(self, text: str, width: float, bold: bool, italic: bool,
                    scale: float) -> ImageFont.FreeTypeFont:
        """The font at ``scale``, shrunk until one line of ``text`` fits ``width``."""
        font = self.font(bold, italic, scale)
        while font.getlength(text) > width and scale > 0.6:
            scale -= 0.04
            font = self.font(bold, italic, scale)
        return font

    def text_rows(self, block: Text, x0: float, x1: float) -> list[Row]:
        content = block.text.strip()
        indent = self.font().getlength(block.text[: len(block.text) - len(block.text.lstrip())])
        font = self.font(block.bold, block.italic, block.scale)
        lines = wrap_words(content, font, x1 - x0 - indent)
        rows = []
        for line in lines:
            line_width = font.getlength(line)
            x = {"left": x0 + indent, "center": (x0 + x1 - line_width) / 2,
                 "right": x1 - line_width}[block.align]
            rows.append(Row(self.line_h * block.scale, [TextOp(x, line, font)], line))
        if block.rule_below:
            width = font.getlength(lines[-1]) * 0.7
            centre = (x0 + x1) / 2
            rows.append(Row(self.line_h * 0.35, [RuleOp(centre - width / 2, centre + width / 2)]))
        return rows

    def paragraph_rows(self, block: Paragraph) -> list[Row]:
        """Justified prose, the first line indented like administrative letters."""
        font = self.font()
        indent = self.mm(10)
        words = block.text.split()
        rows: list[Row] = []
        while words:
            x0 = self.left + (indent if not rows else 0)
            line = take_words(words, font, self.right - x0)
            words = words[len(line):]
            rows.append(Row(self.line_h, justify(line, font, x0, self.right, last=not words),
                            " ".join(line)))
        return rows

    # --- label–value pairs ---------------------------------------------------------------------

    def label_font(self) -> ImageFont.FreeTypeFont:
        return self.font(bold=self.layout.bold_labels)

    def document_list_rows(self, block: DocumentList) -> list[Row]:
        """Indented «1) …» lines, or a ruled table (number cell, name cell) on layouts that
        print the list so."""
        if not self.layout.list_table:
            return [row for n, doc in enumerate(block.entries, start=1)
                    for row in self.text_rows(Text(f"    {n}) {doc}"), self.left, self.right)]
        pad = self.mm(1.5)
        split = self.left + self.mm(12)
        rows: list[Row] = []
        for n, doc in enumerate(("Tên giấy tờ", *block.entries)):
            number = "STT" if n == 0 else str(n)
            cell = self.value_rows([TextOp(self.left + pad, number, self.font(bold=n == 0))],
                                   number, split + pad, doc, continuation_x=split + pad,
                                   right=self.right - pad, leaders=False)
            for m, row in enumerate(cell):
                row.ops.append(GridOp((self.left, split, self.right), top=m == 0,
                                      bottom=m == len(cell) - 1))
            rows += cell
        return rows

    def printed(self, item: FieldItem) -> FieldItem:
        """The item with its label as this layout prints it (wording, footnote marker)."""
        return FieldItem(printed_label(item.label, self.layout.wording, self.layout.footnotes),
                         item.value)

    def field_row_rows(self, block: FieldRow) -> list[Row]:
        items = [self.printed(item) for item in block.items]
        if self.layout.pack_rows and len(items) > 1:
            packed = self.packed_row(items)
            if packed:
                return [packed]
        rows: list[Row] = []
        for item in items:
            item = FieldItem(item.label[:1].upper() + item.label[1:], item.value)
            rows.extend(self.item_rows(item))
        return rows

    def item_rows(self, item: FieldItem) -> list[Row]:
        style = self.layout.field_style
        if style == "next_line":
            return self.next_line_rows(item)
        if style == "grid":
            return self.grid_rows(item)
        label = f"{item.label}:"
        label_font = self.label_font()
        label_end = self.left + label_font.getlength(label)
        space = self.font().getlength(" ")
        value_x = label_end + space
        continuation_x = self.left
        label_ops: list[Op] = [TextOp(self.left, label, label_font)]
        if self.layout.lead_in_mm:
            value_x += self.mm(self.layout.lead_in_mm)
            label_ops += self.leader_ops(label_end + space / 2, value_x - space / 2)
        if style == "tab":
            continuation_x = self.left + self.mm(self.layout.tab_mm)
            value_x = max(continuation_x, value_x)
        return self.value_rows(label_ops, label, value_x, item.value,
                               continuation_x=continuation_x)

    def grid_rows(self, item: FieldItem) -> list[Row]:
        """A table row: the label (no colon) in the left cell, the value wrapped in the right
        one, ruled all round."""
        pad = self.mm(1.5)
        split = self.left + self.mm(self.layout.tab_mm)
        label_font = self.fitted_font(item.label, split - self.left - 2 * pad,
                                      self.layout.bold_labels, False, 1.0)
        value_x = split + pad
        rows = self.value_rows([TextOp(self.left + pad, item.label, label_font)], item.label,
                               value_x, item.value, continuation_x=value_x,
                               right=self.right - pad)
        for n, row in enumerate(rows):
            row.ops.append(GridOp((self.left, split, self.right), top=n == 0,
                                  bottom=n == len(rows) - 1))
        return rows

    def value_rows(self, label_ops: list[Op], label: str, value_x: float, value: str,
                   continuation_x: float, right: float | None = None,
                   leaders: bool = True) -> list[Row]:
        """The label's line with the value after it, wrapped, leaders after the last word."""
        font = self.font()
        right = self.right if right is None else right
        words = value.split()
        rows: list[Row] = []
        x = value_x
        ops: list[Op] = list(label_ops)
        prefix = label
        while True:
            line = take_words(words, font, right - x) if words else []
            words = words[len(line):]
            text_line = " ".join(line)
            if line:
                ops.append(TextOp(x, text_line, font))
            end = x + (font.getlength(text_line) + font.getlength(" ") if line else 0)
            if not words and leaders:
                ops.extend(self.leader_ops(end, right))
            printed = " ".join(part for part in (prefix, text_line) if part)
            rows.append(Row(self.line_h, ops, printed or None))
            if not words:
                return rows
            x, ops, prefix = continuation_x, [], ""

    def next_line_rows(self, item: FieldItem) -> list[Row]:
        label = f"{item.label}:"
        rows = [Row(self.line_h, [TextOp(self.left, label, self.label_font())], label)]
        indent = self.left + self.mm(self.layout.value_indent_mm)
        if item.value:
            rows += self.value_rows([], "", indent, item.value, continuation_x=indent)
        elif self.layout.leader != "none":
            rows.append(Row(self.line_h, self.leader_ops(indent, self.right)))
        return rows

    def packed_row(self, items: list[FieldItem]) -> Row | None:
        """All pairs on one line in equal cells; None when one does not fit its cell."""
        cell = self.width / len(items)
        font, label_font = self.font(), self.label_font()
        space = font.getlength(" ")
        ops: list[Op] = []
        texts = []
        grid = self.layout.field_style == "grid"
        pad = self.mm(1.5) if grid else 0.0
        for n, item in enumerate(items):
            x0 = self.left + n * cell + pad
            label = f"{item.label[:1].upper() + item.label[1:] if n == 0 else item.label}:"
            label_end = x0 + label_font.getlength(label)
            value_x = label_end + space + self.mm(self.layout.lead_in_mm)
            if value_x + font.getlength(item.value) > x0 + cell - space * 2:
                return None
            ops.append(TextOp(x0, label, label_font))
            if self.layout.lead_in_mm:
                ops.extend(self.leader_ops(label_end + space / 2, value_x - space / 2))
            if item.value:
                ops.append(TextOp(value_x, item.value, font))
            end = value_x + (font.getlength(item.value) + space if item.value else 0)
            ops.extend(self.leader_ops(end, x0 + cell - space * 2))
            texts.append(f"{label} {item.value}".strip())
        if grid:
            ops.append(GridOp(tuple(self.left + n * cell for n in range(len(items) + 1)),
                              top=True, bottom=True))
        return Row(self.line_h, ops, " ".join(texts))

    def leader_ops(self, x0: float, x1: float) -> list[Op]:
        """Dot leaders from x0 to x1, when the layout prints them."""
        char = _LEADER_CHAR.get(self.layout.leader)
        if not char:
            return []
        font = self.font()
        count = int((x1 - x0) // font.getlength(char))
        return [TextOp(x0, char * count, font)] if count >= 3 else []

    # --- columns and signatures ----------------------------------------------------------------

    def columns_rows(self, block: Columns) -> list[Row]:
        split = self.left + self.width * _COLUMN_SPLIT
        rows = []
        for n in range(max(len(block.left), len(block.right))):
            ops: list[Op] = []
            texts = []
            rule = None
            halves = ((block.left, self.left, split), (block.right, split, self.right))
            for column, x0, x1 in halves:
                if n < len(column):
                    op, text = self.centred(column[n], x0, x1)
                    ops.append(op)
                    texts.append(text)
                    if column[n].rule_below:
                        width = op.font.getlength(text) * 0.7
                        rule = RuleOp((x0 + x1 - width) / 2, (x0 + x1 + width) / 2)
            rows.append(Row(self.line_h, ops, " ".join(texts)))
            if rule:
                rows.append(Row(self.line_h * 0.35, [rule]))
        return rows

    def centred(self, line: Text, x0: float, x1: float) -> tuple[TextOp, str]:
        font = self.fitted_font(line.text, x1 - x0 - self.mm(2), line.bold, line.italic, 0.95)
        width = font.getlength(line.text)
        return TextOp((x0 + x1 - width) / 2, line.text, font), line.text

    def signature_rows(self, block: Signatures) -> list[Row]:
        signers = block.signers
        if len(signers) == 1:
            columns = [(self.left + self.width * 0.5, self.right)]
        else:
            columns = [(self.left, self.left + self.width * 0.5), (self.left + self.width * 0.5,
                                                                     self.right)]
        rows = [Row(self.line_h * 0.5)]
        for attribute, bold, italic in (("title", True, False), ("hint", False, True)):
            lines = [Text(getattr(s, attribute), bold=bold, italic=italic) for s in signers]
            rows.append(self.columns_line(lines, columns))
        scribbles = [ScribbleOp(x0 + (x1 - x0) * 0.3, (x1 - x0) * 0.4, self.line_h * 1.6)
                     for x0, x1 in columns]
        rows += [Row(self.line_h * 1.2, scribbles), Row(self.line_h * 1.2)]
        rows.append(self.columns_line([Text(s.name, bold=True) for s in signers], columns))
        return rows

    def columns_line(self, lines: list[Text], columns: list[tuple[float, float]]) -> Row:
        ops, texts = [], []
        for line, (x0, x1) in zip(lines, columns, strict=True):
            op, text = self.centred(line, x0, x1)
            ops.append(op)
            texts.append(text)
        return Row(self.line_h, ops, " ".join(texts))


def take_words(words: list[str], font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """The longest prefix of ``words`` that fits ``width`` (at least one word)."""
    taken = 1
    while taken < len(words) and font.getlength(" ".join(words[: taken + 1])) <= width:
        taken += 1
    return words[:taken]


def wrap_words(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap."""
    words, lines = text.split(), []
    while words:
        line = take_words(words, font, width)
        lines.append(" ".join(line))
        words = words[len(line):]
    return lines or [""]


def justify(words: list[str], font: ImageFont.FreeTypeFont, x0: float, x1: float,
            last: bool) -> list[Op]:
    """Words spread to fill [x0, x1]; the last line of a paragraph stays ragged."""
    widths = [font.getlength(word) for word in words]
    space = font.getlength(" ")
    gap = space if last or len(words) < 2 else (x1 - x0 - sum(widths)) / (len(words) - 1)
    ops: list[Op] = []
    x = x0
    for word, width in zip(words, widths, strict=True):
        ops.append(TextOp(x, word, font))
        x += width + min(gap, space * 3)
    return ops


def draw_rows(rows: list[Row], setter: Typesetter, rng: random.Random) -> Image.Image:
    """Paint rows top to bottom on a white A4 page."""
    image = Image.new("L", setter.canvas_size, 255)
    draw = ImageDraw.Draw(image)
    y = setter.top
    symbols: list[tuple[SymbolOp, float]] = []  # pasted at their size after the squeeze
    rule_width = max(1, round(setter.mm(0.25)))
    for row in rows:
        for op in row.ops:
            if isinstance(op, TextOp):
                ascent, descent = op.font.getmetrics()
                baseline = y + (row.height + ascent - descent) / 2
                draw.text((op.x, baseline), op.text, font=op.font, fill=INK, anchor="ls")
            elif isinstance(op, RuleOp):
                draw.line([(op.x0, y + row.height / 2), (op.x1, y + row.height / 2)],
                          fill=INK, width=rule_width)
            elif isinstance(op, GridOp):
                draw_grid(draw, op, y, row.height, rule_width)
            elif isinstance(op, SymbolOp):
                symbols.append((op, y))
            else:
                draw_scribble(draw, op, y, rng, max(2, round(setter.mm(0.4))))
        y += row.height
    if image.size != page_size_px(setter.dpi):  # a condensed face (Layout.condense)
        image = image.resize(page_size_px(setter.dpi), Image.Resampling.LANCZOS)
    # A pixel at 300 DPI (0.085 mm) thinner, in whole pixels: none on a page of 100 DPI,
    # where a pixel is a third of a stem.
    for _ in range(round(setter.dpi / 300) if setter.layout.thin_ink else 0):
        image = thinned(image)
    for symbol, top in symbols:
        image.paste(symbol.image, (round(symbol.x * setter.layout.condense),
                                   round(top + symbol.top)))
    return image


def thinned(image: Image.Image) -> Image.Image:
    """The page with every stroke a pixel thinner (each pixel the lightest of itself and its
    neighbours right, below and diagonally): a face of hairline strokes and joins, whose
    hairlines print under a pixel wide at 300 DPI and break apart (Layout.thin_ink): a grey
    dilation by a 2×2 square anchored at its top left."""
    light = cv2.dilate(np.asarray(image), np.ones((2, 2), np.uint8), anchor=(0, 0))
    return Image.fromarray(light)


def draw_grid(draw: ImageDraw.ImageDraw, op: GridOp, y: float, height: float,
              width: int) -> None:
    """The rules of one table row."""
    for x in op.xs:
        draw.line([(x, y), (x, y + height)], fill=INK, width=width)
    for edge, wanted in ((y, op.top), (y + height, op.bottom)):
        if wanted:
            draw.line([(op.xs[0], edge), (op.xs[-1], edge)], fill=INK, width=width)


def draw_scribble(draw: ImageDraw.ImageDraw, op: ScribbleOp, y: float, rng: random.Random,
                  width: int) -> None:
    """A hand signature: a few loops along a slanted baseline."""
    loops, phase = rng.uniform(2.5, 4.5), rng.uniform(0, math.pi)
    steps = 80
    points = []
    for step in range(steps + 1):
        t = step / steps
        x = op.x + op.width * t + op.width * 0.08 * math.sin(2 * math.pi * loops * t)
        y_t = y + op.height * (0.6 - 0.25 * t + 0.3 * math.cos(2 * math.pi * loops * t + phase))
        points.append((x, y_t))
    draw.line(points, fill=40, width=width, joint="curve")


def render_page(content: PageContent, layout: Layout, dpi: int,
                rng: random.Random) -> RenderedPage:
    """Typeset ``content`` upright on white A4; shrink until it fits the page."""
    shrink = 1.0
    setter = Typesetter(layout, dpi, shrink)
    rows = setter.rows(content.blocks)
    while sum(r.height for r in rows) > setter.bottom - setter.top and shrink > 0.6:
        shrink *= 0.94
        setter = Typesetter(layout, dpi, shrink)
        rows = setter.rows(content.blocks)
    image = draw_rows(rows, setter, rng)
    text = "\n".join(r.text.strip() for r in rows if r.text and r.text.strip())
    return RenderedPage(image, text)
