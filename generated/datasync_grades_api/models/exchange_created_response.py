from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_detail import ErrorDetail
from ..models.exchange import Exchange
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangeCreatedResponse")


@_attrs_define
class ExchangeCreatedResponse:
    """Documented: createExchange's example answers `{"data": null}`. Chosen: its `data` may be null, unlike
    findExchange's, which carries the exchange.

        Attributes:
            error (ErrorDetail | Unset): The SDK's ErrorType.
            data (Exchange | None | Unset):
    """

    error: ErrorDetail | Unset = UNSET
    data: Exchange | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, Exchange):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        error = src_dict.get("error", UNSET)
        if error is UNSET:
            absent += 1
        else:
            error = _ErrorDetail_from_dict(error)

        _data = src_dict.get("data", UNSET)
        data: Exchange | None | Unset
        if _data is None:
            data = None
        elif _data is UNSET:
            data = UNSET
            absent += 1
        elif isinstance(_data, dict):
            data_type_0 = _Exchange_from_dict(_data)

            data = data_type_0
        else:
            raise TypeError(
                "data: expected Exchange | None, got " + type(_data).__name__
            )

        exchange_created_response = _new(cls)
        exchange_created_response.error = error
        exchange_created_response.data = data
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "error",
                    "data",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        exchange_created_response.additional_properties = d
        return exchange_created_response

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
_Exchange_from_dict = Exchange.from_dict
