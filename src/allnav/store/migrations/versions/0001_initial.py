"""Initial schema: teams, users, patients, record versions, assessments, append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from allnav.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION allnav_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("patient_id", sa.String(128), sa.ForeignKey("patients.id"), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'patient', 'registrar', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.String(128), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("record_key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("section", sa.String(40), nullable=True),
        sa.Column("payload", sa.JSON, nullable=True),
        sa.Column("retracted", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("record_versions.id"), nullable=True),
        sa.Column("valid_at", UTCDateTime(), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.UniqueConstraint("patient_id", "record_key", "version", name="uq_record_version"),
        sa.CheckConstraint("kind IN ('section', 'timeline', 'medication')", name="ck_record_kind"),
    )
    op.create_index("ix_record_versions_patient", "record_versions", ["patient_id", "record_key"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.String(128), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("allnav_version", sa.String(40), nullable=False),
        sa.Column("knowledge_version", sa.String(40), nullable=False),
        sa.Column("output", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_assessments_patient", "assessments", ["patient_id", "case_version"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("user_email", sa.String(254), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("resource", sa.String(200), nullable=False),
        sa.Column("patient_id", sa.String(128), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("action IN ('read', 'write', 'denied', 'login')", name="ck_audit_action"),
    )
    op.create_index("ix_audit_patient", "audit_log", ["patient_id"])
    _create_audit_triggers()


def _create_audit_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION allnav_audit_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS allnav_audit_append_only()")
    op.drop_index("ix_audit_patient", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_assessments_patient", table_name="assessments")
    op.drop_table("assessments")
    op.drop_index("ix_record_versions_patient", table_name="record_versions")
    op.drop_table("record_versions")
    op.drop_table("users")
    op.drop_table("patients")
    op.drop_table("teams")
