"""Asterisk configuration files: a reader faithful to main/config.c and a writer whose output reads back exactly."""

from app.asterisk.conf.parser import (
    ConfigError,
    ConfSection,
    ParsedConfig,
    Where,
    inherited_lines,
    parse_config,
    parse_text,
)
from app.asterisk.conf.writer import escape_value, write_section

__all__ = [
    "ConfSection",
    "ConfigError",
    "ParsedConfig",
    "Where",
    "escape_value",
    "inherited_lines",
    "parse_config",
    "parse_text",
    "write_section",
]
