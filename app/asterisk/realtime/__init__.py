"""Asterisk realtime tables (ps_*): schema, conversion, application of updates, follower.

Two ways to keep the tables in step with an engine (docs/asterisk-realtime.md):
in the product's own database, `apply_updates` runs in the same transaction as
the change; in another database, a `RealtimeFollower` applies the recorded
updates from a checkpoint kept in that database.
"""

from app.asterisk.realtime.apply import ApplyReport, apply_updates, replace_all
from app.asterisk.realtime.convert import Rejected, RowConversion, object_to_row, row_to_fields
from app.asterisk.realtime.follower import RealtimeFollower
from app.asterisk.realtime.schema import METADATA, OBJECT_TYPES, TABLE_BY_TYPE, create_schema

__all__ = [
    "METADATA",
    "OBJECT_TYPES",
    "TABLE_BY_TYPE",
    "ApplyReport",
    "RealtimeFollower",
    "Rejected",
    "RowConversion",
    "apply_updates",
    "create_schema",
    "object_to_row",
    "replace_all",
    "row_to_fields",
]
