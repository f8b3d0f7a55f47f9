from http import HTTPStatus
from typing import Any

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_created_response import ExchangeCreatedResponse
from ...models.exchanges_request import ExchangesRequest
from ...types import Response

_ErrorResponse_from_dict = ErrorResponse.from_dict
_ExchangeCreatedResponse_from_dict = ExchangeCreatedResponse.from_dict


def _get_kwargs(
    *,
    body: ExchangesRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/exchanges",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExchangeCreatedResponse | None:
    if response.status_code == 200:
        response_200 = _ExchangeCreatedResponse_from_dict(response.json())

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
) -> Response[ErrorResponse | ExchangeCreatedResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangesRequest,
) -> Response[ErrorResponse | ExchangeCreatedResponse]:
    """Create a Grades Exchange

     Creates a grades exchange for a query. The documented example answers `{"data": null}`, so `data`
    may be null. A new exchange is `created`: it waits for a producer (see ExchangeState).

    Args:
        body (ExchangesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeCreatedResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangesRequest,
) -> ErrorResponse | ExchangeCreatedResponse | None:
    """Create a Grades Exchange

     Creates a grades exchange for a query. The documented example answers `{"data": null}`, so `data`
    may be null. A new exchange is `created`: it waits for a producer (see ExchangeState).

    Args:
        body (ExchangesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeCreatedResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangesRequest,
) -> Response[ErrorResponse | ExchangeCreatedResponse]:
    """Create a Grades Exchange

     Creates a grades exchange for a query. The documented example answers `{"data": null}`, so `data`
    may be null. A new exchange is `created`: it waits for a producer (see ExchangeState).

    Args:
        body (ExchangesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeCreatedResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangesRequest,
) -> ErrorResponse | ExchangeCreatedResponse | None:
    """Create a Grades Exchange

     Creates a grades exchange for a query. The documented example answers `{"data": null}`, so `data`
    may be null. A new exchange is `created`: it waits for a producer (see ExchangeState).

    Args:
        body (ExchangesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeCreatedResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
