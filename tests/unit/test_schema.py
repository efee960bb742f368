"""The fast validation schema is generated from the models and must stay in step."""

from __future__ import annotations

from pathlib import Path

from achbench.core import schema


def test_generated_schema_is_up_to_date() -> None:
    target = Path(schema.__file__).with_name("_fast_schema.py")
    assert target.read_text(encoding="utf-8") == schema.render(), (
        "model.py changed: run `python -m achbench.core.schema` to regenerate _fast_schema.py"
    )
