from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BatchExchangeContextDataRequest")


@_attrs_define
class BatchExchangeContextDataRequest:
    """
    Attributes:
        course_ids (list[str]):
    """

    course_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course_ids = self.course_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "course_ids": course_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        course_ids: list[str] = src_dict["course_ids"]
        if not isinstance(course_ids, list):
            raise TypeError(
                "course_ids: expected list, got " + type(course_ids).__name__
            )

        batch_exchange_context_data_request = _new(cls)
        batch_exchange_context_data_request.course_ids = course_ids
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "course_ids",
                }
            }
            if len(src_dict) > 1
            else {}
        )
        batch_exchange_context_data_request.additional_properties = d
        return batch_exchange_context_data_request

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
