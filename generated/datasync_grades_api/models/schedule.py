from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """A grades sync schedule. Documented: `enabled`. Chosen: the other fields (x-provenance: inferred).

    Attributes:
        id (UUID | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
        name (str | Unset):
        enabled (bool | Unset):
        cron (str | Unset): When the schedule runs, as a cron expression.
        last_run_at (datetime.datetime | None | Unset):
    """

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    name: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    cron: str | Unset = UNSET
    last_run_at: datetime.datetime | None | Unset = UNSET
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

        name = self.name

        enabled = self.enabled

        cron = self.cron

        last_run_at: None | str | Unset
        if isinstance(self.last_run_at, Unset):
            last_run_at = UNSET
        elif isinstance(self.last_run_at, datetime.datetime):
            last_run_at = self.last_run_at.isoformat()
        else:
            last_run_at = self.last_run_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if name is not UNSET:
            field_dict["name"] = name
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if cron is not UNSET:
            field_dict["cron"] = cron
        if last_run_at is not UNSET:
            field_dict["last_run_at"] = last_run_at

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

        name = src_dict.get("name", UNSET)
        if not isinstance(name, str):
            if name is not UNSET:
                raise TypeError("name: expected str, got " + type(name).__name__)
            absent += 1

        enabled = src_dict.get("enabled", UNSET)
        if not isinstance(enabled, bool):
            if enabled is not UNSET:
                raise TypeError("enabled: expected bool, got " + type(enabled).__name__)
            absent += 1

        cron = src_dict.get("cron", UNSET)
        if not isinstance(cron, str):
            if cron is not UNSET:
                raise TypeError("cron: expected str, got " + type(cron).__name__)
            absent += 1

        _last_run_at = src_dict.get("last_run_at", UNSET)
        last_run_at: datetime.datetime | None | Unset
        if _last_run_at is None:
            last_run_at = None
        elif _last_run_at is UNSET:
            last_run_at = UNSET
            absent += 1
        elif isinstance(_last_run_at, str):
            last_run_at_type_0 = parse_datetime(_last_run_at)

            last_run_at = last_run_at_type_0
        else:
            raise TypeError(
                "last_run_at: expected datetime.datetime | None, got "
                + type(_last_run_at).__name__
            )

        schedule = _new(cls)
        schedule.id = id
        schedule.created_at = created_at
        schedule.updated_at = updated_at
        schedule.name = name
        schedule.enabled = enabled
        schedule.cron = cron
        schedule.last_run_at = last_run_at
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "created_at",
                    "updated_at",
                    "name",
                    "enabled",
                    "cron",
                    "last_run_at",
                }
            }
            if len(src_dict) + absent > 7
            else {}
        )
        schedule.additional_properties = d
        return schedule

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
