"""Credentials from options, the environment and a profile file, and the client they make.

Options win over the environment variables the README uses, which win over the profile file
(`profiles.toml` in the user's config directory, e.g. ~/.config/datasync-grades/: a TOML table
per profile, `[default]` used when no --profile is given; refused unless only its owner can
read it). Secrets are read from any of them and never shown.

Example profiles.toml::

    [default]
    client_id = "..."
    client_secret = "..."
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # imported when a command runs: `--help` needs none of them
    from .. import BearerToken, ClientCredentials, DataSync

__all__ = ["ENV", "PROFILES", "Settings", "UsageError", "bearer_token", "settings"]

PROFILES = "profiles.toml"

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
        from .. import DEFAULT_TOKEN_URL, BearerToken, ClientCredentials

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
        from .. import DEFAULT_BASE_URL, DataSync

        url, auth = self.base_url or DEFAULT_BASE_URL, self.auth()
        if self.max_retry_after is None:
            return DataSync(url, auth=auth)
        return DataSync(url, auth=auth, max_retry_after=self.max_retry_after)


def settings(given: dict[str, str | None], profile: str | None, wait: float | None) -> Settings:
    """The options' and variables' values (``given``), completed from the profile."""
    path = Path(typer.get_app_dir("datasync-grades")) / PROFILES
    if profile is None and not path.exists():
        return Settings(**given, max_retry_after=wait)
    stored = _profile(path, profile)
    merged = {name: given[name] or stored.get(name) for name in ENV}
    return Settings(**merged, max_retry_after=wait)


def _profile(path: Path, name: str | None) -> dict[str, Any]:
    import tomllib  # only with a profile file: --help does without

    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            raise UsageError(f"{path} may be read by others (mode {mode & 0o777:o}): chmod 600 it")
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # neither quotes the file's content
        raise UsageError(f"profile file {path}: {exc}") from None
    section = document.get(name or "default")
    if section is None and name is None:
        return {}
    if not isinstance(section, dict):
        raise UsageError(f"{path} has no profile [{name}]")
    wrong = sorted(k for k, v in section.items() if k not in ENV or not isinstance(v, str))
    if wrong:
        raise UsageError(f"profile [{name or 'default'}]: unknown or non-text keys {wrong}")
    return section


def bearer_token(settings: Settings) -> str:
    """The token the client would send: the LTI JWT, or one fetched from the token endpoint.

    Goes through the auth's own ``httpx.Auth`` flow, as a request would, and sends nothing else.
    """
    from .. import DEFAULT_BASE_URL
    from .._http import httpx

    auth = settings.auth()
    flow = auth.sync_auth_flow(httpx.Request("GET", settings.base_url or DEFAULT_BASE_URL))
    try:
        request = next(flow)
    finally:
        flow.close()
    return request.headers["Authorization"].removeprefix("Bearer ")
