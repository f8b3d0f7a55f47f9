from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_detail import ErrorDetail
from ..models.resource import Resource
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangeDataResponse")


@_attrs_define
class ExchangeDataResponse:
    """
    Attributes:
        error (ErrorDetail | Unset): The SDK's ErrorType.
        data (Resource | Unset): The SDK's BaseResourceType.
    """

    error: ErrorDetail | Unset = UNSET
    data: Resource | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

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

        data = src_dict.get("data", UNSET)
        if data is UNSET:
            absent += 1
        else:
            data = _Resource_from_dict(data)

        exchange_data_response = _new(cls)
        exchange_data_response.error = error
        exchange_data_response.data = data
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
        exchange_data_response.additional_properties = d
        return exchange_data_response

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
_Resource_from_dict = Resource.from_dict
