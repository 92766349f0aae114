"""The benchmark's tally of review reasons (``benchmarks.accuracy.reason_kind``)."""

import json

import pytest

from benchmarks.accuracy import reason_kind, reason_tally
from samples.truth import Truth


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (
            "required field child_dob («Ngày, tháng, năm sinh») was not found",
            ("child_dob", "was not found"),
        ),
        (
            "field requester_residence («Nơi cư trú») was left out: «thôn Tần Học, xã Thạch Hạ» "
            "has a word read two ways («Tần», enlarged «Tân»)",
            ("requester_residence", "left out: has a word read two ways («…», enlarged «…»)"),
        ),
        (
            "required field child_name («Họ, chữ đệm, tên») was read with low confidence 0.42",
            ("child_name", "was read with low confidence N"),
        ),
        (
            "page 1: mean OCR confidence 41 is below 50",
            ("-", "page N: mean OCR confidence N is below N"),
        ),
    ],
)
def test_a_reason_is_its_field_and_its_kind_without_what_was_read(reason, kind):
    assert reason_kind(reason) == kind


def test_the_tally_counts_each_kind_per_tier_and_overall(tmp_path):
    # Only a truth's file and tier count here.
    truths = [
        Truth.model_construct(file=f"sample-{i}.png", tier=tier)
        for i, tier in enumerate(("clean", "mild", "mild"))
    ]
    reasons = [
        [],
        ["required field a («A») was not found"],
        ["required field a («A») was not found", "field b («B») was left out: «7» x"],
    ]
    for truth, given in zip(truths, reasons, strict=True):
        (tmp_path / f"{truth.file.split('.')[0]}.json").write_text(
            json.dumps({"review_reasons": given}), encoding="utf-8"
        )
    tally = reason_tally(truths, tmp_path)
    assert tally["clean"] == {}
    assert tally["mild"][("a", "was not found")] == 2
    assert tally["all"][("b", "left out: x")] == 1
