from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sys_fields_app_id import SysFieldsAppId
from ..models.sys_fields_source_id import SysFieldsSourceId
from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="SysFields")


@_attrs_define
class SysFields:
    """DataSync's system fields of an entity.

    Attributes:
        id (UUID | Unset):
        source_id (SysFieldsSourceId | Unset):
        app_id (SysFieldsAppId | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    id: UUID | Unset = UNSET
    source_id: SysFieldsSourceId | Unset = UNSET
    app_id: SysFieldsAppId | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        source_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.source_id, Unset):
            source_id = self.source_id.to_dict()

        app_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.app_id, Unset):
            app_id = self.app_id.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if source_id is not UNSET:
            field_dict["source_id"] = source_id
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

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

        source_id = src_dict.get("source_id", UNSET)
        if source_id is UNSET:
            absent += 1
        else:
            source_id = _SysFieldsSourceId_from_dict(source_id)

        app_id = src_dict.get("app_id", UNSET)
        if app_id is UNSET:
            absent += 1
        else:
            app_id = _SysFieldsAppId_from_dict(app_id)

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

        sys_fields = _new(cls)
        sys_fields.id = id
        sys_fields.source_id = source_id
        sys_fields.app_id = app_id
        sys_fields.created_at = created_at
        sys_fields.updated_at = updated_at
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "source_id",
                    "app_id",
                    "created_at",
                    "updated_at",
                }
            }
            if len(src_dict) + absent > 5
            else {}
        )
        sys_fields.additional_properties = d
        return sys_fields

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
_SysFieldsAppId_from_dict = SysFieldsAppId.from_dict
_SysFieldsSourceId_from_dict = SysFieldsSourceId.from_dict
