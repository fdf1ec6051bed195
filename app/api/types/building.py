"""Building a GraphQL object from a plain value whose attributes carry the same names."""

from __future__ import annotations

from typing import Any, TypeVar

from strawberry.types.base import get_object_definition

T = TypeVar("T")


_STORED: dict[type, tuple[str, ...]] = {}


def _stored_fields(cls: type) -> tuple[str, ...]:
    """The fields of a strawberry type that are stored on the instance (no resolver), worked out once."""
    names = _STORED.get(cls)
    if names is None:
        definition = get_object_definition(cls, strict=True)
        names = _STORED[cls] = tuple(f.python_name for f in definition.fields if f.base_resolver is None)
    return names


_PLAIN: dict[type, bool] = {}


def _plain(cls: type) -> bool:
    """Can an instance of ``cls`` be made by filling its ``__dict__``? (A dataclass whose
    ``__init__`` only stores its arguments: no ``__post_init__``, no slots.)"""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
    return plain


def from_attributes(cls: type[T], source: object, **given: Any) -> T:
    """An instance of the strawberry type ``cls``: each field read from ``source``'s attribute of the
    same name, except those ``given`` (conversions and private values).

    Every field is given, so the instance's attributes are filled in directly rather than through
    the generated ``__init__`` (a change's answer can hold tens of thousands of updates).
    """
    values = {name: getattr(source, name) for name in _stored_fields(cls) if name not in given}
    if not _plain(cls):
        return cls(**values, **given)
    instance = cls.__new__(cls)
    attributes = instance.__dict__
    attributes.update(values)
    attributes.update(given)
    return instance
