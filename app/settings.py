"""Settings from the environment, prefixed ``PJSIP_GRAPH_``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PJSIP_GRAPH_", extra="ignore")

    data_dir: Path = Path("./data")
    # Default: an embedded SQLite file under data_dir.
    database_url: str | None = None
    graphiql: bool = True
    # Where the browser files installed by npm live (GraphiQL's scripts and styles): the
    # repository's ui/ folder unless set (an installed package has no repository around it).
    ui_dir: Path = Path(__file__).resolve().parents[1] / "ui"
    allowed_origins: Annotated[list[str], NoDecode] = []
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    # Resolution cache: in memory unless a Redis URL is given; "off" disables it.
    cache_url: str | None = None
    cache: str = "on"
    cache_ttl: int = 3600
    # permessage-deflate on WebSockets: events are small and compressing each
    # copy for each subscriber costs more CPU than it saves bytes on a LAN.
    ws_compression: bool = False
    # With Redis: decoded views kept in this process too (0 disables), by (uuid, version).
    cache_local_entries: int = 5000
    # Whole-tenant graphs kept between template changes (app/db/tenant_graphs.py): at most this
    # many configurations in all (about 2 kB each; 0 keeps none), of tenants holding at least
    # tenant_graphs_min_nodes (smaller ones cost little to read whole).
    tenant_graphs_max_nodes: int = 150_000
    tenant_graphs_min_nodes: int = 1000
    # Diagnostic: every kept graph used is compared with the tenant read whole, and a difference
    # fails the change. Doubles the reads of template changes; the tests turn it on.
    tenant_graphs_check: bool = False
    # Seconds between the event hub's reads of the record when nothing woke it: a safety net for a
    # lost notification (PostgreSQL's NOTIFY, the SQLite file's watch); events wait at most that.
    events_poll_seconds: float = 2.0
    # Retention of recorded updates and change events, per engine.
    retention_days: float = 7.0
    retention_max_updates: int = 1_000_000
    # Asterisk realtime tables (ps_*): the product's own database (written in the
    # same transaction as each change) or another one (followed from the record).
    realtime_database_url: str | None = None

    @property
    def realtime_in_same_database(self) -> bool:
        return self.realtime_database_url is not None and self.realtime_database_url == self.resolved_database_url

    # Security limits of configurations (docs/security.md).
    # Template applications one configuration's resolution may go through
    # (an ancestor reached twice counts twice, as Asterisk applies it twice).
    max_inheritance_expansion: int = 1000
    # Option values one section's application list may hold (bounds its resolved values).
    max_section_values: int = 10_000

    # The executor that completes plain objects without graphql-core's per-field machinery
    # (docs/architecture.md); off, every field takes graphql-core's own path.
    fast_executor: bool = True
    # Diagnostic: execute every query again with graphql-core's own executor and fail on any
    # difference (app/api/executor_check.py). Doubles the cost of queries; the tests turn it on.
    executor_check: bool = False

    # Limits of the GraphQL layer.
    max_page_size: int = 500
    max_query_depth: int = 12
    max_aliases: int = 30

    # Hostile-tenant limits (docs/security.md).
    # Budget of an operation's computed cost (lists count by their `first`, or
    # by their bound when they are not paginated); over it: QUERY_TOO_COMPLEX.
    max_query_cost: int = 100_000
    # Most items an unpaginated list field that grows with the data returns.
    max_list_items: int = 500
    # Operations costing more than this are "expensive": each token may run at
    # most max_expensive_per_token of them at once.
    expensive_query_cost: int = 10_000
    max_expensive_per_token: int = 1
    # Open subscriptions per token (per process).
    max_subscriptions_per_token: int = 100
    # Request bodies: a GraphQL request, and a multipart import.
    max_request_bytes: int = 1_000_000
    max_import_bytes: int = 20_000_000
    # Introspection (__schema, __type) only with a valid token.
    introspection_requires_token: bool = True
    # /metrics: when set, scrapes must send 'Authorization: Bearer <this>'.
    metrics_token: str | None = None
    # Operation names that get their own latency series; the rest are "other".
    metrics_max_operation_names: int = 50

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'pjsip-graph.db').as_posix()}"

    @property
    def admin_token_path(self) -> Path:
        return self.data_dir / "admin.token"


@cache
def get_settings() -> Settings:
    return Settings()
