from http import HTTPStatus
from typing import Any, cast

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_state import ExchangeState
from ...models.posted_by import PostedBy
from ...types import UNSET, Response, Unset

_ErrorResponse_from_dict = ErrorResponse.from_dict


def _get_kwargs(
    *,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["course_app_id"] = course_app_id

    json_state: str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, ExchangeState):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    json_posted_by: str | Unset
    if isinstance(posted_by, Unset):
        json_posted_by = UNSET
    elif isinstance(posted_by, PostedBy):
        json_posted_by = posted_by.value
    else:
        json_posted_by = posted_by
    params["posted_by"] = json_posted_by

    params["search"] = search

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/exchanges/count",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | int | None:
    if response.status_code == 200:
        response_200 = cast(int, response.json())
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
) -> Response[ErrorResponse | int]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | int]:
    """Get count of Grades Exchanges

     Counts the exchanges that listExchanges would list with the same filters; useful for determining the
    maximum page number of listExchanges. The body is a bare integer. Documented: the count is "in scope
    of the provided query parameters"; that `search` is one of them is our inference (x-provenance:
    inferred).

    Args:
        course_app_id (str | Unset):
        state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not
            know yet.
        posted_by (PostedBy | str | Unset): A PostedBy, or a value this document does not know
            yet.
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | int]
    """

    kwargs = _get_kwargs(
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
        search=search,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | int | None:
    """Get count of Grades Exchanges

     Counts the exchanges that listExchanges would list with the same filters; useful for determining the
    maximum page number of listExchanges. The body is a bare integer. Documented: the count is "in scope
    of the provided query parameters"; that `search` is one of them is our inference (x-provenance:
    inferred).

    Args:
        course_app_id (str | Unset):
        state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not
            know yet.
        posted_by (PostedBy | str | Unset): A PostedBy, or a value this document does not know
            yet.
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | int
    """

    return sync_detailed(
        client=client,
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
        search=search,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | int]:
    """Get count of Grades Exchanges

     Counts the exchanges that listExchanges would list with the same filters; useful for determining the
    maximum page number of listExchanges. The body is a bare integer. Documented: the count is "in scope
    of the provided query parameters"; that `search` is one of them is our inference (x-provenance:
    inferred).

    Args:
        course_app_id (str | Unset):
        state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not
            know yet.
        posted_by (PostedBy | str | Unset): A PostedBy, or a value this document does not know
            yet.
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | int]
    """

    kwargs = _get_kwargs(
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
        search=search,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | int | None:
    """Get count of Grades Exchanges

     Counts the exchanges that listExchanges would list with the same filters; useful for determining the
    maximum page number of listExchanges. The body is a bare integer. Documented: the count is "in scope
    of the provided query parameters"; that `search` is one of them is our inference (x-provenance:
    inferred).

    Args:
        course_app_id (str | Unset):
        state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not
            know yet.
        posted_by (PostedBy | str | Unset): A PostedBy, or a value this document does not know
            yet.
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | int
    """

    return (
        await asyncio_detailed(
            client=client,
            course_app_id=course_app_id,
            state=state,
            posted_by=posted_by,
            search=search,
        )
    ).parsed
