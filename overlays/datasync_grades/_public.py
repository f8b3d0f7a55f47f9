"""Every public name of ``datasync_grades``, imported at once: the package imports this module
on the first use of one of them (its ``__getattr__``), so that importing the package alone (the
command line's ``--help``) imports neither httpx nor the generated models.

Each name is re-exported by a redundant alias (the form type checkers read as a re-export):
these imports are this module's explicit export list, and ``datasync_grades.__all__`` is every
name here and ``__version__``.
"""

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
