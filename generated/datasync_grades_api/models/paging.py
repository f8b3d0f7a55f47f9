from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Paging")


@_attrs_define
class Paging:
    """
    Attributes:
        next_ (None | str | Unset): The next page's URL or token, when the server sends one.
    """

    next_: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_: None | str | Unset
        if isinstance(self.next_, Unset):
            next_ = UNSET
        else:
            next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        _next_ = src_dict.get("next", UNSET)
        next_: None | str | Unset
        if _next_ is None:
            next_ = None
        elif _next_ is UNSET:
            next_ = UNSET
            absent += 1
        elif isinstance(_next_, str):
            next_ = _next_
        else:
            raise TypeError("next: expected str | None, got " + type(_next_).__name__)

        paging = _new(cls)
        paging.next_ = next_
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "next",
                }
            }
            if len(src_dict) + absent > 1
            else {}
        )
        paging.additional_properties = d
        return paging

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
