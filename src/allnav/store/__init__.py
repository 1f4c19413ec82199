"""The store: SQLAlchemy 2 tables, Alembic migrations shipped in the package, versioned records, audit."""
