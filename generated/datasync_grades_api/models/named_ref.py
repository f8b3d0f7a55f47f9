from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sys_fields import SysFields
from ..types import UNSET, Unset

T = TypeVar("T", bound="NamedRef")


@_attrs_define
class NamedRef:
    """A reference with a display name (a scope id, a category).

    Attributes:
        name (str | Unset):
        sys (SysFields | Unset): DataSync's system fields of an entity.
    """

    name: str | Unset = UNSET
    sys: SysFields | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if sys is not UNSET:
            field_dict["$sys"] = sys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        name = src_dict.get("name", UNSET)
        if not isinstance(name, str):
            if name is not UNSET:
                raise TypeError("name: expected str, got " + type(name).__name__)
            absent += 1

        sys = src_dict.get("$sys", UNSET)
        if sys is UNSET:
            absent += 1
        else:
            sys = _SysFields_from_dict(sys)

        named_ref = _new(cls)
        named_ref.name = name
        named_ref.sys = sys
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "name",
                    "$sys",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        named_ref.additional_properties = d
        return named_ref

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
_SysFields_from_dict = SysFields.from_dict
