from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.extensions import Extensions
from ..models.ref import Ref
from ..types import UNSET, Unset

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
        d = dict(src_dict)
        _person = d.pop("$person", UNSET)
        person: Ref | Unset
        if isinstance(_person, Unset):
            person = UNSET
        else:
            person = Ref.from_dict(_person)

        _grader = d.pop("$grader", UNSET)
        grader: Ref | Unset
        if isinstance(_grader, Unset):
            grader = UNSET
        else:
            grader = Ref.from_dict(_grader)

        score = d.pop("score", UNSET)
        if not isinstance(score, (float, int, Unset)):
            raise TypeError("score: expected float, got " + type(score).__name__)

        grade = d.pop("grade", UNSET)
        if not isinstance(grade, (str, Unset)):
            raise TypeError("grade: expected str, got " + type(grade).__name__)

        late = d.pop("late", UNSET)
        if not isinstance(late, (bool, Unset)):
            raise TypeError("late: expected bool, got " + type(late).__name__)

        excused = d.pop("excused", UNSET)
        if not isinstance(excused, (bool, Unset)):
            raise TypeError("excused: expected bool, got " + type(excused).__name__)

        _submitted_at = d.pop("submitted_at", UNSET)
        submitted_at: datetime.datetime | Unset
        if isinstance(_submitted_at, Unset):
            submitted_at = UNSET
        else:
            submitted_at = datetime.datetime.fromisoformat(_submitted_at)

        preview_url = d.pop("preview_url", UNSET)
        if not isinstance(preview_url, (str, Unset)):
            raise TypeError(
                "preview_url: expected str, got " + type(preview_url).__name__
            )

        _ext = d.pop("$ext", UNSET)
        ext: Extensions | Unset
        if isinstance(_ext, Unset):
            ext = UNSET
        else:
            ext = Extensions.from_dict(_ext)

        assignment_score = cls(
            person,
            grader,
            score,
            grade,
            late,
            excused,
            submitted_at,
            preview_url,
            ext,
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
