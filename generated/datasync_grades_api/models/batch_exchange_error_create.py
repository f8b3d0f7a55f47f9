from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_error_code import ExchangeErrorCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchExchangeErrorCreate")


@_attrs_define
class BatchExchangeErrorCreate:
    """The body that reports a batch exchange error: BatchExchangeError without its read-only fields (x-provenance:
    inferred, as BatchExchangeError).

        Attributes:
            code (ExchangeErrorCode | str | Unset): An ExchangeErrorCode, or a code this document does not know yet.
            details (str | Unset):
    """

    code: ExchangeErrorCode | str | Unset = UNSET
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code: str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        elif isinstance(self.code, ExchangeErrorCode):
            code = self.code.value
        else:
            code = self.code

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
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

        details = src_dict.get("details", UNSET)
        if not isinstance(details, str):
            if details is not UNSET:
                raise TypeError("details: expected str, got " + type(details).__name__)
            absent += 1

        batch_exchange_error_create = _new(cls)
        batch_exchange_error_create.code = code
        batch_exchange_error_create.details = details
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "code",
                    "details",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        batch_exchange_error_create.additional_properties = d
        return batch_exchange_error_create

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
