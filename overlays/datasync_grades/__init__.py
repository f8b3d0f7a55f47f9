"""datasync_grades: a typed Python client for Instructure DataSync's Grades Exchange API.

Example::

    from datasync_grades import ClientCredentials, DataSync

    with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
        for exchange in client.exchanges.list(state="created"):
            print(exchange.id, exchange.max_data_content_length)
"""

from typing import TYPE_CHECKING

from ._version import __version__ as __version__

if TYPE_CHECKING:  # at run time, __getattr__ below imports them on first use
    from datasync_grades_api.api import Artifact as Artifact
    from datasync_grades_api.api import AsyncArtifact as AsyncArtifact
    from datasync_grades_api.api import AsyncPager as AsyncPager
    from datasync_grades_api.api import AsyncResources as AsyncResources
    from datasync_grades_api.api import BodyRequestOptions as BodyRequestOptions
    from datasync_grades_api.api import Checkpoint as Checkpoint
    from datasync_grades_api.api import ChunkStored as ChunkStored
    from datasync_grades_api.api import Identified as Identified
    from datasync_grades_api.api import Page as Page
    from datasync_grades_api.api import Pager as Pager
    from datasync_grades_api.api import PushResult as PushResult
    from datasync_grades_api.api import RawResponse as RawResponse
    from datasync_grades_api.api import RequestOptions as RequestOptions
    from datasync_grades_api.api import Resources as Resources

    from ._auth import DEFAULT_TOKEN_URL as DEFAULT_TOKEN_URL
    from ._auth import BearerToken as BearerToken
    from ._auth import ClientCredentials as ClientCredentials
    from ._client import DEFAULT_BASE_URL as DEFAULT_BASE_URL
    from ._client import DEFAULT_MAX_RESPONSE_BYTES as DEFAULT_MAX_RESPONSE_BYTES
    from ._client import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from ._client import DEFAULT_TOTAL_TIMEOUT as DEFAULT_TOTAL_TIMEOUT
    from ._client import ClientOptions as ClientOptions
    from ._client import InvalidRequestError as InvalidRequestError
    from ._datasync import AsyncDataSync as AsyncDataSync
    from ._datasync import DataSync as DataSync
    from ._exceptions import APIConnectionError as APIConnectionError
    from ._exceptions import APIStatusError as APIStatusError
    from ._exceptions import APITimeoutError as APITimeoutError
    from ._exceptions import ArtifactError as ArtifactError
    from ._exceptions import AuthenticationError as AuthenticationError
    from ._exceptions import BadRequestError as BadRequestError
    from ._exceptions import ConflictError as ConflictError
    from ._exceptions import DataSyncError as DataSyncError
    from ._exceptions import InternalServerError as InternalServerError
    from ._exceptions import NotFoundError as NotFoundError
    from ._exceptions import PaginationError as PaginationError
    from ._exceptions import PermissionDeniedError as PermissionDeniedError
    from ._exceptions import RateLimitError as RateLimitError
    from ._exceptions import ResponseValidationError as ResponseValidationError
    from ._exceptions import TokenError as TokenError
    from ._exceptions import UnprocessableEntityError as UnprocessableEntityError
    from ._exceptions import UploadError as UploadError
    from ._pagination import page_count as page_count
    from ._retry import DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES
    from ._retry import RetryPolicy as RetryPolicy
    from ._upload import CheckpointError as CheckpointError
    from ._upload import Chunk as Chunk
    from ._upload import ConcurrentPushError as ConcurrentPushError
    from ._upload import FileCheckpoint as FileCheckpoint
    from ._upload import InvalidPushError as InvalidPushError
    from ._upload import MemoryCheckpoint as MemoryCheckpoint
    from ._upload import OversizedItemError as OversizedItemError
    from ._upload import plan_chunks as plan_chunks

# Every public name but __version__, and the module it comes from (as the imports above say).
_ORIGINS = {
    "APIConnectionError": "._exceptions",
    "APIStatusError": "._exceptions",
    "APITimeoutError": "._exceptions",
    "Artifact": "datasync_grades_api.api",
    "ArtifactError": "._exceptions",
    "AsyncArtifact": "datasync_grades_api.api",
    "AsyncDataSync": "._datasync",
    "AsyncPager": "datasync_grades_api.api",
    "AsyncResources": "datasync_grades_api.api",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "BearerToken": "._auth",
    "BodyRequestOptions": "datasync_grades_api.api",
    "Checkpoint": "datasync_grades_api.api",
    "CheckpointError": "._upload",
    "Chunk": "._upload",
    "ChunkStored": "datasync_grades_api.api",
    "ClientCredentials": "._auth",
    "ClientOptions": "._client",
    "ConcurrentPushError": "._upload",
    "ConflictError": "._exceptions",
    "DEFAULT_BASE_URL": "._client",
    "DEFAULT_MAX_RESPONSE_BYTES": "._client",
    "DEFAULT_MAX_RETRIES": "._retry",
    "DEFAULT_TIMEOUT": "._client",
    "DEFAULT_TOKEN_URL": "._auth",
    "DEFAULT_TOTAL_TIMEOUT": "._client",
    "DataSync": "._datasync",
    "DataSyncError": "._exceptions",
    "FileCheckpoint": "._upload",
    "Identified": "datasync_grades_api.api",
    "InternalServerError": "._exceptions",
    "InvalidPushError": "._upload",
    "InvalidRequestError": "._client",
    "MemoryCheckpoint": "._upload",
    "NotFoundError": "._exceptions",
    "OversizedItemError": "._upload",
    "Page": "datasync_grades_api.api",
    "Pager": "datasync_grades_api.api",
    "PaginationError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "PushResult": "datasync_grades_api.api",
    "RateLimitError": "._exceptions",
    "RawResponse": "datasync_grades_api.api",
    "RequestOptions": "datasync_grades_api.api",
    "Resources": "datasync_grades_api.api",
    "ResponseValidationError": "._exceptions",
    "RetryPolicy": "._retry",
    "TokenError": "._exceptions",
    "UnprocessableEntityError": "._exceptions",
    "UploadError": "._exceptions",
    "page_count": "._pagination",
    "plan_chunks": "._upload",
}

if not TYPE_CHECKING:  # hidden from type checkers: a misspelt name stays a type error
    __all__ = ["__version__", *_ORIGINS]

    def __getattr__(name: str) -> object:
        """A public name, imported on first use (PEP 562): the command line imports this
        package for its `--help` without httpx, attrs or the generated models."""
        if name not in _ORIGINS:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        globals()[name] = value = getattr(importlib.import_module(_ORIGINS[name], __name__), name)
        return value
