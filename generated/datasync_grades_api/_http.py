"""The HTTP library, chosen at import by ``DATASYNC_GRADES_HTTP``: httpx (default) or httpx2, as
``httpx`` and ``httpcore`` (docs/httpx2.md). Example: ``from ._http import httpx``"""

import os
from typing import TYPE_CHECKING

__all__ = ["LIBRARY", "httpcore", "httpx"]

LIBRARY = os.environ.get("DATASYNC_GRADES_HTTP") or "httpx"
if TYPE_CHECKING or LIBRARY == "httpx":
    import httpcore
    import httpx
elif LIBRARY == "httpx2":
    import httpcore2 as httpcore
    import httpx2 as httpx
else:
    raise ImportError(f"DATASYNC_GRADES_HTTP={LIBRARY!r}: expected 'httpx' or 'httpx2'")
