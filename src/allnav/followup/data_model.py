"""The follow-up table (``followup.yaml``) as validated models."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

from allnav.knowledge.tables import load_table


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleRow(_M):
    year_from: int
    year_to: int | None
    interval_months: tuple[int, int]
    tests: list[str]


class LateEffect(_M):
    drug_class: str
    effect: str | None
    watch: str | None
    sources: list[str]


class FollowupTable(_M):
    source: str
    version: str
    date: str
    schedule: list[ScheduleRow]
    schedule_sources: list[str]
    marrow: str
    marrow_years: int
    ph_test: str
    late_effects: list[LateEffect]
    lifestyle: list[str]
    lifestyle_sources: list[str]
    plan_items: list[str]
    plan_sources: list[str]
    relapse_timing: str
    relapse_timing_sources: list[str]
    guidelines: str
    guidelines_sources: list[str]


@functools.cache
def followup_table() -> FollowupTable:
    """The follow-up table, loaded and validated once."""
    return load_table("allnav.followup", "followup.yaml", FollowupTable)
