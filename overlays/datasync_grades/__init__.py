"""datasync_grades: a Python client for Instructure DataSync's Grades Exchange API.

The generated package ``datasync_grades_api`` holds one function module per operation;
this package makes it usable: auth, retries and typed errors, pagination, artifacts and
chunked data upload.

Example::

    from datasync_grades import ClientCredentials, connect, paginate
    from datasync_grades_api.api.exchanges import list_exchanges

    client = connect(auth=ClientCredentials(client_id, client_secret))
    for exchange in paginate(list_exchanges, client=client, state="created"):
        print(exchange.id)
"""

from . import artifacts
from ._auth import DEFAULT_TOKEN_URL, BearerToken, ClientCredentials
from ._client import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, connect
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ArtifactError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DataSyncError,
    InternalServerError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    TokenError,
    UnprocessableEntityError,
    UploadError,
    aexpect_parsed,
    expect_parsed,
)
from ._pagination import (
    Page,
    acount,
    apaginate,
    apaginate_pages,
    count,
    page_count,
    paginate,
    paginate_pages,
)
from ._retry import RetryPolicy
from ._upload import (
    OversizedItemError,
    PushResult,
    apush_exchange_data,
    areport_exchange_error,
    push_exchange_data,
    report_exchange_error,
)
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ArtifactError",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "ClientCredentials",
    "ConflictError",
    "DataSyncError",
    "InternalServerError",
    "NotFoundError",
    "OversizedItemError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "PushResult",
    "RateLimitError",
    "ResponseValidationError",
    "RetryPolicy",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "__version__",
    "acount",
    "aexpect_parsed",
    "apaginate",
    "apaginate_pages",
    "apush_exchange_data",
    "areport_exchange_error",
    "artifacts",
    "connect",
    "count",
    "expect_parsed",
    "page_count",
    "paginate",
    "paginate_pages",
    "push_exchange_data",
    "report_exchange_error",
]
