from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScheduleUpdate")


@_attrs_define
class ScheduleUpdate:
    """Only `enabled` may be updated.

    Attributes:
        enabled (bool):
    """

    enabled: bool

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enabled": enabled,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        enabled = src_dict["enabled"]
        if not isinstance(enabled, bool):
            raise TypeError("enabled: expected bool, got " + type(enabled).__name__)

        schedule_update = _new(cls)
        schedule_update.enabled = enabled
        return schedule_update


_new = object.__new__
