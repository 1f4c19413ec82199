"""Signed, expiring bearer tokens, CSRF tokens, pseudonyms and login rate limiting."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from allnav.errors import AuthenticationError, RateLimitedError


class TokenSigner:
    """Issue and check bearer/session tokens carrying a user id (HMAC-signed, time-limited)."""

    def __init__(self, secret: str, ttl_seconds: int, salt: str = "allnav-token") -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=salt)
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: int) -> str:
        """A token for ``user_id``."""
        return str(self._serializer.dumps({"uid": user_id}))

    def user_id(self, token: str) -> int:
        """The user id in a valid, unexpired token; AuthenticationError otherwise."""
        try:
            data = self._serializer.loads(token, max_age=self.ttl_seconds)
        except SignatureExpired as exc:
            raise AuthenticationError("the token has expired; log in again") from exc
        except BadSignature as exc:
            raise AuthenticationError("the token is not valid") from exc
        uid = data.get("uid") if isinstance(data, dict) else None
        if not isinstance(uid, int):
            raise AuthenticationError("the token is not valid")
        return uid


def pseudonym(secret: str, patient_id: str) -> str:
    """A stable pseudonym for a patient (keyed hash: not reversible without the secret)."""
    digest = hmac.new(secret.encode(), f"pseudonym:{patient_id}".encode(), hashlib.sha256).hexdigest()
    return f"R-{digest[:12]}"


class LoginLimiter:
    """At most ``max_failures`` failed logins per (user, address) within ``window`` seconds."""

    def __init__(self, max_failures: int, window: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self._clock()
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def check(self, username: str, address: str) -> None:
        """RateLimitedError when this user and address have too many recent failures."""
        key = (username.strip().lower(), address)
        with self._lock:
            q = self._recent(key)
            if len(q) >= self.max_failures:
                retry = max(1, int(self.window - (self._clock() - q[0])))
                raise RateLimitedError(f"too many failed logins; try again in {retry} s", retry_after=retry)

    MAX_KEYS = 10_000

    def failed(self, username: str, address: str) -> None:
        """Count one failed login (old entries are pruned so memory stays bounded)."""
        key = (username.strip().lower(), address)
        with self._lock:
            if len(self._failures) >= self.MAX_KEYS:
                for stale in [k for k in self._failures if not self._recent(k)]:
                    del self._failures[stale]
            self._recent(key).append(self._clock())

    def succeeded(self, username: str, address: str) -> None:
        """Forget the failures of this user and address."""
        with self._lock:
            self._failures.pop((username.strip().lower(), address), None)
