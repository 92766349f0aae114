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
