"""Text folding and clean-up helpers."""

import pytest

from pipeline.text import (
    clean_text,
    cut_at_leader,
    fold,
    is_debris,
    letters_key,
    match_key,
    nfc,
    remove_footnotes,
    squeeze,
    strip_edges,
    uppercase_share,
)


def test_fold_strips_vietnamese_diacritics_and_d_bar():
    assert fold("Họ, chữ đệm, TÊN Đường") == "ho, chu dem, ten duong"


def test_fold_folds_every_character_as_the_one_character_rule_does():
    """GIVEN every Unicode scalar value WHEN folded alone and within text THEN what the
    one-character rule (``_fold_char``) gives: the remembered table changes nothing."""
    from pipeline.text import _fold_char

    characters = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]
    assert [fold(c) for c in characters] == [
        "".join(_fold_char(part) for part in nfc(c)) for c in characters]
    text = "Ngày 05 tháng 3 năm 2024 — Đ/c NGUYỄN Thị Ánh Tuyết, ﬁ İ ß \u0301e"
    assert fold(text) == "".join(_fold_char(c) for c in nfc(text))


def test_fold_keeps_length_of_nfc_text_so_positions_carry_over():
    decomposed = "Nguye\u0302\u0303n"  # «Nguyễn» with combining marks
    assert len(fold(decomposed)) == len(nfc(decomposed)) == 6


@pytest.mark.parametrize(("text", "key"), [
    ("Họ, chữ đệm, tên người yêu cầu:", "ho chu dem ten nguoi yeu cau"),
    ("  Quốc   tịch(1): ", "quoc tich 1"),
    ("....", ""),
])
def test_match_key(text, key):
    assert match_key(text) == key


@pytest.mark.parametrize(("text", "expected"), [
    ("Kinh ...........", "Kinh"),
    ("Việt Nam……", "Việt Nam"),
    ("  : Ủy ban nhân dân   xã Thạch Hạ ..... ", "Ủy ban nhân dân xã Thạch Hạ"),
    ("Nơi cư trú(2)", "Nơi cư trú"),
    ("Giấy chứng sinh (bản chính).", "Giấy chứng sinh (bản chính)"),
    ("(ghi bằng chữ", "ghi bằng chữ"),
])
def test_clean_text(text, expected):
    assert clean_text(text) == expected


def test_cut_at_leader_keeps_what_precedes_the_dots():
    assert cut_at_leader("12/05/2024............----c") == "12/05/2024"
    assert cut_at_leader("0979.134.481") == "0979.134.481"  # single dots are not leaders


@pytest.mark.parametrize(("token", "debris"), [
    ("..........", True), ("-----<<", True), ("…", True), ("Nam", False), ("0979.134", False),
])
def test_is_debris(token, debris):
    assert is_debris(token) is debris


def test_remove_footnotes_and_squeeze_and_edges():
    assert remove_footnotes("Dân tộc(1) ²") == "Dân tộc "
    assert remove_footnotes("Nơi cư trú(1} Email(2]:") == "Nơi cư trú Email:"  # Open Sans Light
    assert squeeze("  a \t b\n c ") == "a b c"
    assert strip_edges("-- «x» ::") == "«x»"
    assert strip_edges("ˆ Nguyễn Văn An_ˆ ¬") == "Nguyễn Văn An"  # specks read as marks


def test_uppercase_share():
    assert uppercase_share("TỜ KHAI") == 1.0
    assert uppercase_share("Tờ khai") == pytest.approx(1 / 6)
    assert uppercase_share("123") == 0.0


@pytest.mark.parametrize(("text", "expected"), [
    ("Ủy ban.nhân dân xã.Uy Nỗ", "Ủy ban nhân dân xã Uy Nỗ"),
    ("Trạm y tế 'phường Hưng Bình", "Trạm y tế phường Hưng Bình"),
    ("xóm Nam Hải; xã Hải: Minh, huyện: Hải Hậu", "xóm Nam Hải, xã Hải Minh, huyện Hải Hậu"),
    ("Việt Nam ¬ \" |", "Việt Nam"),
    ("Mẫu số 04a/ĐK (bản sao) - TP.HCM", "Mẫu số 04a/ĐK (bản sao) - TP.HCM"),
])
def test_clean_text_removes_noise_marks_but_keeps_value_punctuation(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize(("first", "second", "same"), [
    ("Hòa,", "Hoà", True),  # a tone mark placed on either vowel, a comma kept or cut
    ("ĐỒNG", "Đồng", True),
    ("Đông", "Đồng", False),  # a wrong tone mark
    ("Lăn", "Lãn", False),
    ("Tan", "Tân", False),
])
def test_readings_are_compared_by_their_letters_and_marks(first, second, same):
    assert (letters_key(first) == letters_key(second)) is same


def test_fold_and_match_key_answer_as_computed_and_remember_short_texts_only():
    """GIVEN Vietnamese texts, decomposed accents among them, and a page's length of text
    WHEN folded and keyed twice THEN the answers are those computed afresh; the short ones
    are remembered the second time, the long one never (a worker folds every page's text)."""
    from pipeline import text as t

    texts = ["Ủy ban nhân dân xã Đồng Lạc", "Nguye\u0302\u0303n Thị Hằng", "Ngày,tháng,nămsinh:",
             "ĐĂNG KÝ KHAI SINH (1)"]
    page = "Ủy ban nhân dân xã Đồng Lạc, " * 40
    for function, computed, remembered in ((t.fold, t._fold, t._fold_remembered),
                                           (t.match_key, t._match_key, t._match_key_remembered)):
        fresh = [computed(text) for text in texts]
        remembered.cache_clear()
        assert [function(text) for text in texts] == fresh
        hits = remembered.cache_info().hits
        assert [function(text) for text in texts] == fresh
        assert remembered.cache_info().hits == hits + len(texts)
        kept = remembered.cache_info().currsize
        assert function(page) == computed(page) and function(page) == computed(page)
        assert remembered.cache_info().currsize == kept
