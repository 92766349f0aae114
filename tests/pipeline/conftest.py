"""Synthetic dossier pages for the preprocessing tests: Vietnamese text on A4 at 200 DPI.

Rendered with Pillow in DejaVu (installed with fonts-dejavu-core), so no sample file is
committed. 200 DPI keeps the tests fast while letters, diacritics and dots stay as small as
on a real office scan.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

DPI = 200
A4_PIXELS = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # width, height: 1654 × 2339
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "TỜ KHAI ĐĂNG KÝ KHAI SINH"
REQUESTER = "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hương"
BODY = [
    "Kính gửi: Ủy ban nhân dân xã Hải Minh, huyện Hải Hậu",
    REQUESTER,
    "Nơi cư trú: xóm Nam Hải, xã Hải Minh, huyện Hải Hậu, tỉnh Nam Định",
    "Giấy tờ tùy thân: Căn cước công dân số 036188598674, cấp ngày 03/09/2021",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: Trần Minh Đức",
    "Ngày, tháng, năm sinh: 12/05/2024, ghi bằng chữ: ngày mười hai, tháng năm",
    "Giới tính: Nam        Dân tộc: Kinh        Quốc tịch: Việt Nam",
    "Nơi sinh: Bệnh viện đa khoa tỉnh Nam Định",
    "Quê quán: xã Hải Minh, huyện Hải Hậu, tỉnh Nam Định",
    "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Hương, năm sinh 1992",
    "Họ, chữ đệm, tên người cha: Trần Văn Lộc, năm sinh 1990",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật,",
    "được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.",
    "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.",
    "Làm tại: xã Hải Minh, huyện Hải Hậu, ngày 24 tháng 06 năm 2024",
]


def points(size_pt: float) -> int:
    """Font size in pixels at the test DPI."""
    return round(size_pt / 72 * DPI)


def render_page(font: str = SANS, size_pt: float = 12, body: list[str] | None = None) -> np.ndarray:
    """An upright A4 dossier page: white paper (255), black text (0), uint8 grey."""
    image = Image.new("L", A4_PIXELS, 255)
    draw = ImageDraw.Draw(image)
    width = A4_PIXELS[0]
    y = points(60)
    for text, path, size in ((HEADER, SANS_BOLD, 13), (MOTTO, SANS_BOLD, 13),
                             (TITLE, SANS_BOLD, 15)):
        face = ImageFont.truetype(path, points(size))
        draw.text(((width - draw.textlength(text, font=face)) / 2, y), text, font=face, fill=0)
        y += round(points(size) * 2.0)
    face = ImageFont.truetype(font, points(size_pt))
    left = round(25 / 25.4 * DPI)
    for line in body if body is not None else BODY:
        draw.text((left, y), line, font=face, fill=0)
        y += round(points(size_pt) * 1.6)
    return np.asarray(image).copy()


def skew_page(page: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """Turn the content by ``degrees`` counter-clockwise as viewed (lines rise to the right
    for a positive angle), keeping the page size — as a page lying askew on the glass."""
    height, width = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    border = (fill,) * (1 if page.ndim == 2 else page.shape[2])
    return cv2.warpAffine(page, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def square_sheet(page: np.ndarray, margin: int = 20) -> np.ndarray:
    """The page's text on a white square as wide as its diagonal, so that ``skew_page`` by
    any angle keeps all of it (an A4 page turned 30° in its own frame loses its corners)."""
    left, top, right, bottom = ink_bbox(page)
    text = page[max(top - margin, 0):bottom + margin, max(left - margin, 0):right + margin]
    side = int(np.ceil(np.hypot(*text.shape)))
    sheet = np.full((side, side), 255, dtype=np.uint8)
    y, x = (side - text.shape[0]) // 2, (side - text.shape[1]) // 2
    sheet[y:y + text.shape[0], x:x + text.shape[1]] = text
    return sheet


def turn_page(page: np.ndarray, rotation: int) -> np.ndarray:
    """The page as scanned turned: it needs ``rotation`` degrees clockwise to read upright."""
    return np.ascontiguousarray(np.rot90(page, k=rotation // 90))


def degrade(page: np.ndarray, seed: int = 0, paper: float = 200, ink: float = 70,
            noise: float = 8.0) -> np.ndarray:
    """Grey paper, faded ink and sensor noise, like an ordinary office scan."""
    rng = np.random.default_rng(seed)
    pixels = ink + (paper - ink) * page.astype(np.float32) / 255
    pixels += rng.standard_normal(page.shape).astype(np.float32) * noise
    return np.clip(pixels, 0, 255).astype(np.uint8)


def ink_bbox(gray: np.ndarray, threshold: int = 128) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of pixels darker than ``threshold``; right/bottom exclusive."""
    rows, cols = np.nonzero(gray < threshold)
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


@pytest.fixture(scope="session")
def text_page() -> np.ndarray:
    """The upright sans-serif page, rendered once for the session (do not modify it)."""
    page = render_page()
    page.flags.writeable = False
    return page


@pytest.fixture(scope="session")
def serif_page() -> np.ndarray:
    """The same page set in DejaVu Serif, 11 pt."""
    page = render_page(SERIF, 11)
    page.flags.writeable = False
    return page
