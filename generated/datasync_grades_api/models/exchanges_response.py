from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange import Exchange
from ..models.paging import Paging
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangesResponse")


@_attrs_define
class ExchangesResponse:
    """
    Attributes:
        paging (Paging | Unset):
        data (list[Exchange] | Unset):
    """

    paging: Paging | Unset = UNSET
    data: list[Exchange] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        paging: dict[str, Any] | Unset = UNSET
        if not isinstance(self.paging, Unset):
            paging = self.paging.to_dict()

        data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data.to_dict()
                data.append(data_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if paging is not UNSET:
            field_dict["paging"] = paging
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        paging = src_dict.get("paging", UNSET)
        if paging is UNSET:
            absent += 1
        else:
            paging = _Paging_from_dict(paging)

        _data = src_dict.get("data", UNSET)
        data: list[Exchange] | Unset = UNSET
        if _data is not UNSET:
            if not isinstance(_data, list):
                raise TypeError("data: expected list, got " + type(_data).__name__)
            data = []
            for data_item_data in _data:
                data_item = _Exchange_from_dict(data_item_data)

                data.append(data_item)
        else:
            absent += 1

        exchanges_response = _new(cls)
        exchanges_response.paging = paging
        exchanges_response.data = data
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "paging",
                    "data",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        exchanges_response.additional_properties = d
        return exchanges_response

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
_Exchange_from_dict = Exchange.from_dict
_Paging_from_dict = Paging.from_dict
