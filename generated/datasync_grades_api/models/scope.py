from enum import StrEnum


class Scope(StrEnum):
    COURSE = "course"
    SECTION = "section"

    def __str__(self) -> str:
        return str(self.value)
