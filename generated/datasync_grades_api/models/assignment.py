from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assignment_score import AssignmentScore
from ..models.extensions import Extensions
from ..models.named_ref import NamedRef
from ..models.ref import Ref
from ..models.sys_fields import SysFields
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="Assignment")


@_attrs_define
class Assignment:
    """
    Attributes:
        sys (SysFields | Unset): DataSync's system fields of an entity.
        section (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        category (NamedRef | Unset): A reference with a display name (a scope id, a category).
        term (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        name (str | Unset):
        description (str | Unset):
        points_possible (float | Unset):
        due_at (datetime.datetime | Unset):
        available_at (datetime.datetime | Unset):
        ext (Extensions | Unset): Free-form string extensions.
        scores (list[AssignmentScore] | Unset):
    """

    sys: SysFields | Unset = UNSET
    section: Ref | Unset = UNSET
    category: NamedRef | Unset = UNSET
    term: Ref | Unset = UNSET
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    points_possible: float | Unset = UNSET
    due_at: datetime.datetime | Unset = UNSET
    available_at: datetime.datetime | Unset = UNSET
    ext: Extensions | Unset = UNSET
    scores: list[AssignmentScore] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        section: dict[str, Any] | Unset = UNSET
        if not isinstance(self.section, Unset):
            section = self.section.to_dict()

        category: dict[str, Any] | Unset = UNSET
        if not isinstance(self.category, Unset):
            category = self.category.to_dict()

        term: dict[str, Any] | Unset = UNSET
        if not isinstance(self.term, Unset):
            term = self.term.to_dict()

        name = self.name

        description = self.description

        points_possible = self.points_possible

        due_at: str | Unset = UNSET
        if not isinstance(self.due_at, Unset):
            due_at = self.due_at.isoformat()

        available_at: str | Unset = UNSET
        if not isinstance(self.available_at, Unset):
            available_at = self.available_at.isoformat()

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        scores: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.scores, Unset):
            scores = []
            for scores_item_data in self.scores:
                scores_item = scores_item_data.to_dict()
                scores.append(scores_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if section is not UNSET:
            field_dict["$section"] = section
        if category is not UNSET:
            field_dict["$category"] = category
        if term is not UNSET:
            field_dict["$term"] = term
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if points_possible is not UNSET:
            field_dict["points_possible"] = points_possible
        if due_at is not UNSET:
            field_dict["due_at"] = due_at
        if available_at is not UNSET:
            field_dict["available_at"] = available_at
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if scores is not UNSET:
            field_dict["scores"] = scores

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        sys = src_dict.get("$sys", UNSET)
        if sys is UNSET:
            absent += 1
        else:
            sys = _SysFields_from_dict(sys)

        section = src_dict.get("$section", UNSET)
        if section is UNSET:
            absent += 1
        else:
            section = _Ref_from_dict(section)

        category = src_dict.get("$category", UNSET)
        if category is UNSET:
            absent += 1
        else:
            category = _NamedRef_from_dict(category)

        term = src_dict.get("$term", UNSET)
        if term is UNSET:
            absent += 1
        else:
            term = _Ref_from_dict(term)

        name = src_dict.get("name", UNSET)
        if not isinstance(name, str):
            if name is not UNSET:
                raise TypeError("name: expected str, got " + type(name).__name__)
            absent += 1

        description = src_dict.get("description", UNSET)
        if not isinstance(description, str):
            if description is not UNSET:
                raise TypeError(
                    "description: expected str, got " + type(description).__name__
                )
            absent += 1

        points_possible = src_dict.get("points_possible", UNSET)
        if type(points_possible) is bool or not isinstance(
            points_possible, (float, int)
        ):
            if points_possible is not UNSET:
                raise TypeError(
                    "points_possible: expected float, got "
                    + type(points_possible).__name__
                )
            absent += 1

        due_at = src_dict.get("due_at", UNSET)
        if due_at is UNSET:
            absent += 1
        else:
            due_at = parse_datetime(due_at)

        available_at = src_dict.get("available_at", UNSET)
        if available_at is UNSET:
            absent += 1
        else:
            available_at = parse_datetime(available_at)

        ext = src_dict.get("$ext", UNSET)
        if ext is UNSET:
            absent += 1
        else:
            ext = _Extensions_from_dict(ext)

        _scores = src_dict.get("scores", UNSET)
        scores: list[AssignmentScore] | Unset = UNSET
        if _scores is not UNSET:
            if not isinstance(_scores, list):
                raise TypeError("scores: expected list, got " + type(_scores).__name__)
            scores = []
            for scores_item_data in _scores:
                scores_item = _AssignmentScore_from_dict(scores_item_data)

                scores.append(scores_item)
        else:
            absent += 1

        assignment = _new(cls)
        assignment.sys = sys
        assignment.section = section
        assignment.category = category
        assignment.term = term
        assignment.name = name
        assignment.description = description
        assignment.points_possible = points_possible
        assignment.due_at = due_at
        assignment.available_at = available_at
        assignment.ext = ext
        assignment.scores = scores
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "$sys",
                    "$section",
                    "$category",
                    "$term",
                    "name",
                    "description",
                    "points_possible",
                    "due_at",
                    "available_at",
                    "$ext",
                    "scores",
                }
            }
            if len(src_dict) + absent > 11
            else {}
        )
        assignment.additional_properties = d
        return assignment

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
_AssignmentScore_from_dict = AssignmentScore.from_dict
_Extensions_from_dict = Extensions.from_dict
_NamedRef_from_dict = NamedRef.from_dict
_Ref_from_dict = Ref.from_dict
_SysFields_from_dict = SysFields.from_dict
