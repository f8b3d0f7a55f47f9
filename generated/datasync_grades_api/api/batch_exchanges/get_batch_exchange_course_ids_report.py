from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...types import File, Response

_ErrorResponse_from_dict = ErrorResponse.from_dict


def _get_kwargs(
    id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/batch_exchanges/{id}/reports/course_ids".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[ErrorResponse | File]:
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
) -> Response[ErrorResponse | File]:
    """Get Batch Exchange Course IDs Report

     The course ids of a batch exchange. Documented: the `id` path parameter and that the response is a
    CSV file. Chosen: the path and the CSV layout, a `course_id` header row then one id a row
    (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | File | None:
    """Get Batch Exchange Course IDs Report

     The course ids of a batch exchange. Documented: the `id` path parameter and that the response is a
    CSV file. Chosen: the path and the CSV layout, a `course_id` header row then one id a row
    (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | File]:
    """Get Batch Exchange Course IDs Report

     The course ids of a batch exchange. Documented: the `id` path parameter and that the response is a
    CSV file. Chosen: the path and the CSV layout, a `course_id` header row then one id a row
    (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | File | None:
    """Get Batch Exchange Course IDs Report

     The course ids of a batch exchange. Documented: the `id` path parameter and that the response is a
    CSV file. Chosen: the path and the CSV layout, a `course_id` header row then one id a row
    (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
