"""The dossier code (contract §1 `dossier_receipt`, §6): what every layer checks a code by."""

from __future__ import annotations

import re

# Uppercase, no spaces, e.g. 000.00.21.H27-241128-0001.
DOSSIER_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")


def is_dossier_code(text: str) -> bool:
    """Whether ``text`` is a whole dossier code."""
    return DOSSIER_CODE.fullmatch(text) is not None
