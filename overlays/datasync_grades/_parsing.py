"""Calling a generated endpoint and parsing its answer, with typed errors for bad bodies.

The generated ``from_dict`` raises on a body of the wrong shape: a field whose value fits none
of its types (``{"data": "x"}`` where an ``Exchange`` belongs, a string for an integer) is a
``TypeError`` naming the field (``templates/``). :func:`parse` turns that into
``ResponseValidationError``; values the spec allows (an enum value it does not list, an unknown
field, an int where a number is declared) pass. Non-2xx answers have raised in ``send()``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import httpx

from datasync_grades_api.client import AuthenticatedClient, Client

from ._exceptions import ResponseValidationError

__all__ = ["acall", "call", "checked_count", "operation_name", "parse"]


def operation_name(endpoint: ModuleType) -> str:
    """The generated module's name, the operation id in snake case: ``find_exchange``."""
    return endpoint.__name__.rpartition(".")[2]


def checked_count(endpoint: ModuleType, value: object) -> int:
    """A count operation's answer: the spec's bare integers are counts, ``minimum: 0``."""
    if type(value) is not int or value < 0:
        raise ResponseValidationError(
            f"{operation_name(endpoint)}: expected a count (an integer >= 0), "
            f"got {repr(value)[:100]}"
        )
    return value


# What generated parsing raises on a body it cannot turn into its models.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError)


def parse(
    endpoint: ModuleType, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any:
    """The endpoint's parsed 2xx body; ``ResponseValidationError`` when it is not the spec's."""
    name = operation_name(endpoint)
    try:
        parsed = endpoint._parse_response(client=client, response=response)
    except _PARSE_ERRORS as exc:
        raise ResponseValidationError(
            f"{name}: the response body does not match the spec: {type(exc).__name__}: {exc}",
            response=response,
        ) from exc
    if parsed is None:
        raise ResponseValidationError(
            f"{name}: status {response.status_code} has no parsed body (a status or content "
            "type the spec does not document for this operation)",
            response=response,
        )
    return parsed


def call(endpoint: ModuleType, client: AuthenticatedClient | Client, params: dict[str, Any]) -> Any:
    """Send the endpoint's request with ``params`` and return its parsed body."""
    response = client.get_httpx_client().request(**endpoint._get_kwargs(**params))
    return parse(endpoint, client, response)


async def acall(
    endpoint: ModuleType, client: AuthenticatedClient | Client, params: dict[str, Any]
) -> Any:
    """The async :func:`call`."""
    response = await client.get_async_httpx_client().request(**endpoint._get_kwargs(**params))
    return parse(endpoint, client, response)
