"""datasync_grades_sandbox: a local, stateful Grades Exchange API for tests and demos.

An independent reading of openapi.yaml (it imports neither ``datasync_grades`` nor
``datasync_grades_api``): every operation over real HTTP on 127.0.0.1, an OAuth2 token
endpoint, LTI JWT bearer auth, request/response validation with openapi-core, and fault
injection. Needs the ``sandbox`` extra (``pip install datasync-grades[sandbox]``).

Example::

    from datasync_grades_sandbox import Faults, Sandbox

    with Sandbox(faults=Faults(error_rate=0.1, seed=1)) as sandbox:
        print(sandbox.base_url, sandbox.token_url, sandbox.client_id)

From the command line: ``python -m datasync_grades_sandbox --port 8080``, and
``eval "$(python -m datasync_grades_sandbox env --port 8080)"`` for the environment variables a
client reads. In pytest, the ``datasync_sandbox`` and ``datasync_client`` fixtures (see
``datasync_grades_sandbox.pytest_plugin``). Exchanges seeded from grade data
(``seed_exchanges(1, state="completed", data=...)``) serve artifacts derived from it.

Names are imported lazily, so that importing the package (as pytest does for the plugin) does
not need the extra's dependencies until a sandbox is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._faults import FaultCounters, Faults
    from ._jwt import mint_lti_jwt
    from ._seeding import GradeData
    from ._server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, Sandbox
    from ._state import SandboxState

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_LTI_SECRET",
    "FaultCounters",
    "Faults",
    "GradeData",
    "Sandbox",
    "SandboxState",
    "mint_lti_jwt",
]

_LOCATIONS = {
    "DEFAULT_CLIENT_ID": "._server",
    "DEFAULT_CLIENT_SECRET": "._server",
    "DEFAULT_LTI_SECRET": "._server",
    "FaultCounters": "._faults",
    "Faults": "._faults",
    "GradeData": "._seeding",
    "Sandbox": "._server",
    "SandboxState": "._state",
    "mint_lti_jwt": "._jwt",
}


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
