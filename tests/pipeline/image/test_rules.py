"""Ruled lines of tables are painted out before OCR; text, accents and brackets are kept."""

from __future__ import annotations

import numpy as np

from pipeline.image.rules import remove_ruled_lines, rule_mask
from samples.generate import render_form

DPI = 200


def test_table_rules_go_and_the_text_stays() -> None:
    """GIVEN a form in a bordered-table layout (tuning «ruled_table») WHEN its rules are
    removed THEN no pixel row or column stays dark across a table, and most ink remains."""
    _, pixels, _ = render_form("birth_registration", "ruled_table", dpi=DPI, seed=2)
    cleaned = remove_ruled_lines(pixels)
    dark = cleaned < 128
    assert dark.mean(axis=1).max() < 0.4  # before: a rule is dark across >70 % of the width
    assert (pixels < 128).mean(axis=1).max() > 0.7
    assert dark.sum() > 0.6 * (pixels < 128).sum()


def test_a_page_without_tables_keeps_its_letters() -> None:
    """GIVEN a form with no table («classic») WHEN rules are removed THEN only the short rule
    under the national motto goes: a few per cent of the ink."""
    _, pixels, _ = render_form("dossier_receipt", "classic", dpi=DPI, seed=2)
    ink = (pixels < 128).sum()
    assert rule_mask(pixels).sum() < 0.03 * ink
    assert np.array_equal(remove_ruled_lines(np.full((50, 60), 255, np.uint8)),
                          np.full((50, 60), 255, np.uint8))


def test_the_stems_of_large_letters_on_a_small_image_are_no_rules() -> None:
    """GIVEN an image of one line of 40-px text, 160 px high (a crop, a phone photo) WHEN
    rules are looked for THEN the stems of «l», «đ», «H» are kept: a rule is longer than a
    few letter heights, not only a share of the page (2 % of 160 px is 3 px)."""
    from PIL import Image, ImageDraw, ImageFont

    from samples.layouts import font_path

    image = Image.new("L", (1000, 160), 255)
    font = ImageFont.truetype(str(font_path("DejaVu Sans")), 40)
    ImageDraw.Draw(image).text((40, 50), "Hồ sơ lô-b số 01 — Thạch Hạ đã lưu", fill=0, font=font)
    pixels = np.asarray(image)
    assert rule_mask(pixels).sum() < 0.02 * (pixels < 128).sum()
    # A real rule across such an image still goes.
    ruled = pixels.copy()
    ruled[140:143, 20:980] = 0
    assert rule_mask(ruled)[141, 500] and rule_mask(ruled)[141, 20:980].mean() > 0.95


def test_a_page_with_horizontal_rules_only_is_left_as_it_is() -> None:
    """GIVEN a page whose only rules are horizontal (the lines under a decree's header, a
    signature line), or with a received stamp's box WHEN rules are removed THEN nothing is
    painted: there is no table; a table's three columns of rules are painted out."""
    page = np.full((1200, 900), 255, np.uint8)
    page[300:303, 100:800] = 0
    page[900:903, 450:850] = 0
    assert rule_mask(page).any()
    assert remove_ruled_lines(page) is page
    stamp = page.copy()  # a received stamp's box: two vertical rules, no table
    stamp[250:600, 100:103] = 0
    stamp[250:600, 497:500] = 0
    assert remove_ruled_lines(stamp) is stamp
    table = page.copy()  # label | value: three vertical rules
    for x in (100, 400, 797):
        table[250:1000, x:x + 3] = 0
    assert not (remove_ruled_lines(table)[250:1000, 101] < 128).any()


def test_the_quick_tests_paint_what_the_full_rule_search_finds() -> None:
    """GIVEN a ruled table, a form without one and a page of short vertical strokes WHEN
    rules are removed (a page with no vertical run as long as a rule is let go before its
    letters are measured) THEN the result is, pixel for pixel, the full search's rule mask
    painted white on a page with a table, and the page itself otherwise."""
    from pipeline.image.rules import has_table, mask_of, rule_lines, table_ruled

    _, table, _ = render_form("birth_registration", "ruled_table", dpi=DPI, seed=3)
    _, form, _ = render_form("dossier_receipt", "classic", dpi=DPI, seed=3)
    strokes = np.full((1200, 900), 255, np.uint8)
    for x in range(100, 800, 40):
        strokes[300:318, x:x + 3] = 0  # 18 px: shorter than any rule
    for page in (table, form, strokes):
        across, down = rule_lines(page)
        expected = page.copy()
        if table_ruled(down):
            expected[mask_of(across, down)] = 255
        assert np.array_equal(remove_ruled_lines(page), expected)
        assert has_table(page) is table_ruled(down)  # the vertical rules only, the same answer
    assert not np.array_equal(remove_ruled_lines(table), table)
    assert has_table(table) and not has_table(form)
