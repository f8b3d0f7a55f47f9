from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.section_resolution_response import SectionResolutionResponse
from ...types import Response

_ErrorResponse_from_dict = ErrorResponse.from_dict
_SectionResolutionResponse_from_dict = SectionResolutionResponse.from_dict


def _get_kwargs(
    id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/sections/{id}/resolve".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SectionResolutionResponse | None:
    if response.status_code == 200:
        response_200 = _SectionResolutionResponse_from_dict(response.json())

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
) -> Response[ErrorResponse | SectionResolutionResponse]:
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
) -> Response[ErrorResponse | SectionResolutionResponse]:
    """Resolve the section by ID

     Resolves the provided DataSync ID to an ID in the consumer's id space. Documented: the summary and
    its meaning. Chosen: the method, the path and the response fields (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SectionResolutionResponse]
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
) -> ErrorResponse | SectionResolutionResponse | None:
    """Resolve the section by ID

     Resolves the provided DataSync ID to an ID in the consumer's id space. Documented: the summary and
    its meaning. Chosen: the method, the path and the response fields (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SectionResolutionResponse
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | SectionResolutionResponse]:
    """Resolve the section by ID

     Resolves the provided DataSync ID to an ID in the consumer's id space. Documented: the summary and
    its meaning. Chosen: the method, the path and the response fields (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SectionResolutionResponse]
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
) -> ErrorResponse | SectionResolutionResponse | None:
    """Resolve the section by ID

     Resolves the provided DataSync ID to an ID in the consumer's id space. Documented: the summary and
    its meaning. Chosen: the method, the path and the response fields (x-provenance: inferred).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SectionResolutionResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
