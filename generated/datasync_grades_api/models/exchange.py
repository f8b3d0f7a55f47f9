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
from ..models.posted_by import PostedBy
from ..types import UNSET, Unset, parse_datetime, parse_uuid

T = TypeVar("T", bound="Exchange")


@_attrs_define
class Exchange:
    """A grades exchange. The 2020 SDK's integer `state` is a string now: the current docs supersede the SDK. `posted_by`
    is inferred (see the field).

        Attributes:
            id (UUID | Unset):
            created_at (datetime.datetime | Unset):
            updated_at (datetime.datetime | Unset):
            query (ExchangeQuery | Unset):
            metadata (Metadata | None | Unset): Free-form metadata the creator of an exchange attaches to it.
            state (ExchangeState | str | Unset): An ExchangeState, or a state this document does not know yet.
            max_data_content_length (int | Unset): The largest serialized data chunk, in bytes, the exchange accepts.
            error_count (int | Unset):
            course_app_id (str | Unset):
            batch_exchange_id (str | Unset):
            posted_by (PostedBy | str | Unset): A PostedBy, or a value this document does not know yet.
    """

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    query: ExchangeQuery | Unset = UNSET
    metadata: Metadata | None | Unset = UNSET
    state: ExchangeState | str | Unset = UNSET
    max_data_content_length: int | Unset = UNSET
    error_count: int | Unset = UNSET
    course_app_id: str | Unset = UNSET
    batch_exchange_id: str | Unset = UNSET
    posted_by: PostedBy | str | Unset = UNSET
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

        state: str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        elif isinstance(self.state, ExchangeState):
            state = self.state.value
        else:
            state = self.state

        max_data_content_length = self.max_data_content_length

        error_count = self.error_count

        course_app_id = self.course_app_id

        batch_exchange_id = self.batch_exchange_id

        posted_by: str | Unset
        if isinstance(self.posted_by, Unset):
            posted_by = UNSET
        elif isinstance(self.posted_by, PostedBy):
            posted_by = self.posted_by.value
        else:
            posted_by = self.posted_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if query is not UNSET:
            field_dict["query"] = query
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if state is not UNSET:
            field_dict["state"] = state
        if max_data_content_length is not UNSET:
            field_dict["max_data_content_length"] = max_data_content_length
        if error_count is not UNSET:
            field_dict["error_count"] = error_count
        if course_app_id is not UNSET:
            field_dict["course_app_id"] = course_app_id
        if batch_exchange_id is not UNSET:
            field_dict["batch_exchange_id"] = batch_exchange_id
        if posted_by is not UNSET:
            field_dict["posted_by"] = posted_by

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

        max_data_content_length = src_dict.get("max_data_content_length", UNSET)
        if type(max_data_content_length) is bool or not isinstance(
            max_data_content_length, int
        ):
            if max_data_content_length is not UNSET:
                raise TypeError(
                    "max_data_content_length: expected int, got "
                    + type(max_data_content_length).__name__
                )
            absent += 1

        error_count = src_dict.get("error_count", UNSET)
        if type(error_count) is bool or not isinstance(error_count, int):
            if error_count is not UNSET:
                raise TypeError(
                    "error_count: expected int, got " + type(error_count).__name__
                )
            absent += 1

        course_app_id = src_dict.get("course_app_id", UNSET)
        if not isinstance(course_app_id, str):
            if course_app_id is not UNSET:
                raise TypeError(
                    "course_app_id: expected str, got " + type(course_app_id).__name__
                )
            absent += 1

        batch_exchange_id = src_dict.get("batch_exchange_id", UNSET)
        if not isinstance(batch_exchange_id, str):
            if batch_exchange_id is not UNSET:
                raise TypeError(
                    "batch_exchange_id: expected str, got "
                    + type(batch_exchange_id).__name__
                )
            absent += 1

        _posted_by = src_dict.get("posted_by", UNSET)
        posted_by: PostedBy | str | Unset
        if _posted_by is UNSET:
            posted_by = UNSET
            absent += 1
        elif isinstance(_posted_by, str):
            posted_by = _PostedBy_members.get(_posted_by, _posted_by)  # type: ignore[assignment]
        else:
            raise TypeError(
                "posted_by: expected PostedBy | str, got " + type(_posted_by).__name__
            )

        exchange = _new(cls)
        exchange.id = id
        exchange.created_at = created_at
        exchange.updated_at = updated_at
        exchange.query = query
        exchange.metadata = metadata
        exchange.state = state
        exchange.max_data_content_length = max_data_content_length
        exchange.error_count = error_count
        exchange.course_app_id = course_app_id
        exchange.batch_exchange_id = batch_exchange_id
        exchange.posted_by = posted_by
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "id",
                    "created_at",
                    "updated_at",
                    "query",
                    "metadata",
                    "state",
                    "max_data_content_length",
                    "error_count",
                    "course_app_id",
                    "batch_exchange_id",
                    "posted_by",
                }
            }
            if len(src_dict) + absent > 11
            else {}
        )
        exchange.additional_properties = d
        return exchange

    @property
    def is_final(self) -> bool:
        """Whether `state` is final (completed, failed: `x-terminal-states`); False when it is absent or a value the spec does not list."""
        return self.state in {"completed", "failed"}

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
_PostedBy_members = PostedBy._value2member_map_
