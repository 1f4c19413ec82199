"""Users and teams. Passwords are stored only as argon2 hashes."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from allnav.errors import ConflictError, NotFoundError, UsageError
from allnav.store.models import ROLES, Patient, Team, User

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("allnav-timing-equaliser")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def team(session: Session, name: str) -> Team:
    """The team called ``name``, created if new."""
    found = session.scalars(select(Team).where(Team.name == name)).first()
    if found is None:
        found = Team(name=name)
        session.add(found)
        session.flush()
    return found


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str,
    *,
    team_name: str | None = None,
    patient_id: str | None = None,
) -> User:
    """Create a user; a clinician needs a team, a patient user needs an existing patient record."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if "@" not in email:
        raise UsageError(f"not an email address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if role == "clinician" and not team_name:
        raise UsageError("a clinician needs a team")
    if role == "patient":
        if not patient_id:
            raise UsageError("a patient user needs the patient_id of their record")
        if session.get(Patient, patient_id) is None:
            raise NotFoundError(f"no patient {patient_id!r}")
    if session.scalars(select(User).where(User.email == email)).first() is not None:
        raise ConflictError(f"a user {email!r} already exists")
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        team_id=team(session, team_name).id if team_name else None,
        patient_id=patient_id if role == "patient" else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same work whether or not the user exists)."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def list_users(session: Session) -> Sequence[User]:
    """All users, by id."""
    return session.scalars(select(User).order_by(User.id)).all()


def team_name(session: Session, team_id: int | None) -> str | None:
    """The name of team ``team_id``."""
    if team_id is None:
        return None
    found = session.get(Team, team_id)
    return None if found is None else found.name
