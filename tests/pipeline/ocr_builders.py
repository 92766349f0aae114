"""Build PageOcr objects from plain text lines, with plausible word boxes and confidences.

Each text line becomes one OCR line; words get boxes from a fixed character width. A tab
(``\\t``) puts what follows at a tab stop, as a separate OCR line in another block, the way
Tesseract reads a label column and a value column.
"""

from __future__ import annotations

from schemas.ocr import OcrLine, OcrWord, PageOcr

CHAR_WIDTH = 20
LINE_HEIGHT = 60
WORD_HEIGHT = 40
LEFT = 200
TAB_X = 1100


def _words(text: str, x: int, y: int, confidence: float,
           confidences: dict[str, float]) -> list[OcrWord]:
    words = []
    for word in text.split():
        width = CHAR_WIDTH * len(word)
        words.append(OcrWord(text=word, confidence=confidences.get(word, confidence),
                             bbox=(x, y, x + width, y + WORD_HEIGHT)))
        x += width + CHAR_WIDTH
    return words


def _lines_of(text: str, index: int, confidence: float,
              confidences: dict[str, float]) -> list[OcrLine]:
    y = 100 + index * LINE_HEIGHT
    lines = []
    for part, segment in enumerate(text.split("\t")):
        words = _words(segment, LEFT if part == 0 else TAB_X, y, confidence, confidences)
        if words:
            lines.append(OcrLine(words=words, block=1 + 100 * part, paragraph=1, line=index + 1))
    return lines


def make_page(lines: list[str], *, number: int = 1, confidence: float = 95.0,
              confidences: dict[str, float] | None = None) -> PageOcr:
    """A page whose OCR read exactly ``lines``; ``confidences`` overrides single words."""
    ocr_lines = [ln for i, text in enumerate(lines)
                 for ln in _lines_of(text, i, confidence, confidences or {})]
    words = [w for ln in ocr_lines for w in ln.words]
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageOcr(number=number, width=2480, height=3508, lines=ocr_lines,
                   text="\n".join(ln.text for ln in ocr_lines), mean_confidence=mean)


BIRTH_FORM = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân xã Thạch Hạ",
    "Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ HƯƠNG",
    "Nơi cư trú: thôn Hòa Bình, xã Thạch Hạ, thành phố Hà Tĩnh",
    "Giấy tờ tùy thân: CCCD số 042190001234, cấp ngày 03/09/2021, nơi cấp: Bộ Công an",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
    "Ngày, tháng, năm sinh: 12/05/2024 (ghi bằng chữ: ngày mười hai, tháng năm)",
    "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Nơi sinh: Trạm y tế xã Thạch Hạ",
    "Quê quán: xã Thạch Hạ, thành phố Hà Tĩnh",
    "Họ, chữ đệm, tên người mẹ: NGUYỄN THỊ HƯƠNG",
    "Năm sinh: 1990 Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Nơi cư trú: thôn Hòa Bình, xã Thạch Hạ",
    "Họ, chữ đệm, tên người cha: TRẦN VĂN BÌNH",
    "Năm sinh: 1988 Dân tộc: Tày Quốc tịch: Việt Nam",
    "Nơi cư trú: thôn Tân Học, xã Thạch Hạ",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
    "Làm tại: xã Thạch Hạ, ngày 20 tháng 05 năm 2024",
]

RECEIPT_FORM = [
    "UBND XÃ THẠCH HẠ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "Mã hồ sơ: 000.00.21.H27-241128-0001",
    "Bộ phận tiếp nhận và trả kết quả UBND xã Thạch Hạ",
    "Tiếp nhận hồ sơ của: LÊ VĂN NAM",
    "Địa chỉ: thôn Hòa Bình, xã Thạch Hạ",
    "Số điện thoại: +84 912 345 678 Email: Nam.Le@Gmail.com",
    "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
    "1. Thành phần hồ sơ nộp gồm:",
    "1) Tờ khai đăng ký khai sinh (bản chính)",
    "2. Số lượng hồ sơ: 01 (bộ)",
    "3. Thời gian giải quyết hồ sơ theo quy định là: 01 ngày",
    "4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 28 tháng 11 năm 2024",
    "5. Thời gian trả kết quả giải quyết hồ sơ: 14 giờ 00 phút, ngày 29 tháng 11 năm 2024",
    "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa UBND xã Thạch Hạ",
    "Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 22",
]
