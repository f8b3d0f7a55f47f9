"""Credentials from options and the environment, and the client they make.

Options win over the environment variables the README uses; secrets are read from either
and never shown (help lists the variables' names, not their values).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from .. import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, BearerToken, ClientCredentials, DataSync

__all__ = ["ENV", "Settings", "UsageError", "bearer_token"]

# option name -> environment variable
ENV = {
    "base_url": "DATASYNC_BASE_URL",
    "token_url": "DATASYNC_TOKEN_URL",
    "client_id": "DATASYNC_CLIENT_ID",
    "client_secret": "DATASYNC_CLIENT_SECRET",
    "lti_jwt": "DATASYNC_LTI_JWT",
}


class UsageError(Exception):
    """Not enough (or contradicting) settings to connect: exit code 2."""


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    lti_jwt: str | None = field(default=None, repr=False)
    max_retry_after: float | None = None  # --wait: the longest Retry-After waited out

    def auth(self) -> ClientCredentials | BearerToken:
        """An LTI JWT when one is given, else the client-credentials pair."""
        if self.lti_jwt:
            return BearerToken(self.lti_jwt)
        if self.client_id and self.client_secret:
            url = self.token_url or DEFAULT_TOKEN_URL
            return ClientCredentials(self.client_id, self.client_secret, token_url=url)
        raise UsageError(
            "no credentials: set DATASYNC_CLIENT_ID and DATASYNC_CLIENT_SECRET (or "
            "--client-id/--client-secret), or DATASYNC_LTI_JWT (--lti-jwt)"
        )

    def client(self) -> DataSync:
        url, auth = self.base_url or DEFAULT_BASE_URL, self.auth()
        if self.max_retry_after is None:
            return DataSync(url, auth=auth)
        return DataSync(url, auth=auth, max_retry_after=self.max_retry_after)


def bearer_token(settings: Settings) -> str:
    """The token the client would send: the LTI JWT, or one fetched from the token endpoint.

    Goes through the auth's own ``httpx.Auth`` flow, as a request would, and sends nothing else.
    """
    auth = settings.auth()
    flow = auth.sync_auth_flow(httpx.Request("GET", settings.base_url or DEFAULT_BASE_URL))
    try:
        request = next(flow)
    finally:
        flow.close()
    return request.headers["Authorization"].removeprefix("Bearer ")
