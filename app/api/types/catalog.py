"""The option catalog as data for frontends (key pickers, value validation hints)."""

from __future__ import annotations

import strawberry

from app.api.types.enums import SipSection
from app.domain.catalog import OBJECT_TYPES, load_catalog
from app.domain.sections import Section
from app.errors import InvalidInput


@strawberry.type
class CatalogOption:
    name: str
    object_type: str
    type: str
    default: str | None
    enum_values: list[str] | None
    multiple: bool = strawberry.field(description="Repeating the key accumulates values instead of replacing.")
    deprecated: bool


def catalog_options(section: SipSection | None, object_type: str | None) -> list[CatalogOption]:
    if (section is None) == (object_type is None):
        raise InvalidInput.at("section", "give either section or objectType")
    if section is not None:
        object_type = Section(section.value).object_type
    if object_type not in OBJECT_TYPES:
        raise InvalidInput.at("objectType", f"one of {', '.join(OBJECT_TYPES)}")
    catalog = load_catalog()
    return [
        CatalogOption(
            name=key,
            object_type=object_type,
            type=spec.type,
            default=spec.default,
            enum_values=list(spec.enum) if spec.enum else None,
            multiple=spec.multiple,
            deprecated=spec.deprecated,
        )
        for key in sorted(catalog.keys(object_type))
        if (spec := catalog.spec(object_type, key)) is not None and key != "type"
    ]
