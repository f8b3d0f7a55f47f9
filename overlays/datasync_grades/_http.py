"""The HTTP library, imported here and nowhere else in the package: switching it is one edit.

Example::

    from ._http import httpx
"""

import httpcore
import httpx

__all__ = ["httpcore", "httpx"]
