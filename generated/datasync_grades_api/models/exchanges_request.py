from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_query import ExchangeQuery
from ..models.metadata import Metadata
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangesRequest")


@_attrs_define
class ExchangesRequest:
    """
    Attributes:
        query (ExchangeQuery | Unset):
        metadata (Metadata | None | Unset): Free-form metadata the creator of an exchange attaches to it.
    """

    query: ExchangeQuery | Unset = UNSET
    metadata: Metadata | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if query is not UNSET:
            field_dict["query"] = query
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
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

        exchanges_request = _new(cls)
        exchanges_request.query = query
        exchanges_request.metadata = metadata
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "query",
                    "metadata",
                }
            }
            if len(src_dict) + absent > 2
            else {}
        )
        exchanges_request.additional_properties = d
        return exchanges_request

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
_Metadata_from_dict = Metadata.from_dict
