from enum import StrEnum


class ScopeBy(StrEnum):
    ALL = "all"
    ID = "id"

    def __str__(self) -> str:
        return str(self.value)
