"""expect_parsed rejects a parsed model holding a raw value where the spec wants a model or
another type (the generated from_dict keeps such values), and tolerates what the spec allows."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from datasync_grades import (
    BearerToken,
    ResponseValidationError,
    aexpect_parsed,
    apaginate,
    connect,
    expect_parsed,
    paginate,
)
from datasync_grades._conformance import misplaced
from datasync_grades_api.api.exchanges import find_exchange, list_exchanges
from datasync_grades_api.models import (
    ErrorResponse,
    ExchangeDataRequest,
    ExchangeResponse,
    ExchangesResponse,
    ExchangeState,
)

EXCHANGE_ID = uuid.uuid4()


@pytest.mark.parametrize(
    ("model", "document", "problem"),
    [
        (ExchangeResponse, {"data": {"state": "created"}}, None),
        (ExchangeResponse, {"data": None}, None),
        (ExchangeResponse, {}, None),
        # What the spec allows, even if this client does not know it yet.
        (ExchangeResponse, {"data": {"state": "archived", "new_field": [1]}}, None),
        (ErrorResponse, {"error": "invalid_token", "error_description": "expired"}, None),
        (ExchangeDataRequest, {"assignments": [{"points_possible": 10, "scores": []}]}, None),
        # Raw values the generated from_dict kept where a model or another type belongs.
        (ExchangeResponse, {"data": "x"}, "data: got str, expected Exchange | None"),
        (ExchangeResponse, {"data": [1, 2]}, "data: got list, expected Exchange | None"),
        (
            ExchangeResponse,
            {"data": {"metadata": [1]}},
            "data.metadata: got list, expected Metadata | None",
        ),
        (
            ExchangeResponse,
            {"data": {"max_data_content_length": "big"}},
            "data.max_data_content_length: got str, expected int",
        ),
        (
            ExchangesResponse,
            {"data": [{"state": "created"}, {"error_count": "many"}]},
            "data[1].error_count: got str, expected int",
        ),
    ],
)
def test_misplaced(model: Any, document: dict[str, Any], problem: str | None) -> None:
    assert misplaced(model.from_dict(document)) == problem


def test_unknown_enum_values_stay_strings_and_pass() -> None:
    parsed = ExchangeResponse.from_dict({"data": {"state": "archived"}})
    assert parsed.data is not None and parsed.data.state == "archived"
    assert not isinstance(parsed.data.state, ExchangeState)
    assert misplaced(parsed) is None


def _client(body: Any) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    return connect(
        "http://api.test/v2/grades",
        auth=BearerToken("t"),
        transport=httpx.MockTransport(answer),
        async_transport=httpx.MockTransport(answer),
        max_retries=0,
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_expect_parsed_raises_on_a_raw_value(mode: str) -> None:
    with _client({"data": "x"}) as client, pytest.raises(ResponseValidationError) as caught:
        if mode == "sync":
            expect_parsed(find_exchange.sync_detailed, EXCHANGE_ID, client=client)
        else:
            await aexpect_parsed(find_exchange.asyncio_detailed, EXCHANGE_ID, client=client)
    assert "find_exchange" in str(caught.value) and "data: got str" in str(caught.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_expect_parsed_returns_a_conforming_model(mode: str) -> None:
    body = {"data": {"id": str(EXCHANGE_ID), "state": "archived", "extra": True}}
    with _client(body) as client:
        if mode == "sync":
            parsed = expect_parsed(find_exchange.sync_detailed, EXCHANGE_ID, client=client)
        else:
            parsed = await aexpect_parsed(
                find_exchange.asyncio_detailed, EXCHANGE_ID, client=client
            )
    assert isinstance(parsed, ExchangeResponse) and parsed.data is not None
    assert parsed.data.id == EXCHANGE_ID
    assert parsed.data.additional_properties == {"extra": True}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_paginate_raises_on_an_item_of_the_wrong_shape(mode: str) -> None:
    body = {"data": [{"id": str(EXCHANGE_ID), "max_data_content_length": "big"}]}
    with _client(body) as client, pytest.raises(ResponseValidationError, match="data\\[0\\]"):
        if mode == "sync":
            list(paginate(list_exchanges, client=client, page_size=5))
        else:
            [item async for item in apaginate(list_exchanges, client=client, page_size=5)]
