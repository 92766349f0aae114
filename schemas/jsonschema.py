"""The published JSON Schema of the extracted JSON, generated from the model.

Regenerate after changing schemas/document.py:  python -m schemas.jsonschema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.document import DossierDocument

SCHEMA_PATH = Path(__file__).with_name("dossier-document.schema.json")
SCHEMA_ID = "https://sohoa.invalid/schemas/dossier-document.schema.json"


def dossier_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of the document downstream systems read."""
    schema = DossierDocument.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    return json.dumps(dossier_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
