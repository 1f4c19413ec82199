"""Settings refuse a default or placeholder secret outside development; tokens expire."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from allnav.errors import AuthenticationError
from allnav.services.security import LoginLimiter, TokenSigner, pseudonym
from allnav.settings import DEV_SECRET, Settings

STRONG = "k" * 20 + "9f3a1c7e5b2d4a6c8e0f"


def test_development_defaults(tmp_path: Path) -> None:
    s = Settings.from_env({"ALLNAV_DATA_DIR": str(tmp_path)})
    assert s.env == "development"
    assert s.database_url == f"sqlite:///{tmp_path / 'allnav.sqlite'}"
    assert s.cookie_secure is False


@pytest.mark.parametrize("secret", [None, DEV_SECRET, "changeme", "secret", "short-but-random-1234"])
def test_production_refuses_weak_secret(secret: str | None) -> None:
    env = {"ALLNAV_ENV": "production"}
    if secret is not None:
        env["ALLNAV_SECRET_KEY"] = secret
    with pytest.raises(ValidationError, match="ALLNAV_SECRET_KEY"):
        Settings.from_env(env)


def test_production_accepts_strong_secret() -> None:
    s = Settings.from_env(
        {"ALLNAV_ENV": "production", "ALLNAV_SECRET_KEY": STRONG, "ALLNAV_DATABASE_URL": "sqlite://"}
    )
    assert s.cookie_secure is True
    assert s.database_url == "sqlite://"


def test_unknown_setting_refused() -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"secret": "x"})


def test_token_round_trip_and_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TokenSigner(STRONG, ttl_seconds=60)
    token = signer.issue(7)
    assert signer.user_id(token) == 7
    with pytest.raises(AuthenticationError, match="not valid"):
        TokenSigner("another" + STRONG, 60).user_id(token)
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(AuthenticationError, match="expired"):
        signer.user_id(token)


def test_limiter_window() -> None:
    now = [0.0]
    limiter = LoginLimiter(max_failures=2, window=300, clock=lambda: now[0])
    limiter.failed("a@x", "1.2.3.4")
    limiter.check("a@x", "1.2.3.4")
    limiter.failed("A@x ", "1.2.3.4")
    with pytest.raises(Exception, match="too many"):
        limiter.check("a@x", "1.2.3.4")
    limiter.check("a@x", "5.6.7.8")  # another address
    now[0] = 299.0
    with pytest.raises(Exception, match="too many"):
        limiter.check("a@x", "1.2.3.4")
    now[0] = 300.0
    limiter.check("a@x", "1.2.3.4")


def test_pseudonym_is_stable_and_keyed() -> None:
    assert pseudonym(STRONG, "p1") == pseudonym(STRONG, "p1")
    assert pseudonym(STRONG, "p1") != pseudonym(STRONG, "p2")
    assert pseudonym(STRONG, "p1") != pseudonym("x" + STRONG, "p1")
    assert "p1" not in pseudonym(STRONG, "p1")


def test_every_environment_variable_is_documented() -> None:
    import re

    import allnav.settings as module

    documented = set(re.findall(r"^\s+(ALLNAV_[A-Z_]+)\s", module.__doc__ or "", re.MULTILINE))
    assert documented == set(module.ENV_VARS)
    assert set(module.ENV_VARS.values()) <= set(Settings.model_fields)
