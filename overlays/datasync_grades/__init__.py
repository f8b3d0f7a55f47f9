"""datasync_grades: a typed Python client for Instructure DataSync's Grades Exchange API.

Example::

    from datasync_grades import ClientCredentials, DataSync

    with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
        for exchange in client.exchanges.list(state="created"):
            print(exchange.id, exchange.max_data_content_length)
"""

from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:  # at run time, __getattr__ below imports them on first use
    from datasync_grades_api.api import (
        Artifact,
        AsyncArtifact,
        AsyncPager,
        AsyncResources,
        BodyRequestOptions,
        Checkpoint,
        ChunkStored,
        Identified,
        Page,
        Pager,
        PushResult,
        RawResponse,
        RequestOptions,
        Resources,
    )

    from ._auth import DEFAULT_TOKEN_URL, BearerToken, ClientCredentials
    from ._client import (
        DEFAULT_BASE_URL,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_TIMEOUT,
        DEFAULT_TOTAL_TIMEOUT,
        ClientOptions,
        InvalidRequestError,
    )
    from ._datasync import AsyncDataSync, DataSync
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
    )
    from ._pagination import page_count
    from ._retry import DEFAULT_MAX_RETRIES, RetryPolicy
    from ._upload import (
        CheckpointError,
        Chunk,
        ConcurrentPushError,
        FileCheckpoint,
        InvalidPushError,
        MemoryCheckpoint,
        OversizedItemError,
        plan_chunks,
    )

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
    "DEFAULT_TOTAL_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Artifact",
    "ArtifactError",
    "AsyncArtifact",
    "AsyncDataSync",
    "AsyncPager",
    "AsyncResources",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "BodyRequestOptions",
    "Checkpoint",
    "CheckpointError",
    "Chunk",
    "ChunkStored",
    "ClientCredentials",
    "ClientOptions",
    "ConcurrentPushError",
    "ConflictError",
    "DataSync",
    "DataSyncError",
    "FileCheckpoint",
    "Identified",
    "InternalServerError",
    "InvalidPushError",
    "InvalidRequestError",
    "MemoryCheckpoint",
    "NotFoundError",
    "OversizedItemError",
    "Page",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "PushResult",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "Resources",
    "ResponseValidationError",
    "RetryPolicy",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "__version__",
    "page_count",
    "plan_chunks",
]


if not TYPE_CHECKING:  # hidden from type checkers: a misspelt name stays a type error

    def __getattr__(name: str) -> object:
        """A public name, imported on first use (PEP 562): the command line imports this
        package for its `--help` without httpx, attrs or the generated models."""
        if name in __all__:
            import importlib

            for module in _MODULES:
                found = importlib.import_module(module, __name__)
                if name in vars(found):
                    globals()[name] = value = vars(found)[name]
                    return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The modules of the TYPE_CHECKING block, searched in this order.
_MODULES = (
    "datasync_grades_api.api",
    "._auth",
    "._client",
    "._datasync",
    "._exceptions",
    "._pagination",
    "._retry",
    "._upload",
)
