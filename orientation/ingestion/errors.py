"""Errors an importer raises about its input, always naming where the problem is."""

from __future__ import annotations

from dataclasses import dataclass

from orientation.ingestion.models import describe_location


@dataclass
class RecordProblem:
    file: str
    reason: str
    line: int | None = None
    record: str = ""
    field: str = ""

    def describe(self) -> str:
        return describe_location(self.file, self.line, self.record, self.field) + f": {self.reason}"


class InputError(Exception):
    """The input cannot be read at all (missing file or column, encoding, truncation).

    The run stops at once and the database is left as it was.
    """

    def __init__(self, file: str, reason: str, *, line: int | None = None, record: str = "", field: str = ""):
        self.problem = RecordProblem(file=file, reason=reason, line=line, record=record, field=field)
        super().__init__(self.problem.describe())

    def __reduce__(self) -> tuple[object, ...]:
        # Sent whole from a reading process to the importing one (ingestion.pipeline).
        problem = self.problem
        return (_input_error, (problem.file, problem.reason, problem.line, problem.record, problem.field))


def _input_error(file: str, reason: str, line: int | None, record: str, field: str) -> InputError:
    return InputError(file, reason, line=line, record=record, field=field)


class RecordRejected(Exception):
    """One record is invalid; the importer reports it and decides whether to go on."""

    def __init__(self, reason: str, *, field: str = ""):
        self.reason = reason
        self.field = field
        super().__init__(reason)
