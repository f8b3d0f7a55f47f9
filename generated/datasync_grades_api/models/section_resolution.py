from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_uuid

T = TypeVar("T", bound="SectionResolution")


@_attrs_define
class SectionResolution:
    """A DataSync section id and the same section's id in the consumer's id space (x-provenance: inferred).

    Attributes:
        id (UUID | Unset):
        consumer_id (str | Unset):
    """

    id: UUID | Unset = UNSET
    consumer_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        consumer_id = self.consumer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if consumer_id is not UNSET:
            field_dict["consumer_id"] = consumer_id

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

        consumer_id = src_dict.get("consumer_id", UNSET)
        if not isinstance(consumer_id, str):
            if consumer_id is not UNSET:
                raise TypeError(
                    "consumer_id: expected str, got " + type(consumer_id).__name__
                )
            absent += 1

        section_resolution = _new(cls)
        section_resolution.id = id
        section_resolution.consumer_id = consumer_id
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "consumer_id",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        section_resolution.additional_properties = d
        return section_resolution

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
