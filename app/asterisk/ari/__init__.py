"""ARI push configuration: a client for Asterisk's dynamic Sorcery API and the agent that
applies an engine's recorded Sorcery updates through it (asterisk-notes §2)."""

from app.asterisk.ari.agent import Agent, AgentError, Checkpoint, CheckpointState, Counters, Outcome
from app.asterisk.ari.client import (
    AriClient,
    AriError,
    AriFatal,
    AriNotFound,
    AriRejected,
    AriTransient,
)

__all__ = [
    "Agent",
    "AgentError",
    "AriClient",
    "AriError",
    "AriFatal",
    "AriNotFound",
    "AriRejected",
    "AriTransient",
    "Checkpoint",
    "CheckpointState",
    "Counters",
    "Outcome",
]
