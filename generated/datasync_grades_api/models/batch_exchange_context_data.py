from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="BatchExchangeContextData")


@_attrs_define
class BatchExchangeContextData:
    """The stored context data of a batch exchange (x-provenance: inferred).

    Attributes:
        id (UUID | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
        course_ids (list[str] | Unset):
    """

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    course_ids: list[str] | Unset = UNSET
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

        course_ids: list[str] | Unset = UNSET
        if not isinstance(self.course_ids, Unset):
            course_ids = self.course_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if course_ids is not UNSET:
            field_dict["course_ids"] = course_ids

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

        course_ids: list[str] | Unset = src_dict.get("course_ids", UNSET)
        if not isinstance(course_ids, list):
            if course_ids is not UNSET:
                raise TypeError(
                    "course_ids: expected list, got " + type(course_ids).__name__
                )
            absent += 1

        batch_exchange_context_data = _new(cls)
        batch_exchange_context_data.id = id
        batch_exchange_context_data.created_at = created_at
        batch_exchange_context_data.updated_at = updated_at
        batch_exchange_context_data.course_ids = course_ids
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "created_at",
                    "updated_at",
                    "course_ids",
                }
            }
            if len(src_dict) + absent > 4
            else {}
        )
        batch_exchange_context_data.additional_properties = d
        return batch_exchange_context_data

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
