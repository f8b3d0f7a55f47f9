from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.named_ref import NamedRef
from ..models.scope import Scope
from ..models.scope_by import ScopeBy
from ..models.summary_type import SummaryType
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="ExchangeCondition")


@_attrs_define
class ExchangeCondition:
    """
    Attributes:
        scope (Scope | str | Unset): A Scope, or a value this document does not know yet.
        scope_by (ScopeBy | str | Unset): A ScopeBy, or a value this document does not know yet.
        scope_id (NamedRef | Unset): A reference with a display name (a scope id, a category).
        graded_after (datetime.datetime | Unset):
        summary_type (str | SummaryType | Unset): A SummaryType, or a value this document does not know yet.
        assignment_ids (list[str] | Unset):
    """

    scope: Scope | str | Unset = UNSET
    scope_by: ScopeBy | str | Unset = UNSET
    scope_id: NamedRef | Unset = UNSET
    graded_after: datetime.datetime | Unset = UNSET
    summary_type: str | SummaryType | Unset = UNSET
    assignment_ids: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scope: str | Unset
        if isinstance(self.scope, Unset):
            scope = UNSET
        elif isinstance(self.scope, Scope):
            scope = self.scope.value
        else:
            scope = self.scope

        scope_by: str | Unset
        if isinstance(self.scope_by, Unset):
            scope_by = UNSET
        elif isinstance(self.scope_by, ScopeBy):
            scope_by = self.scope_by.value
        else:
            scope_by = self.scope_by

        scope_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scope_id, Unset):
            scope_id = self.scope_id.to_dict()

        graded_after: str | Unset = UNSET
        if not isinstance(self.graded_after, Unset):
            graded_after = self.graded_after.isoformat()

        summary_type: str | Unset
        if isinstance(self.summary_type, Unset):
            summary_type = UNSET
        elif isinstance(self.summary_type, SummaryType):
            summary_type = self.summary_type.value
        else:
            summary_type = self.summary_type

        assignment_ids: list[str] | Unset = UNSET
        if not isinstance(self.assignment_ids, Unset):
            assignment_ids = self.assignment_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if scope is not UNSET:
            field_dict["scope"] = scope
        if scope_by is not UNSET:
            field_dict["scope_by"] = scope_by
        if scope_id is not UNSET:
            field_dict["scope_id"] = scope_id
        if graded_after is not UNSET:
            field_dict["graded_after"] = graded_after
        if summary_type is not UNSET:
            field_dict["summary_type"] = summary_type
        if assignment_ids is not UNSET:
            field_dict["assignment_ids"] = assignment_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        _scope = src_dict.get("scope", UNSET)
        scope: Scope | str | Unset
        if _scope is UNSET:
            scope = UNSET
            absent += 1
        elif isinstance(_scope, str):
            scope = _Scope_members.get(_scope, _scope)  # type: ignore[assignment]
        else:
            raise TypeError("scope: expected Scope | str, got " + type(_scope).__name__)

        _scope_by = src_dict.get("scope_by", UNSET)
        scope_by: ScopeBy | str | Unset
        if _scope_by is UNSET:
            scope_by = UNSET
            absent += 1
        elif isinstance(_scope_by, str):
            scope_by = _ScopeBy_members.get(_scope_by, _scope_by)  # type: ignore[assignment]
        else:
            raise TypeError(
                "scope_by: expected ScopeBy | str, got " + type(_scope_by).__name__
            )

        scope_id = src_dict.get("scope_id", UNSET)
        if scope_id is UNSET:
            absent += 1
        else:
            scope_id = _NamedRef_from_dict(scope_id)

        graded_after = src_dict.get("graded_after", UNSET)
        if graded_after is UNSET:
            absent += 1
        else:
            graded_after = parse_datetime(graded_after)

        _summary_type = src_dict.get("summary_type", UNSET)
        summary_type: str | SummaryType | Unset
        if _summary_type is UNSET:
            summary_type = UNSET
            absent += 1
        elif isinstance(_summary_type, str):
            summary_type = _SummaryType_members.get(_summary_type, _summary_type)  # type: ignore[assignment]
        else:
            raise TypeError(
                "summary_type: expected SummaryType | str, got "
                + type(_summary_type).__name__
            )

        assignment_ids: list[str] | Unset = src_dict.get("assignment_ids", UNSET)
        if not isinstance(assignment_ids, list):
            if assignment_ids is not UNSET:
                raise TypeError(
                    "assignment_ids: expected list, got "
                    + type(assignment_ids).__name__
                )
            absent += 1

        exchange_condition = _new(cls)
        exchange_condition.scope = scope
        exchange_condition.scope_by = scope_by
        exchange_condition.scope_id = scope_id
        exchange_condition.graded_after = graded_after
        exchange_condition.summary_type = summary_type
        exchange_condition.assignment_ids = assignment_ids
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "scope",
                    "scope_by",
                    "scope_id",
                    "graded_after",
                    "summary_type",
                    "assignment_ids",
                }
            }
            if len(src_dict) + absent > 6
            else {}
        )
        exchange_condition.additional_properties = d
        return exchange_condition

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
_NamedRef_from_dict = NamedRef.from_dict
_Scope_members = Scope._value2member_map_
_ScopeBy_members = ScopeBy._value2member_map_
_SummaryType_members = SummaryType._value2member_map_
