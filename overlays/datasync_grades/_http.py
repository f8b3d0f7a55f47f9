"""The HTTP library: httpx, or httpx2 with ``DATASYNC_GRADES_HTTP=httpx2`` (the switch lives in
the generated package, whose modules import it too; see docs/httpx2.md). Type checkers see httpx.

Example::

    from ._http import httpx
"""

from datasync_grades_api._http import LIBRARY, httpcore, httpx

__all__ = ["LIBRARY", "httpcore", "httpx", "refuse_foreign"]

# The packages of the library not selected: no class of theirs works with the selected one's.
_FOREIGN = {"httpx", "httpcore"} if LIBRARY == "httpx2" else {"httpx2", "httpcore2"}


def refuse_foreign(**values: object) -> None:
    """Raise ``TypeError`` for a value of the library not selected (an ``httpx.Timeout`` under
    httpx2, a subclass of ``httpx2.Auth`` under httpx): it would fail deep in a request, or be
    used half-way.

    Example::

        refuse_foreign(transport=transport, auth=auth)
    """
    for name, value in values.items():
        found = _FOREIGN & {cls.__module__.partition(".")[0] for cls in type(value).__mro__}
        if found:
            raise TypeError(
                f"{name} is a {type(value).__name__} of {min(found)}, but "
                f"DATASYNC_GRADES_HTTP selects {LIBRARY}: make it with {LIBRARY}'s classes"
            )
