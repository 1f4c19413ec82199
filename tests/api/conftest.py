"""API test fixtures (defined in apifixtures.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from apifixtures import _fast_hashes, app, client, empty_engine, engine, world

__all__ = ["_fast_hashes", "app", "client", "empty_engine", "engine", "world"]
