"""The engine's parsing (``_parsing.acall/parse``): a body the spec does not describe is a
``ResponseValidationError``, raised by the generated ``from_dict`` itself wherever a value fits
none of a field's types (``templates/``); what the spec allows passes. Then the same through
the client."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from _overlay_support import ClientPair

from datasync_grades import (
    AsyncDataSync,
    BearerToken,
    DataSync,
    NotFoundError,
    ResponseValidationError,
)
from datasync_grades._client import run_sync
from datasync_grades._http import httpx
from datasync_grades._parsing import acall, parse
from datasync_grades._redact import Redactor
from datasync_grades_api.api.exchanges import (
    count_exchanges,
    create_exchange,
    find_exchange,
    list_exchanges,
)
from datasync_grades_api.models import (
    ErrorDetail,
    ErrorResponse,
    Exchange,
    ExchangeCreatedResponse,
    ExchangeDataRequest,
    ExchangeResponse,
    ExchangesRequest,
    ExchangesResponse,
    ExchangeState,
    Metadata,
)
from datasync_grades_api.types import UNSET

EXCHANGE_ID = uuid.uuid4()
URL = "https://api.test/v2/grades"


@pytest.mark.parametrize(
    ("model", "document"),
    [
        (ExchangeResponse, {"data": {"state": "created"}}),
        (ExchangeCreatedResponse, {"data": None}),
        (ExchangeResponse, {}),
        # What the spec allows, even if this client does not know it yet.
        (ExchangeResponse, {"data": {"state": "archived", "new_field": [1]}}),
        (ErrorResponse, {"error": "invalid_token", "error_description": "expired"}),
        (ErrorResponse, {"error": {"status": 404, "message": "no such exchange"}}),
        (ExchangeDataRequest, {"assignments": [{"points_possible": 10, "scores": []}]}),
        (ExchangeDataRequest, {"assignments": [{"points_possible": 10.5, "scores": []}]}),
        (ExchangeResponse, {"data": {"metadata": {"any": ["thing"]}, "error_count": 0}}),
    ],
)
def test_from_dict_accepts_what_the_spec_allows(model: Any, document: dict[str, Any]) -> None:
    assert model.from_dict(document).to_dict() == document


@pytest.mark.parametrize(
    ("model", "document", "problem"),
    [
        # Raw values where a model or another type belongs: the field is named.
        (ExchangeCreatedResponse, {"data": "x"}, "data: expected Exchange | None, got str"),
        (ExchangeCreatedResponse, {"data": [1, 2]}, "data: expected Exchange | None, got list"),
        (ExchangeResponse, {"data": {"metadata": [1]}}, "metadata: expected Metadata | None"),
        (
            ExchangeResponse,
            {"data": {"max_data_content_length": "big"}},
            "max_data_content_length: expected int, got str",
        ),
        (
            ExchangesResponse,
            {"data": [{"state": "created"}, {"error_count": "many"}]},
            "error_count: expected int, got str",
        ),
        (ExchangesResponse, {"data": {"state": "created"}}, "data: expected list, got dict"),
        (ExchangeResponse, {"data": {"state": 3}}, "state: expected ExchangeState | str, got int"),
        (ExchangeResponse, {"data": {"course_app_id": None}}, "course_app_id: expected str"),
        (ErrorResponse, {"error": 404}, "error: expected ErrorDetail | str, got int"),
    ],
)
def test_from_dict_refuses_a_value_that_fits_no_type(
    model: Any, document: dict[str, Any], problem: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(problem)):
        model.from_dict(document)


def test_unknown_enum_values_stay_strings() -> None:
    parsed = ExchangeResponse.from_dict({"data": {"state": "archived", "posted_by": "sis"}})
    assert isinstance(parsed.data, Exchange)
    assert parsed.data.state == "archived"
    assert type(parsed.data.state) is str
    known = ExchangeResponse.from_dict({"data": {"state": "created"}}).data
    assert isinstance(known, Exchange)
    assert known.state is ExchangeState.CREATED


def test_absent_fields_stay_unset_and_nested_models_parse() -> None:
    parsed = ExchangeResponse.from_dict(
        {"data": {"id": str(EXCHANGE_ID), "metadata": {"k": 1}, "extra": True}}
    )
    exchange = parsed.data
    assert isinstance(exchange, Exchange)
    assert exchange.id == EXCHANGE_ID
    assert isinstance(exchange.metadata, Metadata)
    assert exchange.metadata.additional_properties == {"k": 1}
    assert exchange.additional_properties == {"extra": True}
    assert exchange.state is UNSET and exchange.created_at is UNSET
    error = ErrorResponse.from_dict({"error": {"status": 404}}).error
    assert isinstance(error, ErrorDetail)
    assert error.status == 404


# -- parse ---------------------------------------------------------------------------------


def _response(status: int, **kwargs: Any) -> httpx.Response:
    # The request carries a credential, as every request the client sends does.
    request = httpx.Request("GET", f"{URL}/x", headers={"Authorization": "Bearer t0ken-value"})
    return httpx.Response(status, request=request, **kwargs)


def test_parse_returns_a_conforming_model() -> None:
    body = {"data": {"id": str(EXCHANGE_ID), "state": "archived", "extra": True}}
    parsed = parse(find_exchange, _response(200, json=body), Redactor())
    assert isinstance(parsed, ExchangeResponse)
    assert isinstance(parsed.data, Exchange)
    assert parsed.data.id == EXCHANGE_ID
    assert parsed.data.additional_properties == {"extra": True}


@pytest.mark.parametrize(
    ("endpoint", "kwargs", "message"),
    [
        # The generated from_dict raises on these, naming the field where it can.
        (find_exchange, {"json": {"data": "x"}}, "find_exchange: .*does not match the spec"),
        (find_exchange, {"json": {"data": None}}, "find_exchange: .*does not match the spec"),
        (find_exchange, {"content": b"{not json"}, "find_exchange: .*does not match the spec"),
        (list_exchanges, {"json": {"data": [{"id": "nope"}]}}, "list_exchanges: .*spec"),
        (create_exchange, {"json": {"data": "x"}}, "create_exchange: .*data: expected Exchange"),
        (list_exchanges, {"json": {"data": [{"error_count": "many"}]}}, "error_count: expected"),
        (list_exchanges, {"json": {"data": {}}}, "list_exchanges: .*data: expected list"),
        # A status the operation does not document parses to nothing.
        (find_exchange, {"json": {"data": {}}, "status": 201}, "status 201 has no parsed body"),
    ],
)
def test_parse_refuses_what_the_spec_does_not_describe(
    endpoint: Any, kwargs: dict[str, Any], message: str
) -> None:
    response = _response(kwargs.pop("status", 200), **kwargs)
    with pytest.raises(ResponseValidationError, match=message) as caught:
        parse(endpoint, response, Redactor())
    error = caught.value  # plain data, no live response (its request holds credentials)
    assert (error.status_code, error.method) == (response.status_code, response.request.method)
    assert error.url == str(response.request.url)
    assert (error.__cause__, error.__context__) == (None, None)


def test_parse_passes_a_bare_integer() -> None:
    assert parse(count_exchanges, _response(200, json=7), Redactor()) == 7


# -- call and acall, through a client's send path ------------------------------------------


def _recording(body: Any, status: int = 200) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    mock = httpx.MockTransport(answer)
    return ClientPair(URL, auth=BearerToken("t"), transport=mock, max_retries=0), seen


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_call_sends_the_params_and_parses_the_answer(mode: str) -> None:
    client, seen = _recording({"data": [{"id": str(EXCHANGE_ID), "state": "created"}]})
    params = {"page": 2, "page_size": 5, "state": ExchangeState.CREATED}
    if mode == "sync":
        parsed = run_sync(acall(list_exchanges, client.sync._sender, params))
    else:
        parsed = await acall(list_exchanges, client.aio._sender, params)
    assert isinstance(parsed, ExchangesResponse)
    assert [e.id for e in parsed.data] == [EXCHANGE_ID]
    [request] = seen
    assert request.method == "GET"
    assert request.url.path == "/v2/grades/exchanges"
    assert dict(request.url.params) == {"page": "2", "page_size": "5", "state": "created"}
    assert request.headers["authorization"] == "Bearer t"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_call_sends_no_query_without_params(mode: str) -> None:
    client, seen = _recording({"data": {"id": str(EXCHANGE_ID)}})
    # The generated request holds an empty params: the send path drops it (httpx would
    # re-validate the URL for it).
    assert find_exchange._get_kwargs(EXCHANGE_ID)["params"] == {}
    if mode == "sync":
        parsed = run_sync(acall(find_exchange, client.sync._sender, {"id": EXCHANGE_ID}))
    else:
        parsed = await acall(find_exchange, client.aio._sender, {"id": EXCHANGE_ID})
    assert isinstance(parsed, ExchangeResponse)
    [request] = seen
    assert request.url == f"{URL}/exchanges/{EXCHANGE_ID}"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_call_raises_on_a_raw_value(mode: str) -> None:
    client, _ = _recording({"data": "x"})
    with pytest.raises(ResponseValidationError, match=r"create_exchange: .*data: expected"):
        if mode == "sync":
            run_sync(acall(create_exchange, client.sync._sender, {"body": ExchangesRequest()}))
        else:
            await acall(create_exchange, client.aio._sender, {"body": ExchangesRequest()})


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_call_leaves_a_non_2xx_answer_to_the_typed_errors(mode: str) -> None:
    client, _ = _recording({"error": {"status": 404, "message": "no such exchange"}}, 404)
    with pytest.raises(NotFoundError):
        if mode == "sync":
            run_sync(acall(find_exchange, client.sync._sender, {"id": EXCHANGE_ID}))
        else:
            await acall(find_exchange, client.aio._sender, {"id": EXCHANGE_ID})


# -- through the client --------------------------------------------------------------------


def _clients(body: Any, status: int = 200) -> tuple[DataSync, AsyncDataSync]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    mock = httpx.MockTransport(answer)
    auth = BearerToken("t")
    return (
        DataSync(URL, auth=auth, transport=mock, max_retries=0),
        AsyncDataSync(URL, auth=auth, transport=mock, max_retries=0),
    )


async def _run(mode: str, body: Any, operation: Callable[[Any], Any], status: int = 200) -> Any:
    client, aclient = _clients(body, status)
    if mode == "sync":
        with client:
            return operation(client)
    async with aclient:
        return await operation(aclient)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_find_returns_the_exchange_the_answer_carries(mode: str) -> None:
    body = {"data": {"id": str(EXCHANGE_ID), "state": "archived", "extra": True}}
    found = await _run(mode, body, lambda c: c.exchanges.find(EXCHANGE_ID))
    assert isinstance(found, Exchange)
    assert found.id == EXCHANGE_ID
    assert found.state == "archived"
    assert found.additional_properties == {"extra": True}


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"data": "x"}, "find_exchange: .*does not match the spec"),
        ({"data": None}, "find_exchange: .*does not match the spec"),  # find's data is no null
        ({}, "find_exchange: the response carries no Exchange"),
        ({"data": {"max_data_content_length": "big"}}, "max_data_content_length: expected"),
    ],
)
async def test_find_raises_when_the_answer_carries_no_exchange(
    mode: str, body: Any, message: str
) -> None:
    with pytest.raises(ResponseValidationError, match=message):
        await _run(mode, body, lambda c: c.exchanges.find(EXCHANGE_ID))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_create_may_answer_null(mode: str) -> None:
    # createExchange is documented to answer {"data": null}.
    assert await _run(mode, {"data": None}, lambda c: c.exchanges.create()) is None
    with pytest.raises(ResponseValidationError, match="data: expected Exchange"):
        await _run(mode, {"data": "x"}, lambda c: c.exchanges.create())


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_count_is_the_bare_integer(mode: str) -> None:
    assert await _run(mode, 12, lambda c: c.exchanges.count()) == 12
    with pytest.raises(ResponseValidationError, match="count_exchanges"):
        await _run(mode, {"data": 12}, lambda c: c.exchanges.count())


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_list_raises_on_an_item_of_the_wrong_shape(mode: str) -> None:
    client, aclient = _clients(
        {"data": [{"id": str(EXCHANGE_ID), "max_data_content_length": "big"}]}
    )
    with client, pytest.raises(ResponseValidationError, match="max_data_content_length"):
        if mode == "sync":
            list(client.exchanges.list(page_size=5))
        else:
            async with aclient:
                [item async for item in aclient.exchanges.list(page_size=5)]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_non_2xx_answer_is_a_typed_error_not_a_parse(mode: str) -> None:
    body = {"error": {"status": 404, "message": "no such exchange"}}
    with pytest.raises(NotFoundError):
        await _run(mode, body, lambda c: c.exchanges.find(EXCHANGE_ID), status=404)
