from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.query_type import QueryType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.exchange_condition import ExchangeCondition


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
        from ..models.exchange_condition import ExchangeCondition  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_type_(data: object) -> QueryType | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_query_type_value_type_0 = QueryType(data)

                return componentsschemas_query_type_value_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(QueryType | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        _conditions = d.pop("conditions", UNSET)
        conditions: list[ExchangeCondition] | Unset = UNSET
        if _conditions is not UNSET:
            conditions = []
            for conditions_item_data in _conditions:
                conditions_item = ExchangeCondition.from_dict(conditions_item_data)

                conditions.append(conditions_item)

        exchange_query = cls(
            type_=type_,
            conditions=conditions,
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
