from enum import StrEnum


class ScoreType(StrEnum):
    PERCENTAGE = "percentage"
    RAW = "raw"

    def __str__(self) -> str:
        return str(self.value)
