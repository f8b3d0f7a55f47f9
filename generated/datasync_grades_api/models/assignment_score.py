from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.extensions import Extensions
from ..models.ref import Ref
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="AssignmentScore")


@_attrs_define
class AssignmentScore:
    """
    Attributes:
        person (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        grader (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        score (float | Unset):
        grade (str | Unset):
        late (bool | Unset):
        excused (bool | Unset):
        submitted_at (datetime.datetime | Unset):
        preview_url (str | Unset):
        ext (Extensions | Unset): Free-form string extensions.
    """

    person: Ref | Unset = UNSET
    grader: Ref | Unset = UNSET
    score: float | Unset = UNSET
    grade: str | Unset = UNSET
    late: bool | Unset = UNSET
    excused: bool | Unset = UNSET
    submitted_at: datetime.datetime | Unset = UNSET
    preview_url: str | Unset = UNSET
    ext: Extensions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person: dict[str, Any] | Unset = UNSET
        if not isinstance(self.person, Unset):
            person = self.person.to_dict()

        grader: dict[str, Any] | Unset = UNSET
        if not isinstance(self.grader, Unset):
            grader = self.grader.to_dict()

        score = self.score

        grade = self.grade

        late = self.late

        excused = self.excused

        submitted_at: str | Unset = UNSET
        if not isinstance(self.submitted_at, Unset):
            submitted_at = self.submitted_at.isoformat()

        preview_url = self.preview_url

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if person is not UNSET:
            field_dict["$person"] = person
        if grader is not UNSET:
            field_dict["$grader"] = grader
        if score is not UNSET:
            field_dict["score"] = score
        if grade is not UNSET:
            field_dict["grade"] = grade
        if late is not UNSET:
            field_dict["late"] = late
        if excused is not UNSET:
            field_dict["excused"] = excused
        if submitted_at is not UNSET:
            field_dict["submitted_at"] = submitted_at
        if preview_url is not UNSET:
            field_dict["preview_url"] = preview_url
        if ext is not UNSET:
            field_dict["$ext"] = ext

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        person = src_dict.get("$person", UNSET)
        if person is UNSET:
            absent += 1
        else:
            person = _Ref_from_dict(person)

        grader = src_dict.get("$grader", UNSET)
        if grader is UNSET:
            absent += 1
        else:
            grader = _Ref_from_dict(grader)

        score = src_dict.get("score", UNSET)
        if type(score) is bool or not isinstance(score, (float, int)):
            if score is not UNSET:
                raise TypeError("score: expected float, got " + type(score).__name__)
            absent += 1

        grade = src_dict.get("grade", UNSET)
        if not isinstance(grade, str):
            if grade is not UNSET:
                raise TypeError("grade: expected str, got " + type(grade).__name__)
            absent += 1

        late = src_dict.get("late", UNSET)
        if not isinstance(late, bool):
            if late is not UNSET:
                raise TypeError("late: expected bool, got " + type(late).__name__)
            absent += 1

        excused = src_dict.get("excused", UNSET)
        if not isinstance(excused, bool):
            if excused is not UNSET:
                raise TypeError("excused: expected bool, got " + type(excused).__name__)
            absent += 1

        submitted_at = src_dict.get("submitted_at", UNSET)
        if submitted_at is UNSET:
            absent += 1
        else:
            submitted_at = parse_datetime(submitted_at)

        preview_url = src_dict.get("preview_url", UNSET)
        if not isinstance(preview_url, str):
            if preview_url is not UNSET:
                raise TypeError(
                    "preview_url: expected str, got " + type(preview_url).__name__
                )
            absent += 1

        ext = src_dict.get("$ext", UNSET)
        if ext is UNSET:
            absent += 1
        else:
            ext = _Extensions_from_dict(ext)

        assignment_score = _new(cls)
        assignment_score.person = person
        assignment_score.grader = grader
        assignment_score.score = score
        assignment_score.grade = grade
        assignment_score.late = late
        assignment_score.excused = excused
        assignment_score.submitted_at = submitted_at
        assignment_score.preview_url = preview_url
        assignment_score.ext = ext
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "$person",
                    "$grader",
                    "score",
                    "grade",
                    "late",
                    "excused",
                    "submitted_at",
                    "preview_url",
                    "$ext",
                }
            }
            if len(src_dict) + absent > 9
            else {}
        )
        assignment_score.additional_properties = d
        return assignment_score

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
_Extensions_from_dict = Extensions.from_dict
_Ref_from_dict = Ref.from_dict
