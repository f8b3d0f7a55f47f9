from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sys_fields import SysFields
from ..types import UNSET, Unset

T = TypeVar("T", bound="Ref")


@_attrs_define
class Ref:
    """A reference to another entity (the SDK's GradesRefType).

    Attributes:
        sys (SysFields | Unset): DataSync's system fields of an entity.
    """

    sys: SysFields | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        sys = src_dict.get("$sys", UNSET)
        if sys is UNSET:
            absent += 1
        else:
            sys = _SysFields_from_dict(sys)

        ref = _new(cls)
        ref.sys = sys
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "$sys",
                }
            }
            if len(src_dict) + absent > 1
            else {}
        )
        ref.additional_properties = d
        return ref

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
