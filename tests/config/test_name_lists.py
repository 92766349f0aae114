"""The name lists in config/ are spelt as Vietnamese is: a typo there would refuse real names."""

import unicodedata
from importlib import resources

import pytest
import yaml

from pipeline.values.syllables import is_syllable

# Family names of Ê Đê, Gia Rai and other Central Highlands peoples, spelt outside the rules
# of Kinh syllables.
HIGHLAND_NAMES = {"Ksor", "Rahlan", "Rmah", "Mlô", "Niê", "Kpă", "H"}


def listed(file: str, key: str) -> list[str]:
    return yaml.safe_load((resources.files("config") / file).read_text(encoding="utf-8"))[key]


@pytest.mark.parametrize(("file", "key"), [("given_names.yaml", "names"),
                                           ("surnames.yaml", "surnames")])
def test_every_listed_name_is_one_capitalised_nfc_syllable(file, key):
    names = listed(file, key)
    assert len(names) > 100
    bad = [name for name in names
           if not (is_syllable(name) or name in HIGHLAND_NAMES)
           or name != unicodedata.normalize("NFC", name) or not name[0].isupper()]
    assert bad == []


def test_given_names_hold_no_misreading_the_check_exists_to_refuse():
    """«Hãng», «Hướng», «Thủ» are what Tesseract reads for «Hằng», «Hưởng», «Thu»: listing
    them would let those misreadings through (pipeline.values.names.name_word_problem)."""
    assert {"Hãng", "Hướng", "Thủ"}.isdisjoint(listed("given_names.yaml", "names"))
