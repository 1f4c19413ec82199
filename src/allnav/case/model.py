"""The case file (`allnav case v1`, contracts.md section 3) as typed, frozen models.

Field names are the contract's keys, exactly. After validation every quantity is a float in the
field's default unit (see ``units.yaml``): blood counts 10^9/L, haemoglobin g/dL, RBC 10^12/L,
CSF counts per uL, uric acid / phosphate / calcium / creatinine mg/dL, potassium mmol/L, LDH U/L,
percentages 0-100. ``None`` always means unknown, never normal.

Conversion of UCUM quantities (``{"value": 45200, "unit": "/uL"}``), plausibility ranges, unknown-field
suggestions and the parsing of marker strings live in :mod:`allnav.case.validate`; this module only
declares the shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Sex = Literal["female", "male", "other", "unknown"]
Lineage = Literal["B", "T", "ETP", "B/myeloid", "T/myeloid", "myeloid", "undifferentiated"]
GeneticResult = Literal["detected", "not_detected", "indeterminate"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Model):
    id: str = Field(min_length=1, max_length=128)
    age_years: float | None = None
    sex: Sex = "unknown"
    bsa_m2: float | None = None
    weight_kg: float | None = None
    diagnosis_date: str | None = None  # ISO date; timeline `date`s count from it


class Presentation(_Model):
    mediastinal_mass: bool | None = None
    lymphadenopathy: bool | None = None
    splenomegaly: bool | None = None
    hepatomegaly: bool | None = None
    testicular_involvement: bool | None = None
    cranial_nerve_palsy: bool | None = None
    cns_mass: bool | None = None
    lymphoblastic_mass: bool | None = None  # biopsy-proven lymphoblastic mass lesion
    antecedent_cml: bool | None = None
    ecog: int | None = None


class Blood(_Model):
    wbc: float | None = None  # 10^9/L
    anc: float | None = None  # 10^9/L
    alc: float | None = None  # 10^9/L
    hemoglobin: float | None = None  # g/dL
    platelets: float | None = None  # 10^9/L
    blasts_pct: float | None = None  # % of WBC
    rbc: float | None = None  # 10^12/L
    wbc_lln: float | None = None
    anc_lln: float | None = None
    hemoglobin_lln: float | None = None
    platelets_lln: float | None = None


class Marrow(_Model):
    blasts_pct: float | None = None
    cellularity_pct: float | None = None
    fab: Literal["L1", "L2", "L3"] | None = None
    trilineage_hematopoiesis: bool | None = None
    dry_tap: bool | None = None


class MarkerValue(_Model):
    """One immunophenotype marker as read from ``pos``/``neg``/``dim``/``partial``/``40%``/``weak``..."""

    raw: str
    positive: bool | None  # None when the text does not say (e.g. 'equivocal')
    percent: float | None = None  # % of blasts positive, when given
    intensity: Literal["dim", "weak", "strong", "bright", "partial"] | None = None


class GeneticFinding(_Model):
    """One FISH/PCR/NGS/MLPA/array finding as written in the case file, with its parsed shape."""

    finding: str
    result: GeneticResult = "detected"
    method: str | None = None
    transcript: str | None = None  # p190 | p210 | p230 | other text
    copies: int | None = None  # copy-number FISH (e.g. RUNX1 copies)
    vaf: float | None = None  # variant allele fraction, 0-1, when given
    probability: float | None = None  # classifier probability (ALLSorts / TALLSorts), 0-1
    # Parsed by validate.py from `finding`:
    kind: Literal["fusion", "gene_alteration", "iscn", "copy_number", "subtype", "other"] = "other"
    genes: tuple[str, ...] = ()
    alteration: str | None = None  # 'deletion', 'p.R248Q', 'rearrangement', 'amplification', ...
    written_as: str | None = None  # the finding as written, when it was normalised (e.g. 'BCR-ABL1')
    notes: tuple[str, ...] = ()  # what was normalised: 'BCR-ABL1' read as 'BCR::ABL1', 'e1a2' as p190


class CSF(_Model):
    wbc_per_ul: float | None = None
    rbc_per_ul: float | None = None
    blasts: bool | None = None
    traumatic: bool | None = None


class Labs(_Model):
    ldh: float | None = None  # U/L
    ldh_uln: float | None = None  # U/L
    uric_acid: float | None = None  # mg/dL
    potassium: float | None = None  # mmol/L (= mEq/L)
    phosphate: float | None = None  # mg/dL
    calcium: float | None = None  # mg/dL
    creatinine: float | None = None  # mg/dL
    creatinine_baseline: float | None = None  # mg/dL
    creatinine_uln: float | None = None  # mg/dL
    bilirubin: float | None = None  # mg/dL
    alt: float | None = None  # U/L
    amylase: float | None = None  # U/L
    lipase: float | None = None  # U/L
    glucose: float | None = None  # mg/dL
    fibrinogen: float | None = None  # mg/dL


class MRD(_Model):
    level: float | None = None  # fraction of nucleated cells (1e-4 = 0.01%)
    method: Literal["flow", "pcr", "ngs", "rt-qpcr", "other"] | None = None
    sensitivity: float | None = None  # fraction, e.g. 1e-4
    target: str | None = None  # e.g. 'BCR::ABL1', 'IG/TCR'
    transcript: str | None = None  # p190 | p210 for BCR::ABL1 quantification
    international_scale: bool | None = None


class Vitals(_Model):
    temperature_c: float | None = None
    temperature_sustained_1h: bool | None = None


class TimelineEntry(_Model):
    """A dated set of findings; any finding section may recur here."""

    day: int | None = None
    date: str | None = None
    phase: str | None = None
    blood: Blood | None = None
    marrow: Marrow | None = None
    csf: CSF | None = None
    labs: Labs | None = None
    mrd: MRD | None = None
    immunophenotype: dict[str, MarkerValue] | None = None
    genetics: list[GeneticFinding] | None = None
    karyotype: str | None = None
    extramedullary_disease: bool | None = None
    extramedullary_sites: list[str] | None = None
    cranial_nerve_palsy: bool | None = None
    testicular_involvement: bool | None = None
    vitals: Vitals | None = None
    events: list[str] | None = None
    reported_status: str | None = None
    note: str | None = None


class Medication(_Model):
    drug: str
    dose: float | None = None
    unit: str | None = None  # mg/m2 | mg | g/m2 | U/m2 | mg/kg | ...
    day: int | None = None
    date: str | None = None
    route: str | None = None  # IV | IT | PO | SC | IM
    infusion_hours: float | None = None
    levels: list[dict[str, float]] | None = None  # methotrexate: [{hours: 42, umol_per_l: 12}]
    status: Literal["given", "ordered"] = "given"
    product: str | None = None  # brand / CAR T product


class PriorAnthracycline(_Model):
    drug: str
    cumulative_mg_m2: float


class Pharmacogenomics(_Model):
    TPMT: Literal["normal", "intermediate", "poor", "indeterminate", "unknown"] | None = None
    NUDT15: Literal["normal", "intermediate", "poor", "indeterminate", "unknown"] | None = None


class CrsIcansEntry(_Model):
    day: int
    temperature_c: float | None = None
    vasopressors: Literal["none", "one", "multiple"] | None = None
    oxygen: Literal["none", "low_flow", "high_flow", "positive_pressure"] | None = None
    ice_score: int | None = None
    arousal: Literal["awake", "awakens_to_voice", "awakens_to_touch", "unarousable"] | None = None
    seizure: bool | None = None
    seizure_prolonged: bool | None = None
    motor_weakness: bool | None = None
    cerebral_edema: Literal["none", "focal", "diffuse"] | bool | None = None
    antipyretic_or_anticytokine: bool | None = None


class Case(_Model):
    """A whole case file. Only ``patient`` is required."""

    patient: Patient
    presentation: Presentation = Presentation()
    blood: Blood = Blood()
    marrow: Marrow = Marrow()
    immunophenotype: dict[str, MarkerValue] = Field(default_factory=dict)
    reported_lineage: Lineage | None = None
    karyotype: str | None = None
    genetics: list[GeneticFinding] = Field(default_factory=list)
    csf: CSF = CSF()
    labs: Labs = Labs()
    timeline: list[TimelineEntry] = Field(default_factory=list)
    as_of_day: int | None = None
    medications: list[Medication] = Field(default_factory=list)
    prior_anthracyclines: list[PriorAnthracycline] = Field(default_factory=list)
    pharmacogenomics: Pharmacogenomics = Pharmacogenomics()
    crs_icans: list[CrsIcansEntry] = Field(default_factory=list)

    @property
    def effective_as_of_day(self) -> int:
        """The day the assessment speaks for: ``as_of_day``, else the latest timeline day, else 0 (diagnosis)."""
        if self.as_of_day is not None:
            return self.as_of_day
        return max((e.day for e in self.timeline if e.day is not None), default=0)
