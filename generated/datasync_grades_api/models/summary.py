from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.extensions import Extensions
from ..models.ref import Ref
from ..models.score_type import ScoreType
from ..models.summary_type import SummaryType
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="Summary")


@_attrs_define
class Summary:
    """
    Attributes:
        section (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        person (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        grader (Ref | Unset): A reference to another entity (the SDK's GradesRefType).
        summary_type (str | SummaryType | Unset): A SummaryType, or a value this document does not know yet.
        score_type (ScoreType | str | Unset): A ScoreType, or a value this document does not know yet.
        score (float | Unset):
        grade (str | Unset):
        last_activity (datetime.datetime | Unset):
        comments (list[str] | Unset):
        ext (Extensions | Unset): Free-form string extensions.
    """

    section: Ref | Unset = UNSET
    person: Ref | Unset = UNSET
    grader: Ref | Unset = UNSET
    summary_type: str | SummaryType | Unset = UNSET
    score_type: ScoreType | str | Unset = UNSET
    score: float | Unset = UNSET
    grade: str | Unset = UNSET
    last_activity: datetime.datetime | Unset = UNSET
    comments: list[str] | Unset = UNSET
    ext: Extensions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        section: dict[str, Any] | Unset = UNSET
        if not isinstance(self.section, Unset):
            section = self.section.to_dict()

        person: dict[str, Any] | Unset = UNSET
        if not isinstance(self.person, Unset):
            person = self.person.to_dict()

        grader: dict[str, Any] | Unset = UNSET
        if not isinstance(self.grader, Unset):
            grader = self.grader.to_dict()

        summary_type: str | Unset
        if isinstance(self.summary_type, Unset):
            summary_type = UNSET
        elif isinstance(self.summary_type, SummaryType):
            summary_type = self.summary_type.value
        else:
            summary_type = self.summary_type

        score_type: str | Unset
        if isinstance(self.score_type, Unset):
            score_type = UNSET
        elif isinstance(self.score_type, ScoreType):
            score_type = self.score_type.value
        else:
            score_type = self.score_type

        score = self.score

        grade = self.grade

        last_activity: str | Unset = UNSET
        if not isinstance(self.last_activity, Unset):
            last_activity = self.last_activity.isoformat()

        comments: list[str] | Unset = UNSET
        if not isinstance(self.comments, Unset):
            comments = self.comments

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if section is not UNSET:
            field_dict["$section"] = section
        if person is not UNSET:
            field_dict["$person"] = person
        if grader is not UNSET:
            field_dict["$grader"] = grader
        if summary_type is not UNSET:
            field_dict["summary_type"] = summary_type
        if score_type is not UNSET:
            field_dict["score_type"] = score_type
        if score is not UNSET:
            field_dict["score"] = score
        if grade is not UNSET:
            field_dict["grade"] = grade
        if last_activity is not UNSET:
            field_dict["last_activity"] = last_activity
        if comments is not UNSET:
            field_dict["comments"] = comments
        if ext is not UNSET:
            field_dict["$ext"] = ext

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            src_dict = dict(src_dict)
        absent = 0
        section = src_dict.get("$section", UNSET)
        if section is UNSET:
            absent += 1
        else:
            section = _Ref_from_dict(section)

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

        _score_type = src_dict.get("score_type", UNSET)
        score_type: ScoreType | str | Unset
        if _score_type is UNSET:
            score_type = UNSET
            absent += 1
        elif isinstance(_score_type, str):
            score_type = _ScoreType_members.get(_score_type, _score_type)  # type: ignore[assignment]
        else:
            raise TypeError(
                "score_type: expected ScoreType | str, got "
                + type(_score_type).__name__
            )

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

        last_activity = src_dict.get("last_activity", UNSET)
        if last_activity is UNSET:
            absent += 1
        else:
            last_activity = parse_datetime(last_activity)

        comments: list[str] | Unset = src_dict.get("comments", UNSET)
        if not isinstance(comments, list):
            if comments is not UNSET:
                raise TypeError(
                    "comments: expected list, got " + type(comments).__name__
                )
            absent += 1

        ext = src_dict.get("$ext", UNSET)
        if ext is UNSET:
            absent += 1
        else:
            ext = _Extensions_from_dict(ext)

        summary = _new(cls)
        summary.section = section
        summary.person = person
        summary.grader = grader
        summary.summary_type = summary_type
        summary.score_type = score_type
        summary.score = score
        summary.grade = grade
        summary.last_activity = last_activity
        summary.comments = comments
        summary.ext = ext
        d = (
            {
                k: v
                for k, v in src_dict.items()
                if k
                not in {
                    "$section",
                    "$person",
                    "$grader",
                    "summary_type",
                    "score_type",
                    "score",
                    "grade",
                    "last_activity",
                    "comments",
                    "$ext",
                }
            }
            if len(src_dict) + absent > 10
            else {}
        )
        summary.additional_properties = d
        return summary

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
_ScoreType_members = ScoreType._value2member_map_
_SummaryType_members = SummaryType._value2member_map_
