from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.run_schedule_body import RunScheduleBody
from ...types import UNSET, Response, Unset

_ErrorResponse_from_dict = ErrorResponse.from_dict


def _get_kwargs(
    id: UUID,
    *,
    body: RunScheduleBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/schedules/{id}/run".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | ErrorResponse]:
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
    body: RunScheduleBody | Unset = UNSET,
) -> Response[Any | ErrorResponse]:
    """Run a grades schedule

     Enqueues a grade schedule for execution. Documented: the optional nullable object body, 409 and 429.
    Chosen: the path and the success status, 204 "No content, schedule queued for execution", as a
    sibling DataSync API documents for its run call (x-provenance: inferred).

    Args:
        id (UUID):
        body (RunScheduleBody | Unset): Documented as an optional, nullable object. Modelled as an
            optional object (send none, or `{}`): openapi-python-client 0.29 serializes an omitted
            nullable body as UNSET and fails.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
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
    body: RunScheduleBody | Unset = UNSET,
) -> Any | ErrorResponse | None:
    """Run a grades schedule

     Enqueues a grade schedule for execution. Documented: the optional nullable object body, 409 and 429.
    Chosen: the path and the success status, 204 "No content, schedule queued for execution", as a
    sibling DataSync API documents for its run call (x-provenance: inferred).

    Args:
        id (UUID):
        body (RunScheduleBody | Unset): Documented as an optional, nullable object. Modelled as an
            optional object (send none, or `{}`): openapi-python-client 0.29 serializes an omitted
            nullable body as UNSET and fails.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
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
    body: RunScheduleBody | Unset = UNSET,
) -> Response[Any | ErrorResponse]:
    """Run a grades schedule

     Enqueues a grade schedule for execution. Documented: the optional nullable object body, 409 and 429.
    Chosen: the path and the success status, 204 "No content, schedule queued for execution", as a
    sibling DataSync API documents for its run call (x-provenance: inferred).

    Args:
        id (UUID):
        body (RunScheduleBody | Unset): Documented as an optional, nullable object. Modelled as an
            optional object (send none, or `{}`): openapi-python-client 0.29 serializes an omitted
            nullable body as UNSET and fails.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
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
    body: RunScheduleBody | Unset = UNSET,
) -> Any | ErrorResponse | None:
    """Run a grades schedule

     Enqueues a grade schedule for execution. Documented: the optional nullable object body, 409 and 429.
    Chosen: the path and the success status, 204 "No content, schedule queued for execution", as a
    sibling DataSync API documents for its run call (x-provenance: inferred).

    Args:
        id (UUID):
        body (RunScheduleBody | Unset): Documented as an optional, nullable object. Modelled as an
            optional object (send none, or `{}`): openapi-python-client 0.29 serializes an omitted
            nullable body as UNSET and fails.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
