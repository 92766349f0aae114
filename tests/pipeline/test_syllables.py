"""Vietnamese spelling rules that tell a misread word from a real one."""

import pytest

from pipeline.values.syllables import (
    is_abbreviation,
    is_plausible_word,
    is_syllable,
    place_tone,
    tone_placements,
)


@pytest.mark.parametrize("word", [
    "Nguyễn", "Thị", "Hương", "quyền", "Quỳnh", "giữa", "gì", "Khuyến", "nghiêng", "Tuyết",
    "Ngọc", "thuở", "Thuỷ", "Thủy", "khuya", "y", "TRƯƠNG", "Krông", "Pắc", "Đắk", "Ea",
    "tiếng", "thuế", "cửa", "rượu", "người", "gửi", "Tuấn", "BẾN", "lưỡi", "hoà", "hòa"])
def test_real_syllables_pass(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", [
    "thănh",  # «ăn» takes no «h»
    "tỉh", "Trudg", "LắR", "Mxiỹ", "tỉah",
    "v",  # «y» read as «v»
    "hộc̀",  # two tone marks
    "thàt",  # a stop final takes only the acute or dot-below tone
    "Bêú", "BÊÚ", "tươí", "Nguyêñ",  # the tone off the vowel with a quality mark
])
def test_misreads_fail(word):
    assert not is_syllable(word)


def test_words_of_values():
    assert is_abbreviation("UBND") and not is_abbreviation("Ubnd")
    assert all(is_plausible_word(w) for w in ["12", "04a/ĐK", "CT01", "(bản", "sao)", "1,"])
    assert not is_plausible_word("1ĩnh")  # «Tĩnh» with its T read as 1
    # «Cấp» with its p read as 6 (a clean tuning receipt, seed 41): a vowel's mark, no tone
    assert not is_plausible_word("Câ6") and not is_plausible_word("ươ1")
    assert is_plausible_word("50.000đ") and is_plausible_word("12A")


@pytest.mark.parametrize(("word", "placements"), [
    ("Hòa", {"hòa", "hoà"}), ("thuý", {"thúy", "thuý"}), ("Khoẻ", {"khỏe", "khoẻ"}),
    ("Giàng", {"giàng"}), ("Gìang", {"gìang"}), ("Hương", {"hương"}), ("Hoa", {"hoa"}),
])
def test_tone_placements_allow_both_styles_only_where_both_are_in_use(word, placements):
    assert tone_placements(word) == placements


@pytest.mark.parametrize(("read", "placed"), [
    # the tone read over the vowel beside the one with a quality mark (DejaVu Sans Mono,
    # mild tuning forms at seed 63: «quận Câù Giâý»)
    ("Câù", "Cầu"), ("Giâý,", "Giấy,"), ("GIÂÝ", "GIẤY"), ("rươụ", "rượu"),
    # as read: already in place, no quality mark, a mark over a consonant, no syllable after
    ("Cầu", "Cầu"), ("Hòa", "Hòa"), ("Hoà", "Hoà"), ("Bêñ", "Bêñ"), ("Quôé", "Quôé"),
])
def test_a_tone_read_over_the_wrong_vowel_is_placed_on_the_marked_one(read, placed):
    assert place_tone(read) == placed
