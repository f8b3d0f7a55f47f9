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

from datasync_grades_api.client import Client

from ._client import Sender
from ._exceptions import ResponseValidationError, validation_error
from ._http import httpx
from ._redact import Redactor

__all__ = ["acall", "checked_count", "operation_name", "parse"]


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
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError, MemoryError)
# What the generated parsing asks of a client: only whether to raise on a status it does not
# know (it does not: parse() reports that itself). It sends nothing.
_PARSING = Client(base_url="", raise_on_unexpected_status=False)


def parse(endpoint: ModuleType, response: httpx.Response, redactor: Redactor) -> Any:
    """The endpoint's parsed 2xx body; ``ResponseValidationError`` (its message redacted by
    ``redactor``) when it is not the spec's."""
    try:
        parsed = endpoint._parse_response(client=_PARSING, response=response)
    except _PARSE_ERRORS as exc:  # kept as text, not chained: its message may quote the body
        problem = f"the response body does not match the spec: {type(exc).__name__}: {exc}"
    else:
        if parsed is not None:
            return parsed
        problem = (
            f"status {response.status_code} has no parsed body (a status or content "
            "type the spec does not document for this operation)"
        )
    # The message may quote the body (a token it echoes): redacted like any error.
    raise validation_error(f"{operation_name(endpoint)}: {problem}", response, redactor)


async def acall(endpoint: ModuleType, sender: Sender, params: dict[str, Any]) -> Any:
    """Send the endpoint's request with ``params`` and return its parsed body: one coroutine for
    both clients (awaited under an async sender, run by ``run_sync`` under a sync one)."""
    return parse(endpoint, await sender.request(endpoint._get_kwargs(**params)), sender.redactor)
