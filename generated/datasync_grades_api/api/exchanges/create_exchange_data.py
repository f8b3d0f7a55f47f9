from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_data_request import ExchangeDataRequest
from ...models.exchange_data_response import ExchangeDataResponse
from ...types import Response

_ErrorResponse_from_dict = ErrorResponse.from_dict
_ExchangeDataResponse_from_dict = ExchangeDataResponse.from_dict


def _get_kwargs(
    id: UUID,
    *,
    body: ExchangeDataRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/exchanges/{id}/data".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExchangeDataResponse | None:
    if response.status_code == 200:
        response_200 = _ExchangeDataResponse_from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = _ErrorResponse_from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = _ErrorResponse_from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = _ErrorResponse_from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = _ErrorResponse_from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = _ErrorResponse_from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = _ErrorResponse_from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = _ErrorResponse_from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = _ErrorResponse_from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ExchangeDataResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeDataRequest,
) -> Response[ErrorResponse | ExchangeDataResponse]:
    """Create Grades Exchange Data

     Stores one chunk of the producer's grade data. Each serialized chunk is at most the exchange's
    `max_data_content_length` bytes; every chunk is `final: false` except the last, which is `final:
    true`. Documented: the operation and its body. Chosen: a chunk with `final: false` moves a `created`
    exchange to `processing`, the `final: true` chunk moves it to `completed` (see ExchangeState); 409
    for data after the final chunk or after a reported error, and 413 for a chunk over the limit
    (x-provenance: inferred). The API has no idempotency key: a chunk sent again is stored again.

    Args:
        id (UUID):
        body (ExchangeDataRequest): One chunk of an exchange's data. A producer sends its data as
            a series of these, each serialized body at most the exchange's `max_data_content_length`
            bytes, every chunk `final: false` but the last (seen: KIT's GradesPublisher).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeDataResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeDataRequest,
) -> ErrorResponse | ExchangeDataResponse | None:
    """Create Grades Exchange Data

     Stores one chunk of the producer's grade data. Each serialized chunk is at most the exchange's
    `max_data_content_length` bytes; every chunk is `final: false` except the last, which is `final:
    true`. Documented: the operation and its body. Chosen: a chunk with `final: false` moves a `created`
    exchange to `processing`, the `final: true` chunk moves it to `completed` (see ExchangeState); 409
    for data after the final chunk or after a reported error, and 413 for a chunk over the limit
    (x-provenance: inferred). The API has no idempotency key: a chunk sent again is stored again.

    Args:
        id (UUID):
        body (ExchangeDataRequest): One chunk of an exchange's data. A producer sends its data as
            a series of these, each serialized body at most the exchange's `max_data_content_length`
            bytes, every chunk `final: false` but the last (seen: KIT's GradesPublisher).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeDataResponse
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeDataRequest,
) -> Response[ErrorResponse | ExchangeDataResponse]:
    """Create Grades Exchange Data

     Stores one chunk of the producer's grade data. Each serialized chunk is at most the exchange's
    `max_data_content_length` bytes; every chunk is `final: false` except the last, which is `final:
    true`. Documented: the operation and its body. Chosen: a chunk with `final: false` moves a `created`
    exchange to `processing`, the `final: true` chunk moves it to `completed` (see ExchangeState); 409
    for data after the final chunk or after a reported error, and 413 for a chunk over the limit
    (x-provenance: inferred). The API has no idempotency key: a chunk sent again is stored again.

    Args:
        id (UUID):
        body (ExchangeDataRequest): One chunk of an exchange's data. A producer sends its data as
            a series of these, each serialized body at most the exchange's `max_data_content_length`
            bytes, every chunk `final: false` but the last (seen: KIT's GradesPublisher).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeDataResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeDataRequest,
) -> ErrorResponse | ExchangeDataResponse | None:
    """Create Grades Exchange Data

     Stores one chunk of the producer's grade data. Each serialized chunk is at most the exchange's
    `max_data_content_length` bytes; every chunk is `final: false` except the last, which is `final:
    true`. Documented: the operation and its body. Chosen: a chunk with `final: false` moves a `created`
    exchange to `processing`, the `final: true` chunk moves it to `completed` (see ExchangeState); 409
    for data after the final chunk or after a reported error, and 413 for a chunk over the limit
    (x-provenance: inferred). The API has no idempotency key: a chunk sent again is stored again.

    Args:
        id (UUID):
        body (ExchangeDataRequest): One chunk of an exchange's data. A producer sends its data as
            a series of these, each serialized body at most the exchange's `max_data_content_length`
            bytes, every chunk `final: false` but the last (seen: KIT's GradesPublisher).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeDataResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
