"""Root conftest: makes the sandbox's pytest plugin available in a bare checkout.

Installed (``pip install -e .[sandbox]``), pytest loads ``datasync_grades_sandbox.pytest_plugin``
itself through the package's ``pytest11`` entry point, before this file is read, and refuses
to register the same module a second time; so it is named here only when that did not happen
(a checkout used through ``pythonpath``, or ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set).
"""

import sys

if "datasync_grades_sandbox.pytest_plugin" not in sys.modules:
    pytest_plugins = ["datasync_grades_sandbox.pytest_plugin"]
