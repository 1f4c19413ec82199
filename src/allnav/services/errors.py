"""Errors of the application shell (store look-ups, authentication, authorisation).

They extend the tree of :mod:`allnav.errors` (same root, same ``to_dict``)::

    AllnavError
    ├── NotFoundError          N404   no such patient / record / user (or not visible to the caller)
    ├── AuthenticationError    A401   missing, invalid or expired credentials
    ├── PermissionDeniedError  A403   the caller's role may not do this to this resource
    └── RateLimitedError       A429   too many failed logins; retry later
"""

from __future__ import annotations

from allnav.errors import AllnavError


class NotFoundError(AllnavError):
    """A resource that does not exist."""

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
