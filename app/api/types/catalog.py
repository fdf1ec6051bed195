"""The option catalog as data for frontends (key pickers, value validation hints)."""

from __future__ import annotations

import strawberry

from app.api.types.enums import OptionValueType, SipSection, SorceryObjectType
from app.domain.catalog import OBJECT_TYPES, OptionSpec, load_catalog
from app.domain.sections import Section
from app.domain.sorcery import SECRETS_BY_TYPE
from app.errors import InvalidInput

# The bounds Asterisk's integer parsers apply when an option gives none of its own.
_TYPE_BOUNDS = {"integer": ("-2147483648", "2147483647"), "unsigned": ("0", "4294967295")}
_NAMED_BOUNDS = {"INT_MAX": "2147483647", "UINT_MAX": "4294967295"}


@strawberry.type(
    description=("An option Asterisk documents for a Sorcery object type, with what the API checks about its values.")
)
class CatalogOption:
    name: str = strawberry.field(description="The option's key in pjsip.conf (and in `SipOption.key`).")
    object_type: str = strawberry.field(
        description=(
            "The Sorcery object type: endpoint, aor, auth, identify, registration, transport, global or system."
        ),
        deprecation_reason="Use sorceryType, an enum of the same values.",
    )
    type: str = strawberry.field(
        description=("How Asterisk reads the value: boolean, integer, unsigned, double, string, codec or custom."),
        deprecation_reason="Use valueType, an enum of the same values.",
    )
    default: str | None = strawberry.field(
        description="Asterisk's default when the option is not set; null when it has none."
    )
    enum_values: list[str] | None = strawberry.field(
        description="The values Asterisk accepts, when they form a closed set; else null."
    )
    multiple: bool = strawberry.field(description="Repeating the key accumulates values instead of replacing.")
    deprecated: bool = strawberry.field(
        description="Asterisk documents the option as deprecated; it is still accepted."
    )
    sorcery_type: SorceryObjectType = strawberry.field(description="The Sorcery object type the option belongs to.")
    value_type: OptionValueType = strawberry.field(description="How Asterisk reads the value.")
    minimum: str | None = strawberry.field(
        description="Smallest accepted value of an integer option (text: it may not fit a GraphQL Int); else null."
    )
    maximum: str | None = strawberry.field(
        description="Largest accepted value of an integer option (text: it may not fit a GraphQL Int); else null."
    )
    secret: bool = strawberry.field(
        description=(
            "A secret (a password, a key): masked as ******** without the secrets scope, and best kept "
            "off screen until asked for."
        ),
    )


def _bounds(spec: OptionSpec) -> tuple[str | None, str | None]:
    bounds = spec.range or _TYPE_BOUNDS.get(spec.type)
    if bounds is None:
        return None, None
    low, high = bounds
    return low, _NAMED_BOUNDS.get(high, high)


def catalog_options(
    section: SipSection | None, object_type: str | None, sorcery_type: SorceryObjectType | None = None
) -> list[CatalogOption]:
    if sorcery_type is not None:
        if object_type is not None:
            raise InvalidInput.at("objectType", "give sorceryType or objectType, not both")
        object_type = str(sorcery_type.value)
    if (section is None) == (object_type is None):
        raise InvalidInput.at("section", "give either section or sorceryType")
    if section is not None:
        object_type = Section(str(section.value)).object_type
    if object_type not in OBJECT_TYPES:
        raise InvalidInput.at("objectType", f"one of {', '.join(OBJECT_TYPES)}")
    catalog = load_catalog()
    return [
        _option(object_type, key, spec)
        for key in sorted(catalog.keys(object_type))
        if (spec := catalog.spec(object_type, key)) is not None and key != "type"
    ]


def _option(object_type: str, key: str, spec: OptionSpec) -> CatalogOption:
    minimum, maximum = _bounds(spec)
    return CatalogOption(
        name=key,
        object_type=object_type,
        type=spec.type,
        default=spec.default,
        enum_values=list(spec.enum) if spec.enum else None,
        multiple=spec.multiple,
        deprecated=spec.deprecated,
        sorcery_type=SorceryObjectType(object_type),
        value_type=OptionValueType(spec.type),
        minimum=minimum,
        maximum=maximum,
        secret=key in SECRETS_BY_TYPE.get(object_type, frozenset()),
    )
