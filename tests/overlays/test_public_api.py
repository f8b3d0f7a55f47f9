"""Pins the public surface: a name added to or dropped from ``__all__`` is a deliberate change
made here too, as in httpx's own test of its namespace."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import datasync_grades
import datasync_grades.artifacts

ROOT_API = {
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ArtifactError",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "ClientCredentials",
    "ConflictError",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
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
}

ARTIFACTS_API = {
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_BYTES",
    "aconsumer_logs",
    "acourse_ids_report",
    "adetails",
    "aiter_artifact",
    "aiter_consumer_logs",
    "aiter_course_ids_report",
    "aiter_details",
    "aload_artifact",
    "asave_artifact",
    "asave_consumer_logs",
    "asave_details",
    "consumer_logs",
    "course_ids_report",
    "details",
    "iter_artifact",
    "iter_consumer_logs",
    "iter_course_ids_report",
    "iter_details",
    "load_artifact",
    "save_artifact",
    "save_consumer_logs",
    "save_details",
}


@pytest.mark.parametrize(
    ("module", "expected"),
    [(datasync_grades, ROOT_API), (datasync_grades.artifacts, ARTIFACTS_API)],
    ids=["datasync_grades", "datasync_grades.artifacts"],
)
def test_public_names_are_pinned(module: object, expected: set[str]) -> None:
    exported = module.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice in __all__"
    assert set(exported) == expected
    for name in exported:
        assert getattr(module, name) is not None, name


def test_public_names_come_from_private_modules_or_are_submodules() -> None:
    """Everything public is re-exported from the root: nothing needs a private import."""
    for name in ROOT_API - {"__version__", "artifacts"}:
        value = getattr(datasync_grades, name)
        origin = getattr(value, "__module__", None)
        if origin is not None and (inspect.isclass(value) or inspect.isfunction(value)):
            assert origin.startswith("datasync_grades."), (name, origin)


def test_every_error_is_a_datasync_error() -> None:
    errors = [
        getattr(datasync_grades, name)
        for name in ROOT_API
        if inspect.isclass(getattr(datasync_grades, name))
        and issubclass(getattr(datasync_grades, name), BaseException)
    ]
    assert len(errors) >= 17
    assert all(issubclass(error, datasync_grades.DataSyncError) for error in errors)


def test_version_is_a_release_number_and_is_sent_in_the_user_agent() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]\d+|rc\d+)?", datasync_grades.__version__)
    client = importlib.import_module("datasync_grades._client")
    assert client.USER_AGENT.startswith(f"datasync-grades/{datasync_grades.__version__} ")
