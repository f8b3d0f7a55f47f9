from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_code import ErrorCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """The SDK's ErrorType.

    Attributes:
        status (int | Unset):
        code (ErrorCode | str | Unset): An ErrorCode, or a code this document does not know yet.
        message (str | Unset):
        ext_message (str | Unset):
        details (str | Unset):
    """

    status: int | Unset = UNSET
    code: ErrorCode | str | Unset = UNSET
    message: str | Unset = UNSET
    ext_message: str | Unset = UNSET
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        code: str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        elif isinstance(self.code, ErrorCode):
            code = self.code.value
        else:
            code = self.code

        message = self.message

        ext_message = self.ext_message

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if ext_message is not UNSET:
            field_dict["ext_message"] = ext_message
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        status = src_dict.get("status", UNSET)
        if type(status) is bool or not isinstance(status, int):
            if status is not UNSET:
                raise TypeError("status: expected int, got " + type(status).__name__)
            absent += 1

        _code = src_dict.get("code", UNSET)
        code: ErrorCode | str | Unset
        if _code is UNSET:
            code = UNSET
            absent += 1
        elif isinstance(_code, str):
            code = _ErrorCode_members.get(_code, _code)  # type: ignore[assignment]
        else:
            raise TypeError(
                "code: expected ErrorCode | str, got " + type(_code).__name__
            )

        message = src_dict.get("message", UNSET)
        if not isinstance(message, str):
            if message is not UNSET:
                raise TypeError("message: expected str, got " + type(message).__name__)
            absent += 1

        ext_message = src_dict.get("ext_message", UNSET)
        if not isinstance(ext_message, str):
            if ext_message is not UNSET:
                raise TypeError(
                    "ext_message: expected str, got " + type(ext_message).__name__
                )
            absent += 1

        details = src_dict.get("details", UNSET)
        if not isinstance(details, str):
            if details is not UNSET:
                raise TypeError("details: expected str, got " + type(details).__name__)
            absent += 1

        error_detail = _new(cls)
        error_detail.status = status
        error_detail.code = code
        error_detail.message = message
        error_detail.ext_message = ext_message
        error_detail.details = details
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "status",
                    "code",
                    "message",
                    "ext_message",
                    "details",
                }
            }
            if len(src_dict) + absent > 5
            else {}
        )
        error_detail.additional_properties = d
        return error_detail

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
_ErrorCode_members = ErrorCode._value2member_map_
