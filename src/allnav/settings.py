"""Typed application settings, read once from the environment and passed explicitly.

Environment variables (all optional in development)::

    ALLNAV_ENV             development | production (default development)
    ALLNAV_DATA_DIR        where the default SQLite file lives (default ~/.local/share/allnav)
    ALLNAV_DATABASE_URL    SQLAlchemy URL (default sqlite:///<data dir>/allnav.sqlite)
    ALLNAV_SECRET_KEY      signs tokens, cookies and pseudonyms; required outside development
    ALLNAV_TOKEN_TTL       bearer-token lifetime in seconds (default 3600)
    ALLNAV_COOKIE_SECURE   1/0: mark the session cookie Secure (default 1 outside development)

Outside development a missing, short or placeholder secret is refused at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEV_SECRET = "allnav-development-secret-do-not-use-in-production"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "changethis", "secret", "dev", DEV_SECRET})
MIN_SECRET_LENGTH = 32
ENV_VARS = {
    "ALLNAV_ENV": "env",
    "ALLNAV_DATA_DIR": "data_dir",
    "ALLNAV_DATABASE_URL": "database_url",
    "ALLNAV_SECRET_KEY": "secret_key",
    "ALLNAV_TOKEN_TTL": "token_ttl_seconds",
    "ALLNAV_COOKIE_SECURE": "cookie_secure",
}


class Settings(BaseModel):
    """Everything the store and the API need to start; immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Field(default_factory=lambda: Path.home() / ".local" / "share" / "allnav")
    database_url: str = ""
    secret_key: str = DEV_SECRET
    token_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    cookie_secure: bool | None = None
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'allnav.sqlite'}")
        if self.cookie_secure is None:
            object.__setattr__(self, "cookie_secure", self.env != "development")
        if self.env != "development":
            weak = self.secret_key.strip().lower() in PLACEHOLDER_SECRETS
            if weak or len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"ALLNAV_SECRET_KEY must be set to a random string of at least {MIN_SECRET_LENGTH} "
                    f"characters when ALLNAV_ENV={self.env} (a default or placeholder secret is refused)"
                )
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``ALLNAV_*`` variables (``os.environ`` unless given)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for var, key in ENV_VARS.items():
            if var in env:
                values[key] = env[var]
        return cls.model_validate(values)
