"""What an import of an Asterisk configuration file means in the product's terms.

A file reader (pjsip.conf, chan_sip's sip.conf) turns a file into an
`ImportPlan`: tenant templates and endpoints with their seven sections,
engine objects, and every line it could not map, with its position. One
service applies any plan atomically with the product's normal rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.sections import Options, Section


@dataclass(frozen=True, slots=True)
class Source:
    """Where something came from in the imported files."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class PlannedConfig:
    """A template or endpoint to create; ``parents`` name templates of the same plan
    (or templates that already exist in the tenant)."""

    name: str
    sections: dict[Section, Options] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    transport: str | None = None
    label: str | None = None
    source: Source | None = None


@dataclass(slots=True)
class PlannedTransport:
    name: str
    options: Options
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A line, or a whole section, the import could not carry over, and why."""

    source: Source | None
    section: str
    key: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        what = f"[{self.section}] {self.key}" if self.key else f"[{self.section}]"
        return f"{where}{what}: {self.reason}"


@dataclass(slots=True)
class ImportPlan:
    templates: list[PlannedConfig] = field(default_factory=list)
    endpoints: list[PlannedConfig] = field(default_factory=list)
    transports: list[PlannedTransport] = field(default_factory=list)
    global_options: Options = ()
    system_options: Options = ()
    unmapped: list[Unmapped] = field(default_factory=list)

    @property
    def touches_engine(self) -> bool:
        return bool(self.transports or self.global_options or self.system_options)
