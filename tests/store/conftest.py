"""Store test fixtures (see dbfixtures.py)."""

from dbfixtures import empty_engine, engine

__all__ = ["empty_engine", "engine"]
