"""datasync_grades: a typed Python client for Instructure DataSync's Grades Exchange API.

Example::

    from datasync_grades import ClientCredentials, DataSync

    with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
        for exchange in client.exchanges.list(state="created"):
            print(exchange.id, exchange.max_data_content_length)
"""

import importlib
from typing import TYPE_CHECKING

from ._version import __version__ as __version__

if TYPE_CHECKING:  # at run time, __getattr__ below imports them on first use
    from ._public import *  # noqa: F403 (one list of the public names, in _public)
else:  # hidden from type checkers: a misspelt name stays a type error

    def __getattr__(name: str) -> object:
        """A public name (or ``__all__``), imported on first use (PEP 562): the command line
        imports this package for its ``--help`` without httpx, attrs or the generated models."""
        if name[0] != "_" or name == "__all__":
            public = vars(importlib.import_module("._public", __name__))
            names = [key for key in public if key[0] != "_"]
            globals().update({key: public[key] for key in names}, __all__=[*names, "__version__"])
            if name in globals():
                return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
