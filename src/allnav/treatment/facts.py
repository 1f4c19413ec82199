"""Drug facts and pathway approaches, read from the package's YAML data files.

``drugs.yaml`` holds each agent's labelled (FDA) and guideline uses with age, Ph, marker and situational
criteria; ``pathway.yaml`` holds what each treatment approach is and where it is written. Both are
validated into frozen models that forbid unknown keys, and state their source, version and date.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from allnav.errors import KnowledgeBaseError
from allnav.knowledge.tables import load_table

Setting = Literal["frontline", "consolidation", "maintenance", "relapsed_refractory"]
Requirement = Literal[
    "in_remission", "mrd_ge_1e3", "refractory_or_second_relapse", "two_prior_regimens", "t315i_positive"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeBounds(_Model):
    """Age limits: ``min_age_years`` and ``min_age_months`` inclusive, ``below_age_years`` exclusive,
    ``max_age_years`` on completed years (``floor(age) <= max``)."""

    min_age_years: float | None = None
    min_age_months: float | None = None
    below_age_years: float | None = None
    max_age_years: int | None = None


class Use(AgeBounds):
    """One labelled or guideline use of a drug in one setting."""

    basis: Literal["label", "guideline"]
    setting: Setting
    text: str
    ph: Literal["positive", "negative", "any"] = "any"
    requires: tuple[Requirement, ...] = ()
    approved: str | None = None
    verify: bool = False
    sources: tuple[str, ...] = Field(min_length=1)


class DoseSchedule(AgeBounds):
    """A dose schedule that depends on age."""

    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class Drug(_Model):
    """An ALL-specific agent and its uses."""

    id: str
    name: str
    brand: str | None = None
    kind: Literal["tki", "bispecific_antibody", "antibody_drug_conjugate", "car_t", "chemotherapy"]
    target: Literal["CD19", "CD22"] | None = None
    lineage: Literal["B", "T", "any"] = "any"
    ph_required: bool = False
    status: Literal["approved", "withdrawn"] = "approved"
    withdrawn: str | None = None
    rule: str
    uses: tuple[Use, ...] = ()
    dose_schedules: tuple[DoseSchedule, ...] = ()
    notes: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``name (Brand)``."""
        return f"{self.name} ({self.brand})" if self.brand else self.name


class DrugTable(_Model):
    source: str
    version: str
    date: str
    drugs: tuple[Drug, ...]


class Approach(_Model):
    """A treatment approach named by the sources (not a protocol)."""

    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class Threshold(_Model):
    """A numeric threshold with its sources (and older values kept visible)."""

    value: float | tuple[float, float]
    sources: tuple[str, ...] = Field(min_length=1)
    history: tuple[str, ...] = ()


class PathwayTable(_Model):
    source: str
    version: str
    date: str
    thresholds: dict[str, Threshold]
    approaches: dict[str, Approach]


@functools.cache
def drug_table() -> DrugTable:
    """The validated drug table (read once)."""
    table = load_table("allnav.treatment", "drugs.yaml", DrugTable)
    ids = [d.id for d in table.drugs]
    if len(ids) != len(set(ids)):
        raise KnowledgeBaseError("allnav.treatment/drugs.yaml: duplicate drug id")
    return table


@functools.cache
def pathway_table() -> PathwayTable:
    """The validated pathway approaches (read once)."""
    return load_table("allnav.treatment", "pathway.yaml", PathwayTable)


@functools.cache
def drugs_by_id() -> dict[str, Drug]:
    """The drug table by id (ids are unique: checked when the table is read; built once)."""
    return {d.id: d for d in drug_table().drugs}


def drug(drug_id: str) -> Drug:
    """One drug by id (a missing id is a programming error)."""
    try:
        return drugs_by_id()[drug_id]
    except KeyError:
        raise KnowledgeBaseError(f"allnav.treatment/drugs.yaml has no drug {drug_id!r}") from None


def approach(approach_id: str) -> Approach:
    """One approach by id (a missing id is a programming error)."""
    try:
        return pathway_table().approaches[approach_id]
    except KeyError:
        raise KnowledgeBaseError(f"allnav.treatment/pathway.yaml has no approach {approach_id!r}") from None


def threshold(name: str) -> float:
    """A scalar threshold from ``pathway.yaml``."""
    t = pathway_table().thresholds.get(name)
    if t is None or isinstance(t.value, tuple):
        raise KnowledgeBaseError(f"allnav.treatment/pathway.yaml has no scalar threshold {name!r}")
    return float(t.value)


def band(name: str) -> tuple[float, float]:
    """A (low, high) band from ``pathway.yaml``."""
    t = pathway_table().thresholds.get(name)
    if t is None or not isinstance(t.value, tuple):
        raise KnowledgeBaseError(f"allnav.treatment/pathway.yaml has no band {name!r}")
    return t.value


TKI_IDS: tuple[str, ...] = ("imatinib", "dasatinib", "nilotinib", "ponatinib", "bosutinib")

#: Names under which agents appear in case files (generic, brand, common short forms), lower case.
ALIASES: dict[str, str] = {
    "gleevec": "imatinib",
    "glivec": "imatinib",
    "sprycel": "dasatinib",
    "tasigna": "nilotinib",
    "iclusig": "ponatinib",
    "bosulif": "bosutinib",
    "blincyto": "blinatumomab",
    "besponsa": "inotuzumab_ozogamicin",
    "inotuzumab": "inotuzumab_ozogamicin",
    "inotuzumab ozogamicin": "inotuzumab_ozogamicin",
    "kymriah": "tisagenlecleucel",
    "tisa-cel": "tisagenlecleucel",
    "tecartus": "brexucabtagene_autoleucel",
    "brexu-cel": "brexucabtagene_autoleucel",
    "brexucabtagene": "brexucabtagene_autoleucel",
    "brexucabtagene autoleucel": "brexucabtagene_autoleucel",
    "aucatzyl": "obecabtagene_autoleucel",
    "obe-cel": "obecabtagene_autoleucel",
    "obecabtagene": "obecabtagene_autoleucel",
    "obecabtagene autoleucel": "obecabtagene_autoleucel",
    "arranon": "nelarabine",
    "clolar": "clofarabine",
    "marqibo": "vincristine_liposome",
    "liposomal vincristine": "vincristine_liposome",
    "vincristine sulfate liposome": "vincristine_liposome",
}


def normalise_drug(name: str | None) -> str | None:
    """The drug-table id for a case-file drug or product name, or the lower-cased name."""
    if not name:
        return None
    key = name.strip().lower()
    alias = ALIASES.get(key)
    if alias is not None:
        return alias
    key_id = key.replace(" ", "_").replace("-", "_")
    if key_id in (_DRUG_IDS or _drug_ids()):
        return key_id
    return key


#: The drug-table ids (filled on first use: the table is read once).
_DRUG_IDS: set[str] = set()


def _drug_ids() -> set[str]:
    _DRUG_IDS.update(drugs_by_id())
    return _DRUG_IDS
