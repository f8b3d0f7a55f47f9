from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.schedule_response import ScheduleResponse
from ...models.schedule_update import ScheduleUpdate
from ...types import Response

_ErrorResponse_from_dict = ErrorResponse.from_dict
_ScheduleResponse_from_dict = ScheduleResponse.from_dict


def _get_kwargs(
    id: UUID,
    *,
    body: ScheduleUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/schedules/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ScheduleResponse | None:
    if response.status_code == 200:
        response_200 = _ScheduleResponse_from_dict(response.json())

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
) -> Response[ErrorResponse | ScheduleResponse]:
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
    body: ScheduleUpdate,
) -> Response[ErrorResponse | ScheduleResponse]:
    """Update a grades schedule

     Only the `enabled` attribute may be updated (documented). Chosen: PATCH on the schedule's path and
    the response (x-provenance: inferred).

    Args:
        id (UUID):
        body (ScheduleUpdate): Only `enabled` may be updated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ScheduleResponse]
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
    body: ScheduleUpdate,
) -> ErrorResponse | ScheduleResponse | None:
    """Update a grades schedule

     Only the `enabled` attribute may be updated (documented). Chosen: PATCH on the schedule's path and
    the response (x-provenance: inferred).

    Args:
        id (UUID):
        body (ScheduleUpdate): Only `enabled` may be updated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ScheduleResponse
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
    body: ScheduleUpdate,
) -> Response[ErrorResponse | ScheduleResponse]:
    """Update a grades schedule

     Only the `enabled` attribute may be updated (documented). Chosen: PATCH on the schedule's path and
    the response (x-provenance: inferred).

    Args:
        id (UUID):
        body (ScheduleUpdate): Only `enabled` may be updated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ScheduleResponse]
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
    body: ScheduleUpdate,
) -> ErrorResponse | ScheduleResponse | None:
    """Update a grades schedule

     Only the `enabled` attribute may be updated (documented). Chosen: PATCH on the schedule's path and
    the response (x-provenance: inferred).

    Args:
        id (UUID):
        body (ScheduleUpdate): Only `enabled` may be updated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ScheduleResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
