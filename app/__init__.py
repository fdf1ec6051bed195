"""pjsip-graph: a multi-tenant GraphQL API server for Asterisk PJSIP configuration."""

__version__ = "0.1.0"
