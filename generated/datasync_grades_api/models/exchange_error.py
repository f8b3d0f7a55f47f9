from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_error_code import ExchangeErrorCode
from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="ExchangeError")


@_attrs_define
class ExchangeError:
    """
    Attributes:
        id (UUID | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
        code (ExchangeErrorCode | str | Unset): An ExchangeErrorCode, or a code this document does not know yet.
        message (str | Unset):
        details (str | Unset):
    """

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    code: ExchangeErrorCode | str | Unset = UNSET
    message: str | Unset = UNSET
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        code: str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        elif isinstance(self.code, ExchangeErrorCode):
            code = self.code.value
        else:
            code = self.code

        message = self.message

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        id = src_dict.get("id", UNSET)
        if id is UNSET:
            absent += 1
        else:
            id = parse_uuid(id)

        created_at = src_dict.get("created_at", UNSET)
        if created_at is UNSET:
            absent += 1
        else:
            created_at = parse_datetime(created_at)

        updated_at = src_dict.get("updated_at", UNSET)
        if updated_at is UNSET:
            absent += 1
        else:
            updated_at = parse_datetime(updated_at)

        _code = src_dict.get("code", UNSET)
        code: ExchangeErrorCode | str | Unset
        if _code is UNSET:
            code = UNSET
            absent += 1
        elif isinstance(_code, str):
            code = _ExchangeErrorCode_members.get(_code, _code)  # type: ignore[assignment]
        else:
            raise TypeError(
                "code: expected ExchangeErrorCode | str, got " + type(_code).__name__
            )

        message = src_dict.get("message", UNSET)
        if not isinstance(message, str):
            if message is not UNSET:
                raise TypeError("message: expected str, got " + type(message).__name__)
            absent += 1

        details = src_dict.get("details", UNSET)
        if not isinstance(details, str):
            if details is not UNSET:
                raise TypeError("details: expected str, got " + type(details).__name__)
            absent += 1

        exchange_error = _new(cls)
        exchange_error.id = id
        exchange_error.created_at = created_at
        exchange_error.updated_at = updated_at
        exchange_error.code = code
        exchange_error.message = message
        exchange_error.details = details
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "created_at",
                    "updated_at",
                    "code",
                    "message",
                    "details",
                }
            }
            if len(src_dict) + absent > 6
            else {}
        )
        exchange_error.additional_properties = d
        return exchange_error

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
_ExchangeErrorCode_members = ExchangeErrorCode._value2member_map_
