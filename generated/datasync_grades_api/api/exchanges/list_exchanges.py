from http import HTTPStatus
from typing import Any

from ... import errors
from ..._http import httpx
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_state import ExchangeState
from ...models.exchanges_response import ExchangesResponse
from ...models.posted_by import PostedBy
from ...types import UNSET, Response, Unset

_ErrorResponse_from_dict = ErrorResponse.from_dict
_ExchangesResponse_from_dict = ExchangesResponse.from_dict


def _get_kwargs(
    *,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

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
        "url": "/exchanges",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExchangesResponse | None:
    if response.status_code == 200:
        response_200 = _ExchangesResponse_from_dict(response.json())

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
) -> Response[ErrorResponse | ExchangesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | ExchangesResponse]:
    """List Grades Exchanges

     Lists grades exchanges one page at a time, pages numbered from 0. `state=created` lists the
    exchanges waiting for a producer's answer (see ExchangeState). Answering them changes their state,
    so paging through that filter while answering shifts the pages: take the list first, or count again.

    Args:
        page (int | Unset):  Default: 0.
        page_size (int | Unset):
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
        Response[ErrorResponse | ExchangesResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
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
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | ExchangesResponse | None:
    """List Grades Exchanges

     Lists grades exchanges one page at a time, pages numbered from 0. `state=created` lists the
    exchanges waiting for a producer's answer (see ExchangeState). Answering them changes their state,
    so paging through that filter while answering shifts the pages: take the list first, or count again.

    Args:
        page (int | Unset):  Default: 0.
        page_size (int | Unset):
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
        ErrorResponse | ExchangesResponse
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
        search=search,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | ExchangesResponse]:
    """List Grades Exchanges

     Lists grades exchanges one page at a time, pages numbered from 0. `state=created` lists the
    exchanges waiting for a producer's answer (see ExchangeState). Answering them changes their state,
    so paging through that filter while answering shifts the pages: take the list first, or count again.

    Args:
        page (int | Unset):  Default: 0.
        page_size (int | Unset):
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
        Response[ErrorResponse | ExchangesResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
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
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
    course_app_id: str | Unset = UNSET,
    state: ExchangeState | str | Unset = UNSET,
    posted_by: PostedBy | str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | ExchangesResponse | None:
    """List Grades Exchanges

     Lists grades exchanges one page at a time, pages numbered from 0. `state=created` lists the
    exchanges waiting for a producer's answer (see ExchangeState). Answering them changes their state,
    so paging through that filter while answering shifts the pages: take the list first, or count again.

    Args:
        page (int | Unset):  Default: 0.
        page_size (int | Unset):
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
        ErrorResponse | ExchangesResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            course_app_id=course_app_id,
            state=state,
            posted_by=posted_by,
            search=search,
        )
    ).parsed
