"""Seeding exchanges as a producer would have left them, from grade data.

``Sandbox.seed_exchanges(..., state=..., data=...)`` is the public face. The data is packed into
``ExchangeDataRequest`` bodies as a producer sends them, checked against openapi.yaml as the API
checks a request, and replayed on each new exchange through the handlers' own code
(``SandboxApp.receive_chunk``, whose final chunk produces the artifacts with
``ExchangeRecord.complete``; ``SandboxApp.add_error``). So a seeded exchange's details, consumer
logs and errors are exactly those a real push of the data would have left: there is no second
artifact builder to drift from the first.

Example::

    data: GradeData = {"assignments": [{"name": "Essay 1", "points_possible": 10}]}
    bodies = pack(data, max_bytes=1_048_576, final=True)
    check(app, bodies)
    replay(app, record, "completed", bodies)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypedDict

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from ._app import SandboxApp
    from ._state import ExchangeRecord

__all__ = ["REPLAYED_STATES", "GradeData", "SupportsToDict", "check", "pack", "replay"]

# The states a push leaves behind: some chunks (processing), all of them (completed), or some
# and then an error report (failed).
REPLAYED_STATES: Final = ("processing", "completed", "failed")

_KINDS: Final = ("assignments", "summaries")
# Compact UTF-8 JSON, as a client sends it; NaN and Infinity are not JSON.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_ANY_ID: Final = "00000000-0000-4000-8000-000000000000"


class SupportsToDict(Protocol):
    """A generated model (``Assignment``, ``Summary``): anything with ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]: ...


class GradeData(TypedDict, total=False):
    """Grade data as ``push_data`` takes it: generated models or plain mappings, e.g.
    ``{"assignments": [{"name": "Essay 1", "scores": [...]}], "summaries": [...]}``."""

    assignments: Iterable[Mapping[str, Any] | SupportsToDict]
    summaries: Iterable[Mapping[str, Any] | SupportsToDict]


def _body(parts: tuple[list[bytes], list[bytes]], *, final: bool) -> bytes:
    assignments, summaries = parts
    return b"".join(
        (
            b'{"assignments":[',
            b",".join(assignments),
            b'],"summaries":[',
            b",".join(summaries),
            b'],"final":true}' if final else b'],"final":false}',
        )
    )


_EMPTY: Final = len(_body(([], []), final=False))


def _encode(kind: str, index: int, item: Any) -> bytes:
    to_dict = getattr(item, "to_dict", None)
    value = to_dict() if callable(to_dict) else item
    if not isinstance(value, Mapping):
        raise TypeError(f"{kind}[{index}] must be a mapping or a generated model, got {item!r}")
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{kind}[{index}] is not JSON: {exc}") from None


def pack(data: GradeData, *, max_bytes: int, final: bool) -> list[bytes]:
    """The chunk bodies of a push of ``data``: whole items in order (assignments, then
    summaries), as many as fit in ``max_bytes``, every chunk ``"final": false`` but the last
    when ``final``. Always at least one (a push of nothing is one empty chunk).

    Raises ``ValueError`` for a key other than ``assignments``/``summaries``, an item that is
    not JSON, or one that does not fit in a chunk of its own (``TypeError`` for an item that is
    neither a mapping nor a model).
    """
    unknown = sorted(set(data) - set(_KINDS))
    if unknown:
        raise ValueError(f"data takes 'assignments' and 'summaries', not {unknown}")
    chunks: list[tuple[list[bytes], list[bytes]]] = [([], [])]
    size = _EMPTY
    lists = (data.get("assignments", ()), data.get("summaries", ()))
    for position, (kind, items) in enumerate(zip(_KINDS, lists, strict=True)):
        if isinstance(items, str | bytes | Mapping):
            raise TypeError(f"data[{kind!r}] must be a list of items")
        for index, item in enumerate(items):
            encoded = _encode(kind, index, item)
            if _EMPTY + len(encoded) > max_bytes:
                raise ValueError(
                    f"{kind}[{index}] is {len(encoded)} bytes of JSON: a chunk holding only it "
                    f"exceeds the exchange's max_data_content_length ({max_bytes}); seed with "
                    "a larger max_data_content_length"
                )
            extra = len(encoded) + (1 if chunks[-1][position] else 0)
            if size + extra > max_bytes:
                chunks.append(([], []))
                size, extra = _EMPTY, len(encoded)
            chunks[-1][position].append(encoded)
            size += extra
    last = len(chunks) - 1
    return [_body(parts, final=final and n == last) for n, parts in enumerate(chunks)]


def check(app: SandboxApp, bodies: list[bytes]) -> None:
    """Validate each body as the API validates a createExchangeData request (when the sandbox
    validates requests); ``ValueError`` with the validator's words for one a push would get a
    400 for."""
    if not app.settings.validate_requests or app.validator is None:
        return
    for number, body in enumerate(bodies, start=1):
        environ = EnvironBuilder(
            path=f"{app.base_path}/exchanges/{_ANY_ID}/data",
            method="POST",
            data=body,
            content_type="application/json",
        ).get_environ()
        problems = app.validator.request_errors(Request(environ))
        if problems:
            raise ValueError(
                f"the data breaks openapi.yaml (a push of it would get a 400): chunk {number}: "
                + "; ".join(problems)
            )


def _failure_details(record: ExchangeRecord) -> str:
    """What the producer got through before it failed, from the chunks stored."""
    if not record.chunks:
        return "The producer failed before sending any data"
    assignments = [a for chunk in record.chunks for a in chunk.items("assignments")]
    scores = sum(
        len(a["scores"])
        for a in assignments
        if isinstance(a, dict) and isinstance(a.get("scores"), list)
    )
    summaries = sum(len(chunk.items("summaries")) for chunk in record.chunks)
    return (
        f"The producer failed after {len(record.chunks)} chunks, without the final one: "
        f"{len(assignments)} assignments ({scores} scores) and {summaries} summaries received"
    )


def replay(app: SandboxApp, record: ExchangeRecord, state: str, bodies: list[bytes]) -> None:
    """Take ``bodies`` on the new exchange ``record`` as createExchangeData would, then, for
    ``failed``, report a ``producer_failure`` error whose details count what was received
    (``failed`` without data: the error alone). Hold ``app.state.lock``."""
    for raw in bodies:
        app.receive_chunk(record, raw, json.loads(raw))
    if state == "failed":
        app.add_error(record, "producer_failure", _failure_details(record))
