"""Persistence: SQLModel tables, the engine and session factory, bulk queries."""
