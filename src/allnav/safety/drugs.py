"""Drug facts (``drugs.yaml``) as validated models, and drug-name resolution by synonym."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

from allnav.case.model import Case, Medication
from allnav.errors import UnitError
from allnav.knowledge.tables import load_table


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Drug(_M):
    name: str
    synonyms: list[str]
    classes: list[str]


class RatioSet(_M):
    name: str
    ratios: dict[str, tuple[float, float]]
    not_estimable: list[str]
    sources: list[str]


class AnthracyclineRatios(_M):
    current: RatioSet
    legacy: RatioSet


class AnthracyclineLimits(_M):
    warning_mg_m2: float
    cap_mg_m2: tuple[float, float]
    sources: list[str]


class Vincristine(_M):
    max_single_dose_mg: float
    routes: list[str]
    sources: list[str]


class MpRow(_M):
    tpmt: str
    nudt15: str
    start: str
    pct: tuple[float, float] | None


class Mercaptopurine(_M):
    full_dose_mg_m2_day: float
    rows: list[MpRow]
    sources: list[str]


class Methotrexate(_M):
    high_dose_mg_m2: float
    short_infusion_max_h: float
    long_infusion_h: tuple[float, float]
    short_thresholds_umol_l: dict[str, float]
    long_thresholds_umol_l: dict[str, float]
    sources: list[str]


class Watch(_M):
    items: list[str]
    sources: list[str]


class AgentWatch(_M):
    text: str
    sources: list[str]


class DrugTable(_M):
    source: str
    version: str
    date: str
    drugs: list[Drug]
    anthracycline_ratios: AnthracyclineRatios
    anthracycline_limits: AnthracyclineLimits
    vincristine: Vincristine
    mercaptopurine: Mercaptopurine
    methotrexate: Methotrexate
    asparaginase_watch: Watch
    agent_watch: dict[str, AgentWatch]


@functools.cache
def drug_table() -> DrugTable:
    """The drug table, loaded and validated once."""
    return load_table("allnav.safety", "drugs.yaml", DrugTable)


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


@functools.cache
def _index() -> dict[str, Drug]:
    out: dict[str, Drug] = {}
    for d in drug_table().drugs:
        for n in (d.name, *d.synonyms):
            out[_norm(n)] = d
    return out


def resolve(name: str) -> Drug | None:
    """The drug a written name means (generic, brand or abbreviation), or None when unknown."""
    index = _index()
    d = index.get(name)  # a name already in the normalised spelling (a key) needs no normalising
    return d if d is not None else index.get(_norm(name))


def canonical(name: str) -> str:
    """The generic name for a written drug name (the name itself, normalised, when unknown)."""
    d = resolve(name)
    return d.name if d else _norm(name)


def has_class(name: str, cls: str) -> bool:
    """Whether a written drug name belongs to a class (``anthracycline``, ``asparaginase``, ...)."""
    d = resolve(name)
    return d is not None and cls in d.classes


def dose_mg_m2(case: Case, med: Medication, index: int) -> float | None:
    """A dose in mg/m2 from mg/m2, g/m2, mg (with BSA) or mg/kg (with weight and BSA); None if not convertible.

    A missing unit gives None; a unit that is not a dose unit is refused with the field path.
    """
    if med.dose is None:
        return None
    unit = (med.unit or "").replace("²", "2").replace(" ", "").lower()
    bsa = case.patient.bsa_m2
    if not unit:
        return None  # a dose without a unit cannot be used; the caller lists it as pending
    if unit == "mg/m2":
        return med.dose
    if unit == "g/m2":
        return med.dose * 1000.0
    if unit in ("mg", "g"):
        mg = med.dose * (1000.0 if unit == "g" else 1.0)
        return mg / bsa if bsa else None
    if unit == "mg/kg":
        w = case.patient.weight_kg
        return med.dose * w / bsa if (w and bsa) else None
    raise UnitError(
        f"unit {med.unit!r} is not a dose unit for {med.drug}",
        path=f"medications[{index}].unit",
        unit=med.unit or "",
        accepted=["mg/m2", "g/m2", "mg", "g", "mg/kg"],
    )


__all__ = ["DrugTable", "canonical", "dose_mg_m2", "drug_table", "has_class", "resolve"]
