"""The published JSON Schemas, generated from the models: the extracted JSON of a record
(contract §3) and the dossier document (§6).

Regenerate after changing schemas/document.py or schemas/dossier.py:  python -m schemas.jsonschema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.document import DossierDocument
from schemas.dossier import DossierJson

SCHEMA_PATH = Path(__file__).with_name("dossier-document.schema.json")
SCHEMA_ID = "https://sohoa.invalid/schemas/dossier-document.schema.json"
DOSSIER_SCHEMA_PATH = Path(__file__).with_name("dossier.schema.json")
DOSSIER_SCHEMA_ID = "https://sohoa.invalid/schemas/dossier.schema.json"


def json_schema_of(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    """JSON Schema (2020-12) of a document downstream systems read."""
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, **schema}


def dossier_json_schema() -> dict[str, Any]:
    """JSON Schema of a record's extracted JSON."""
    return json_schema_of(DossierDocument, SCHEMA_ID)


def render_schema(schema: dict[str, Any] | None = None) -> str:
    """A schema as committed (the record's when none is given)."""
    return json.dumps(schema or dossier_json_schema(), indent=2, ensure_ascii=False,
                      sort_keys=True) + "\n"


def render_dossier_schema() -> str:
    """The dossier document's schema as committed."""
    return render_schema(json_schema_of(DossierJson, DOSSIER_SCHEMA_ID))


def main() -> None:
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    DOSSIER_SCHEMA_PATH.write_text(render_dossier_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH} and {DOSSIER_SCHEMA_PATH}")


if __name__ == "__main__":
    main()
