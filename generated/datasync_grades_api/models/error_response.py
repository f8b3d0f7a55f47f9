from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_detail import ErrorDetail
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The one error body of every 4xx and 5xx. The 2020 SDK wraps ErrorType in `error`; the shape of 4xx bodies in 2025+
    is not documented (x-provenance: inferred). An OAuth2 layer answers 401 and 403 with RFC 6749 bodies, `{"error":
    "invalid_token", "error_description": "..."}`, so `error` may also be a string.

        Attributes:
            error (ErrorDetail | str | Unset):
            error_description (str | Unset):
    """

    error: ErrorDetail | str | Unset = UNSET
    error_description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, ErrorDetail):
            error = self.error.to_dict()
        else:
            error = self.error

        error_description = self.error_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error
        if error_description is not UNSET:
            field_dict["error_description"] = error_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        _error = src_dict.get("error", UNSET)
        error: ErrorDetail | str | Unset
        if _error is UNSET:
            error = UNSET
            absent += 1
        elif isinstance(_error, dict):
            error_type_0 = _ErrorDetail_from_dict(_error)

            error = error_type_0
        elif isinstance(_error, str):
            error = _error
        else:
            raise TypeError(
                "error: expected ErrorDetail | str, got " + type(_error).__name__
            )

        error_description = src_dict.get("error_description", UNSET)
        if not isinstance(error_description, str):
            if error_description is not UNSET:
                raise TypeError(
                    "error_description: expected str, got "
                    + type(error_description).__name__
                )
            absent += 1

        error_response = _new(cls)
        error_response.error = error
        error_response.error_description = error_description
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "error",
                    "error_description",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        error_response.additional_properties = d
        return error_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


_new = object.__new__
_ErrorDetail_from_dict = ErrorDetail.from_dict
