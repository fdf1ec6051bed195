"""One place where errors become GraphQL errors with ``extensions.code``."""

from __future__ import annotations

import logging

import asyncpg.exceptions
import sqlalchemy.exc
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from app.db.session import BUSY_MESSAGE, is_database_busy
from app.errors import AppError

# What an operation or a download answers while the database cannot be reached.
UNAVAILABLE_MESSAGE = "the database is unavailable, retry later"
log = logging.getLogger("pjsip_graph.errors")

# The database cannot be reached: the client may retry later (HTTP 503).
UNAVAILABLE = (ConnectionError, TimeoutError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.OperationalError)
# A value the database cannot store or compare (a NUL character, a date out
# of range): the client's input, not an incident.
BAD_VALUE = (sqlalchemy.exc.DataError, OverflowError, UnicodeEncodeError, asyncpg.exceptions.DataError)


def is_bad_value(original: BaseException) -> bool:
    """Is this, or what caused it, a value the database refused (SQLSTATE class 22)?

    SQLAlchemy does not always translate asyncpg's data errors into its own
    DataError (a NUL in a parameter arrives as a plain DBAPIError), so the
    cause chain is searched too.
    """
    seen: BaseException | None = original
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, BAD_VALUE):
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def is_unavailable(original: BaseException) -> bool:
    if isinstance(original, sqlalchemy.exc.OperationalError):
        # SQLite reports input it refuses (e.g. a LIKE pattern too complex) as
        # an OperationalError too; only a lost connection, or a file another
        # process kept locked past the busy timeout, is unavailability.
        return (
            original.connection_invalidated
            or is_database_busy(original)
            or "unable to open" in str(original)
            or "connect" in str(original)
        )
    asyncpg_connection = type(original).__module__.startswith("asyncpg") and "Connection" in type(original).__name__
    return isinstance(original, UNAVAILABLE) or asyncpg_connection


class ErrorCodes(MaskErrors):
    """Typed service errors keep their message and get their code; GraphQL
    syntax, validation and variable coercion errors are the client's
    (BAD_USER_INPUT, with graphql-core's message and no log); a database that
    cannot be reached is SERVICE_UNAVAILABLE; anything else is logged and
    masked as INTERNAL_SERVER_ERROR."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if isinstance(original, AppError):
                out.append(_with(error, original.message, original.extensions()))
            elif original is None or (error.path is None and not is_unavailable(original)):
                # Before execution (parse, validation, variables): always the request's fault.
                extensions = dict(error.extensions or {})
                extensions.setdefault("code", "BAD_USER_INPUT")
                out.append(_with(error, error.message, extensions))
            elif is_unavailable(original):
                log.warning("database unavailable at %s: %s", error.path, type(original).__name__)
                self._status(503)
                out.append(
                    GraphQLError(
                        BUSY_MESSAGE if is_database_busy(original) else UNAVAILABLE_MESSAGE,
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "SERVICE_UNAVAILABLE"},
                    )
                )
            elif is_bad_value(original):
                out.append(
                    GraphQLError(
                        "an argument has a value that cannot be used (for example a NUL character or a date "
                        "out of range)",
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "BAD_USER_INPUT", "field": ".".join(map(str, error.path or []))},
                    )
                )
            else:
                log.error("unexpected error at %s", error.path, exc_info=original)
                out.append(
                    GraphQLError(
                        "Internal server error",
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR"},
                    )
                )
        return out

    def _status(self, status: int) -> None:
        response = getattr(self.execution_context.context, "response", None)
        if response is not None and hasattr(response, "status_code"):
            response.status_code = status
