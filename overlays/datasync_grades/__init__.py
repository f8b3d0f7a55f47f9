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
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    TokenError,
    UnprocessableEntityError,
    UploadError,
)
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ArtifactError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DataSyncError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "__version__",
]
