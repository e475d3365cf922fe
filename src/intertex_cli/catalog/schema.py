"""JSON Schema of the catalogue files, for editors (yaml-language-server, VS Code…)."""

from __future__ import annotations


def json_schema(kind: str = "scheme") -> dict:
    from .models import Agency, Scheme

    model = Agency if kind == "agency" else Scheme
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"intertex {kind} file"
    return schema
