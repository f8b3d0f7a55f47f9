from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_query import ExchangeQuery
from ..models.exchange_state import ExchangeState
from ..models.metadata import Metadata
from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="BatchExchange")


@_attrs_define
class BatchExchange:
    """A batch grades exchange over many courses. Documented: that batch exchanges exist and are listed and counted.
    Chosen: the fields (x-provenance: inferred).

        Attributes:
            id (UUID | Unset):
            created_at (datetime.datetime | Unset):
            updated_at (datetime.datetime | Unset):
            state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not know yet.
            query (ExchangeQuery | Unset):
            metadata (Metadata | None | Unset): Free-form metadata the creator of an exchange attaches to it.
            exchange_count (int | Unset):
    """

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    state: ExchangeState | str | Unset = UNSET
    query: ExchangeQuery | Unset = UNSET
    metadata: Metadata | None | Unset = UNSET
    exchange_count: int | Unset = UNSET
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

        state: str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        elif isinstance(self.state, ExchangeState):
            state = self.state.value
        else:
            state = self.state

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, Metadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        exchange_count = self.exchange_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if state is not UNSET:
            field_dict["state"] = state
        if query is not UNSET:
            field_dict["query"] = query
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if exchange_count is not UNSET:
            field_dict["exchange_count"] = exchange_count

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

        _state = src_dict.get("state", UNSET)
        state: ExchangeState | str | Unset
        if _state is UNSET:
            state = UNSET
            absent += 1
        elif isinstance(_state, str):
            state = _ExchangeState_members.get(_state, _state)  # type: ignore[assignment]
        else:
            raise TypeError(
                "state: expected ExchangeState | str, got " + type(_state).__name__
            )

        query = src_dict.get("query", UNSET)
        if query is UNSET:
            absent += 1
        else:
            query = _ExchangeQuery_from_dict(query)

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

        exchange_count = src_dict.get("exchange_count", UNSET)
        if type(exchange_count) is bool or not isinstance(exchange_count, int):
            if exchange_count is not UNSET:
                raise TypeError(
                    "exchange_count: expected int, got " + type(exchange_count).__name__
                )
            absent += 1

        batch_exchange = _new(cls)
        batch_exchange.id = id
        batch_exchange.created_at = created_at
        batch_exchange.updated_at = updated_at
        batch_exchange.state = state
        batch_exchange.query = query
        batch_exchange.metadata = metadata
        batch_exchange.exchange_count = exchange_count
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "created_at",
                    "updated_at",
                    "state",
                    "query",
                    "metadata",
                    "exchange_count",
                }
            }
            if len(src_dict) + absent > 7
            else {}
        )
        batch_exchange.additional_properties = d
        return batch_exchange

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
_ExchangeQuery_from_dict = ExchangeQuery.from_dict
_ExchangeState_members = ExchangeState._value2member_map_
_Metadata_from_dict = Metadata.from_dict
