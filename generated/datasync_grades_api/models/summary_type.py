from enum import StrEnum


class SummaryType(StrEnum):
    FINAL = "final"
    MIDTERM = "midterm"

    def __str__(self) -> str:
        return str(self.value)
