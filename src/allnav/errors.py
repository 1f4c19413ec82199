"""allnav's exception tree. Every error raised on purpose derives from :class:`AllnavError`.

::

    AllnavError                         code        meaning
    ├── InputError                      input       the caller's data cannot be used
    │   ├── KaryotypeSyntaxError        K001        an ISCN string does not follow the grammar
    │   ├── CaseValidationError         V001        a case file breaks the case model (fields listed)
    │   │   └── ImplausibleValueError   V002        a value outside its accepted range
    │   └── UnitError                   U001        an unknown unit or a unit of the wrong dimension
    ├── KnowledgeBaseError              KB01        a rule or knowledge table is malformed (fails at start-up)
    ├── StoreError                      S001        the database refused or lost a write
    │   └── ConflictError               S409        a stale write (optimistic concurrency)
    ├── InteropError                    I001        a FHIR / CDS Hooks / registry payload cannot be mapped
    ├── UsageError                      X001        the caller misused the API (wrong argument types, ...)
    ├── NotFoundError                   N404        no such patient / record / user (or not visible to the caller)
    ├── AuthenticationError             A401        missing, invalid or expired credentials
    ├── PermissionDeniedError           A403        the caller's role may not do this to this resource
    ├── RateLimitedError                A429        too many failed logins; retry later
    ├── MethodNotAllowedError           H405        an HTTP route exists but not with this method
    └── InternalError                   E500        an unexpected failure (details in the server log only)

Codes are stable: programs may rely on them; messages may change.
Each error offers :meth:`AllnavError.to_dict` for the one JSON error envelope used by the CLI and API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class AllnavError(Exception):
    """Root of every error allnav raises on purpose."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready object: ``{"code", "type", "message", ...}``."""
        return {"code": self.code, "type": type(self).__name__, "message": self.message}


class InputError(AllnavError):
    """The caller's data cannot be used as given."""

    code = "input"


class KaryotypeSyntaxError(InputError):
    """An ISCN karyotype string that does not follow the grammar.

    Carries the 0-based ``position`` of the first offending character, a caret ``excerpt`` and the
    ``expected`` tokens in plain words.
    """

    code = "K001"

    def __init__(
        self,
        message: str,
        *,
        text: str,
        position: int,
        expected: Sequence[str] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.text = text
        self.position = position
        self.expected = list(expected)
        if code is not None:
            self.code = code

    @property
    def excerpt(self) -> str:
        """The input around the error with a caret under the offending character."""
        start = max(0, self.position - 30)
        end = min(len(self.text), self.position + 30)
        prefix = "..." if start > 0 else ""
        suffix = "..." if end < len(self.text) else ""
        line = f"{prefix}{self.text[start:end]}{suffix}"
        caret = " " * (len(prefix) + self.position - start) + "^"
        return f"{line}\n{caret}"

    def __str__(self) -> str:
        exp = f"; expected {', '.join(self.expected)}" if self.expected else ""
        return f"{self.message} at position {self.position}{exp}\n{self.excerpt}"

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(position=self.position, expected=self.expected, excerpt=self.excerpt)
        return d


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of a case: where, what was given, what is accepted."""

    path: str
    message: str
    value: Any = None
    accepted: str | None = None
    suggestion: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "message": self.message, "value": self.value}
        if self.accepted is not None:
            d["accepted"] = self.accepted
        if self.suggestion is not None:
            d["suggestion"] = self.suggestion
        d.update(self.extra)
        return d


class CaseValidationError(InputError):
    """A case file that breaks the case model; ``problems`` lists every field at fault."""

    code = "V001"

    def __init__(self, message: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    def __str__(self) -> str:
        lines = [self.message]
        for p in self.problems:
            extra = ""
            if p.accepted:
                extra += f" (accepted: {p.accepted})"
            if p.suggestion:
                extra += f" (did you mean {p.suggestion!r}?)"
            lines.append(f"  {p.path}: {p.message}; got {p.value!r}{extra}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["fields"] = [p.to_dict() for p in self.problems]
        return d


class ImplausibleValueError(CaseValidationError):
    """A value outside the accepted (physiologically plausible) range."""

    code = "V002"


class UnitError(InputError):
    """An unknown unit, or a unit of the wrong dimension for the field."""

    code = "U001"

    def __init__(self, message: str, *, path: str = "", unit: str = "", accepted: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.unit = unit
        self.accepted = list(accepted)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(path=self.path, unit=self.unit, accepted=self.accepted)
        return d


class KnowledgeBaseError(AllnavError):
    """A rule record or knowledge table is malformed; raised when the knowledge base loads."""

    code = "KB01"


class StoreError(AllnavError):
    """The database refused or lost a write."""

    code = "S001"


class ConflictError(StoreError):
    """A write based on a stale version of a record."""

    code = "S409"


class InteropError(AllnavError):
    """A FHIR, CDS Hooks or registry payload that cannot be mapped."""

    code = "I001"


class UsageError(AllnavError):
    """The caller misused the API."""

    code = "X001"


class NotFoundError(AllnavError):
    """A resource that does not exist (or that the caller may not know exists)."""

    code = "N404"


class AuthenticationError(AllnavError):
    """Missing, invalid or expired credentials."""

    code = "A401"


class PermissionDeniedError(AllnavError):
    """The caller is authenticated but may not do this."""

    code = "A403"


class RateLimitedError(AllnavError):
    """Too many failed login attempts from this user and address."""

    code = "A429"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MethodNotAllowedError(AllnavError):
    """The route exists but not with this HTTP method."""

    code = "H405"


class InternalError(AllnavError):
    """An unexpected failure (details are in the server's log, never in the response)."""

    code = "E500"
