"""Request and response validation against openapi.yaml, with openapi-core.

The spec is adapted before openapi-core sees it, for reasons that are the sandbox's, not the
API's:

- the server URL becomes the bare base path (``/v2/grades``), so requests to
  ``http://127.0.0.1:<port>`` match it;
- ``security`` is removed: the sandbox authenticates requests itself (OAuth2 tokens, LTI JWTs),
  and openapi-core cannot check OAuth2 (it warns "Unsupported scheme type");
- ``application/gzip`` and ``text/csv`` bodies are handed to the schema as text (latin-1 /
  UTF-8): openapi-core 0.23 rejects ``bytes`` for ``type: string, format: binary`` under
  OpenAPI 3.1 (python-openapi/openapi-core#854).

Messages are flattened to one line including the JSON Schema validator's own words, e.g.
``Invalid query parameter: page: -1 is less than the minimum of 0``.

Example::

    validator = SpecValidator.shared()
    problems = validator.request_errors(werkzeug_request)
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema.exceptions import best_match  # type: ignore[import-untyped,unused-ignore]
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.wrappers import Request, Response

from ._spec import base_path, load_spec

__all__ = ["SpecValidator", "describe_error"]

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")  # every byte string decodes: any gzip body is a "string"


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")


def _schema_error_text(error: Any) -> str:
    # best_match descends into anyOf/oneOf sub-errors: "5 is not valid under any of the given
    # schemas" becomes the sub-error that explains it best.
    best = best_match([error])
    where = getattr(best, "json_path", "$")
    return best.message if where == "$" else f"{where}: {best.message}"


def describe_error(exc: BaseException) -> str:
    """One line: each level of openapi-core's exception chain, schema errors spelled out.

    openapi-core repeats a cause's text inside its wrapper's, and a schema error's inside the
    whole value's; each is said once here, e.g. ``Request body validation error:
    $.final: 'yes' is not of type 'boolean'``.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            parts.append("; ".join(_schema_error_text(error) for error in schema_errors))
            break
        cause = current.__cause__ or current.__context__
        text = str(current)
        if cause is not None and str(cause) and str(cause) in text:
            text = text.replace(str(cause), "")
        text = text.strip().rstrip(":").strip()
        if text and text not in parts:
            parts.append(text)
        current = cause
    return ": ".join(parts) or type(exc).__name__


class SpecValidator:
    """openapi-core validators for the adapted spec; one is shared by all sandboxes."""

    def __init__(self, spec: dict[str, Any]) -> None:
        spec["servers"] = [{"url": base_path(spec)}]
        spec.pop("security", None)
        for item in spec["paths"].values():
            for method in _HTTP_METHODS:
                if method in item:
                    item[method].pop("security", None)
        config = Config(
            extra_media_type_deserializers={"application/gzip": _latin1, "text/csv": _utf8}
        )
        self._api = OpenAPI.from_dict(spec, config=config)

    @staticmethod
    @functools.cache
    def shared() -> SpecValidator:
        """Built once per process: parsing and checking the spec takes a while."""
        return SpecValidator(load_spec())

    def request_errors(self, request: Request) -> list[str]:
        errors = self._api.iter_request_errors(WerkzeugOpenAPIRequest(request))
        return [describe_error(exc) for exc in errors]

    def response_errors(self, request: Request, response: Response) -> list[str]:
        errors = self._api.iter_response_errors(
            WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
        )
        return [describe_error(exc) for exc in errors]
