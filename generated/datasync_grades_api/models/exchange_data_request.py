from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assignment import Assignment
from ..models.summary import Summary
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangeDataRequest")


@_attrs_define
class ExchangeDataRequest:
    """One chunk of an exchange's data. A producer sends its data as a series of these, each serialized body at most the
    exchange's `max_data_content_length` bytes, every chunk `final: false` but the last (seen: KIT's GradesPublisher).

        Attributes:
            assignments (list[Assignment] | Unset):
            summaries (list[Summary] | Unset):
            final (bool | Unset): True on the last chunk of the exchange's data, false on every other.
    """

    assignments: list[Assignment] | Unset = UNSET
    summaries: list[Summary] | Unset = UNSET
    final: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assignments, Unset):
            assignments = []
            for assignments_item_data in self.assignments:
                assignments_item = assignments_item_data.to_dict()
                assignments.append(assignments_item)

        summaries: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.summaries, Unset):
            summaries = []
            for summaries_item_data in self.summaries:
                summaries_item = summaries_item_data.to_dict()
                summaries.append(summaries_item)

        final = self.final

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if assignments is not UNSET:
            field_dict["assignments"] = assignments
        if summaries is not UNSET:
            field_dict["summaries"] = summaries
        if final is not UNSET:
            field_dict["final"] = final

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        _assignments = src_dict.get("assignments", UNSET)
        assignments: list[Assignment] | Unset = UNSET
        if _assignments is not UNSET:
            if not isinstance(_assignments, list):
                raise TypeError(
                    "assignments: expected list, got " + type(_assignments).__name__
                )
            assignments = []
            for assignments_item_data in _assignments:
                assignments_item = _Assignment_from_dict(assignments_item_data)

                assignments.append(assignments_item)
        else:
            absent += 1

        _summaries = src_dict.get("summaries", UNSET)
        summaries: list[Summary] | Unset = UNSET
        if _summaries is not UNSET:
            if not isinstance(_summaries, list):
                raise TypeError(
                    "summaries: expected list, got " + type(_summaries).__name__
                )
            summaries = []
            for summaries_item_data in _summaries:
                summaries_item = _Summary_from_dict(summaries_item_data)

                summaries.append(summaries_item)
        else:
            absent += 1

        final = src_dict.get("final", UNSET)
        if not isinstance(final, bool):
            if final is not UNSET:
                raise TypeError("final: expected bool, got " + type(final).__name__)
            absent += 1

        exchange_data_request = _new(cls)
        exchange_data_request.assignments = assignments
        exchange_data_request.summaries = summaries
        exchange_data_request.final = final
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "assignments",
                    "summaries",
                    "final",
                }
            }
            if len(src_dict) + absent > 3
            else {}
        )
        exchange_data_request.additional_properties = d
        return exchange_data_request

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
_Assignment_from_dict = Assignment.from_dict
_Summary_from_dict = Summary.from_dict
