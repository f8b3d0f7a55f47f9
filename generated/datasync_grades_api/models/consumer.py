from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metadata import Metadata
from ..types import UNSET, Unset, parse_uuid

T = TypeVar("T", bound="Consumer")


@_attrs_define
class Consumer:
    """This Grades Application's consumer. Documented: that it exists. Chosen: the fields (x-provenance: inferred).

    Attributes:
        id (UUID | Unset):
        name (str | Unset):
        type_ (str | Unset): The kind of consumer, e.g. `sis`.
        metadata (Metadata | None | Unset): Free-form metadata the creator of an exchange attaches to it.
    """

    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    type_: str | Unset = UNSET
    metadata: Metadata | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        type_ = self.type_

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, Metadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

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

        name = src_dict.get("name", UNSET)
        if not isinstance(name, str):
            if name is not UNSET:
                raise TypeError("name: expected str, got " + type(name).__name__)
            absent += 1

        type_ = src_dict.get("type", UNSET)
        if not isinstance(type_, str):
            if type_ is not UNSET:
                raise TypeError("type: expected str, got " + type(type_).__name__)
            absent += 1

        _metadata = src_dict.get("metadata", UNSET)
        metadata: Metadata | None | Unset
        if _metadata is None:
            metadata = None
        elif _metadata is UNSET:
            metadata = UNSET
            absent += 1
        elif isinstance(_metadata, dict):
            componentsschemas_metadata_type_0 = _Metadata_from_dict(_metadata)

            metadata = componentsschemas_metadata_type_0
        else:
            raise TypeError(
                "metadata: expected Metadata | None, got " + type(_metadata).__name__
            )

        consumer = _new(cls)
        consumer.id = id
        consumer.name = name
        consumer.type_ = type_
        consumer.metadata = metadata
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "name",
                    "type",
                    "metadata",
                }
            }
            if len(src_dict) + absent > 4
            else {}
        )
        consumer.additional_properties = d
        return consumer

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
_Metadata_from_dict = Metadata.from_dict
