"""The lesion catalogue (``lesions.yaml``): which findings and karyotype flags speak to which lesion."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict, Field

from allnav.errors import KnowledgeBaseError
from allnav.knowledge.tables import load_table


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LesionDef(_Frozen):
    """How one lesion is recognised."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    fusion_pairs: tuple[tuple[str, str], ...] = ()
    partner_genes: tuple[str, ...] = ()
    exclude_pairs: tuple[tuple[str, str], ...] = ()
    mutated_genes: tuple[str, ...] = ()
    deleted_genes: tuple[str, ...] = ()
    amplified_genes: tuple[str, ...] = ()
    variants: tuple[tuple[str, str], ...] = ()
    subtypes: tuple[str, ...] = ()
    translocations: tuple[tuple[str, str], ...] = ()
    bands: tuple[str, ...] = ()
    karyotype_flags: tuple[str, ...] = ()
    karyotype_excludes: bool = False  # a karyotype without it counts as a negative test
    negative_needs_all: bool = False  # negative only when every listed gene was tested negative


class LesionCatalog(_Frozen):
    """The whole table with its provenance."""

    source: str
    version: str
    date: str
    lesions: tuple[LesionDef, ...]

    def by_id(self) -> dict[str, LesionDef]:
        """Lesions keyed by id."""
        return {d.id: d for d in self.lesions}


@functools.cache
def load_catalog() -> LesionCatalog:
    """Read and validate ``lesions.yaml`` once per process."""
    cat = load_table("allnav.genetics", "lesions.yaml", LesionCatalog)
    ids = [d.id for d in cat.lesions]
    if len(ids) != len(set(ids)):
        raise KnowledgeBaseError("allnav/genetics/lesions.yaml: duplicate lesion id")
    return cat
