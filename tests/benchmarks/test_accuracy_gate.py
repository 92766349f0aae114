"""The accuracy gate: a regression on degraded scans fails the suite.

A small fixed-seed corpus — 3 files per tier in tuning layouts and 1 per tier in the held-out
layout «bordered» (ruled tables, footnote markers, older wordings, a held-out font), 12 single
pages of the two form types — goes through the very steps ``benchmarks/accuracy.py`` runs
(real Tesseract, default settings), and each tier's field accuracy and precision must stay
above floors a few points under what the benchmark measures (see ``FLOORS``). It never skips:
without Tesseract the pipeline fails and so does this test.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.accuracy import TIERS, run_pipeline, score_corpus
from benchmarks.scoring import TierScore
from samples.generate import generate_corpus
from samples.layouts import HELD_OUT_LAYOUTS, tuning_layouts
from samples.truth import Truth

SEED = 18
GATE_HELD_OUT = "bordered"
# The tuning layouts the gate was set on, fixed: new tuning layouts (issue 18's analogues of
# the held-out ones) would change which layout each seeded file draws, and so the corpus the
# floors were measured on.
GATE_TUNING = ("classic", "next_line", "two_column", "compact", "serif", "tabbed",
               "typewriter", "ruled_table", "footnoted")
FORMS = ("birth_registration", "dossier_receipt")
# Per tier: (field accuracy, precision) floors. This corpus measured, when the gate was set
# (2026-12-02, ~50 fields a tier, so one field is 2 points): clean 0.929 / 1.000, mild
# 0.860 / 0.977, hard 0.750 / 1.000; the benchmark's figures are in the issue-18 note. A floor
# sits a few points under, so OCR noise passes and a real regression (hard accuracy falling
# to 0.6, a few more wrong values given) does not.
FLOORS: dict[str, tuple[float, float]] = {
    "clean": (0.88, 0.95),
    "mild": (0.80, 0.93),
    "hard": (0.65, 0.93),
}


@pytest.fixture(scope="module")
def gate() -> Iterator[tuple[list[Truth], dict[str, TierScore]]]:
    """The gate corpus's truths and its scores per tier (both parts together)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-gate-") as scratch:
        base = Path(scratch)
        previous = os.environ.get("SOHOA_DATA_DIR")
        os.environ["SOHOA_DATA_DIR"] = str(base / "data")  # Tesseract's scratch files
        truths: list[Truth] = []
        scores = {tier: TierScore() for tier in (*TIERS, "all")}
        try:
            for part, layouts, count in (("tuning", list(GATE_TUNING), 9),
                                         ("held_out", [GATE_HELD_OUT], 3)):
                part_truths = generate_corpus(
                    base / part / "corpus", count=count, seed=SEED, layouts=layouts,
                    formats=("png", "jpeg"), doc_types=FORMS,
                    truth_dir=base / part / "truth", workers=2)
                run_pipeline(sorted((base / part / "corpus").glob("sample-*")),
                             base / part / "json")
                for tier, score in score_corpus(part_truths, base / part / "json").items():
                    scores[tier].add(score)
                truths += part_truths
        finally:
            if previous is None:
                os.environ.pop("SOHOA_DATA_DIR", None)
            else:
                os.environ["SOHOA_DATA_DIR"] = previous
        yield truths, scores


def test_the_gate_corpus_spans_every_tier_and_a_held_out_layout(gate) -> None:
    truths = gate[0]
    assert GATE_HELD_OUT in HELD_OUT_LAYOUTS
    assert set(GATE_TUNING) <= set(tuning_layouts())
    assert {t.tier for t in truths} == set(TIERS)
    assert {t.tier for t in truths if t.layout == GATE_HELD_OUT} == set(TIERS)
    assert len(truths) <= 12


@pytest.mark.parametrize("tier", TIERS)
def test_field_accuracy_and_precision_stay_above_the_floors(gate, tier: str) -> None:
    """GIVEN the gate corpus read with default settings WHEN scored per tier THEN field
    accuracy and precision are at or above the tier's floors."""
    accuracy_floor, precision_floor = FLOORS[tier]
    score = gate[1][tier]
    assert score.files == 4
    print(f"{tier}: accuracy {score.field_accuracy:.3f} precision {score.field_precision:.3f}"
          f" review {score.review_rate:.2f}")
    assert score.field_accuracy >= accuracy_floor
    assert score.field_precision >= precision_floor
