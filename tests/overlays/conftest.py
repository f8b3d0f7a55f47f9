"""The overlay tests' fixtures, defined in ``_overlay_support`` so tests can import its helper
classes too: importing ``conftest`` by name is ambiguous with a conftest in every folder."""

from _overlay_support import (
    make_scripted_client,
    make_scripted_datasync,
    recorded_sleeps,
    scripted_server,
    static_bearer,
    sync_or_async,
)

__all__ = [
    "make_scripted_client",
    "make_scripted_datasync",
    "recorded_sleeps",
    "scripted_server",
    "static_bearer",
    "sync_or_async",
]
