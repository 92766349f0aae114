"""Records waiting for review with a real searchable PDF, and the operators who may review
them, for the review page's tests (TestClient and Chromium alike)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from config.settings import OperatorSettings, Settings
from office.operators import hash_password
from office.services import Services
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from tests.office.review_builders import RECEIPT_FIELDS, waiting_record

TOKEN = "test-token-0123456789abcdef"
OPERATOR = "Trần Thị Lan"
PASSWORD = "mật khẩu của Lan 2026"
PAGE_SIZE = (1654, 2339)  # A4 at 200 dpi, as the receipt's boxes were read
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = {"dossier_code": "Mã hồ sơ: ", "applicant_name": "Tiếp nhận hồ sơ của: ",
         "phone": "Số điện thoại: ", "request_content": "Nội dung yêu cầu giải quyết: ",
         "document_count": "Số lượng hồ sơ: ", "received_at": "Thời gian nhận hồ sơ: ",
         "due_at": "Thời gian trả kết quả: "}


def receipt_pdf() -> bytes:
    """A one-page PDF whose page picture (1654 × 2339 px) prints each receipt field's value
    inside its box, as a scan stored by the pipeline would."""
    page = Image.new("L", PAGE_SIZE, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 26)
    draw.text((560, 200), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", font=font, fill=0)
    for key, label in LINES.items():
        x0, y0, _x1, _y1 = RECEIPT_FIELDS[key]["bbox"]
        draw.text((x0 - 560, y0), label, font=font, fill=0)
        draw.text((x0, y0), str(RECEIPT_FIELDS[key]["value"]), font=font, fill=0)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=200)
    return out.getvalue()


def review_services(data_dir: Path) -> Services:
    """Services on SQLite and a local store in ``data_dir``, with the API token and one
    operator configured."""
    operator = OperatorSettings(name=OPERATOR, password_hash=hash_password(PASSWORD))
    return Services(Settings(data_dir=data_dir, database_url=None, object_store="local",
                             store_dir=None, doctypes_dir=None, api_token=TOKEN,
                             operators=[operator]))


def waiting_receipts(services: Services) -> list[DossierRecord]:
    """Two receipts waiting for review at two stations (the first older), with their PDFs;
    and one digitized without doubts, which the queue does not list."""
    pdf = receipt_pdf()
    first = waiting_record(services, name="biên nhận 01.pdf", station="mot-cua", pdf=pdf)
    second = waiting_record(services, name="biên nhận 02.pdf", station="tu-phap", pdf=pdf,
                            reasons=["phone «091234» is not a valid phone"])
    waiting_record(services, name="biên nhận 03.pdf", status=Status.DIGITIZED, pdf=pdf)
    return [first, second]
