from http import HTTPStatus
from typing import Any

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.consumer_response import ConsumerResponse
from ...models.error_response import ErrorResponse
from ...types import Response

_ConsumerResponse_from_dict = ConsumerResponse.from_dict
_ErrorResponse_from_dict = ErrorResponse.from_dict


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/consumer",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConsumerResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = _ConsumerResponse_from_dict(response.json())

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
) -> Response[ConsumerResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ConsumerResponse | ErrorResponse]:
    """Get consumer details

     Returns details about the entity designated as this Grades Application's consumer. Documented: the
    summary, a 200 and a 400 "Consumer is not configured". Chosen: the method and path (GET /consumer)
    and the response fields (x-provenance: inferred).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerResponse | ErrorResponse]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ConsumerResponse | ErrorResponse | None:
    """Get consumer details

     Returns details about the entity designated as this Grades Application's consumer. Documented: the
    summary, a 200 and a 400 "Consumer is not configured". Chosen: the method and path (GET /consumer)
    and the response fields (x-provenance: inferred).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ConsumerResponse | ErrorResponse]:
    """Get consumer details

     Returns details about the entity designated as this Grades Application's consumer. Documented: the
    summary, a 200 and a 400 "Consumer is not configured". Chosen: the method and path (GET /consumer)
    and the response fields (x-provenance: inferred).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerResponse | ErrorResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ConsumerResponse | ErrorResponse | None:
    """Get consumer details

     Returns details about the entity designated as this Grades Application's consumer. Documented: the
    summary, a 200 and a 400 "Consumer is not configured". Chosen: the method and path (GET /consumer)
    and the response fields (x-provenance: inferred).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
