"""Issue 10, target 6: concurrent calls on a cold token cache make exactly one token request.

The scenario is the benchmark's own (:func:`bench.scenarios.token_single_flight`): a
minimal server in another process serves the token endpoint and the API and counts the
token requests; the client is an ``AsyncDataSync`` (or, from threads, a ``DataSync``) with a
fresh ``ClientCredentials``.
"""

from __future__ import annotations

from bench.scenarios import token_single_flight


def test_200_concurrent_async_calls_fetch_one_token() -> None:
    result = token_single_flight(200)

    assert result.succeeded == 200
    assert result.api_requests == 200
    assert result.token_requests == 1


def test_concurrent_sync_calls_from_threads_fetch_one_token() -> None:
    result = token_single_flight(32, threads=True)

    assert result.succeeded == 32
    assert result.api_requests == 32
    assert result.token_requests == 1
