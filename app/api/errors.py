"""One place where errors become GraphQL errors with ``extensions.code``."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from app.errors import AppError

log = logging.getLogger("pjsip_graph.errors")


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


class ErrorCodes(MaskErrors):
    """Typed service errors keep their message and get their code; GraphQL
    syntax/validation/coercion errors are the client's (BAD_USER_INPUT);
    anything else is logged and masked as INTERNAL_SERVER_ERROR."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if isinstance(original, AppError):
                out.append(_with(error, original.message, original.extensions()))
            elif original is None:
                out.append(_with(error, error.message, {**(error.extensions or {}), "code": "BAD_USER_INPUT"}))
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
