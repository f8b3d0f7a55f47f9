from enum import StrEnum


class QueryType(StrEnum):
    ASSIGNMENT_SCORES = "assignment_scores"
    SUMMARY = "summary"

    def __str__(self) -> str:
        return str(self.value)
