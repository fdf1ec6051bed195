"""The resolver every service uses: the domain's, bounded by the configured expansion limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from app.domain.catalog import Catalog, load_catalog
from app.domain.resolution import ConfigKind, ConfigNode, ExpansionLimits, Resolver
from app.settings import get_settings


def expansion_limits() -> ExpansionLimits:
    settings = get_settings()
    return ExpansionLimits(settings.max_inheritance_expansion, settings.max_section_values)


def new_resolver(nodes: Mapping[UUID, ConfigNode], catalog: Catalog | None = None) -> Resolver:
    return Resolver(nodes, catalog or load_catalog(), expansion_limits())


def check_templates(nodes: Mapping[UUID, ConfigNode], uuids: Iterable[UUID]) -> None:
    """Resolve these configurations' application lists within the limits, or raise ExpansionTooLarge.

    Endpoints are checked as the change resolves them; this covers templates
    that no endpoint inherits from yet (their own view must stay readable).
    """
    resolver = new_resolver(nodes)
    for uuid in uuids:
        node = nodes.get(uuid)
        if node is not None and node.kind is ConfigKind.TEMPLATE:
            resolver.check(uuid)
