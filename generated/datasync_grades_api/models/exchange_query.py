from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_condition import ExchangeCondition
from ..models.query_type import QueryType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangeQuery")


@_attrs_define
class ExchangeQuery:
    """
    Attributes:
        type_ (QueryType | str | Unset): A QueryType, or a value this document does not know yet.
        conditions (list[ExchangeCondition] | Unset):
    """

    type_: QueryType | str | Unset = UNSET
    conditions: list[ExchangeCondition] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, QueryType):
            type_ = self.type_.value
        else:
            type_ = self.type_

        conditions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.conditions, Unset):
            conditions = []
            for conditions_item_data in self.conditions:
                conditions_item = conditions_item_data.to_dict()
                conditions.append(conditions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if conditions is not UNSET:
            field_dict["conditions"] = conditions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        _type_ = src_dict.get("type", UNSET)
        type_: QueryType | str | Unset
        if _type_ is UNSET:
            type_ = UNSET
            absent += 1
        elif isinstance(_type_, str):
            type_ = _QueryType_members.get(_type_, _type_)  # type: ignore[assignment]
        else:
            raise TypeError(
                "type: expected QueryType | str, got " + type(_type_).__name__
            )

        _conditions = src_dict.get("conditions", UNSET)
        conditions: list[ExchangeCondition] | Unset = UNSET
        if _conditions is not UNSET:
            if not isinstance(_conditions, list):
                raise TypeError(
                    "conditions: expected list, got " + type(_conditions).__name__
                )
            conditions = []
            for conditions_item_data in _conditions:
                conditions_item = _ExchangeCondition_from_dict(conditions_item_data)

                conditions.append(conditions_item)
        else:
            absent += 1

        exchange_query = _new(cls)
        exchange_query.type_ = type_
        exchange_query.conditions = conditions
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "type",
                    "conditions",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        exchange_query.additional_properties = d
        return exchange_query

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
_ExchangeCondition_from_dict = ExchangeCondition.from_dict
_QueryType_members = QueryType._value2member_map_
