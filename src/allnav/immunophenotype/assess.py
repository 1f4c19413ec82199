"""The immunophenotype assessment: lineage, MPAL, ETP, maturation stage, mature-B check, CD19/CD22."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.immunophenotype import etp as etp_rules
from allnav.immunophenotype import lineage as lin
from allnav.immunophenotype import stages
from allnav.immunophenotype.panel import Panel, marker_table
from allnav.knowledge import KnowledgeBase, RuleRef

LINEAGE = RuleRef("lineage.assignment")
RULE_B = RuleRef("lineage.who2016_b")
RULE_T = RuleRef("lineage.who2016_t")
RULE_MYELOID = RuleRef("lineage.who2016_myeloid")
RULE_AUL = RuleRef("lineage.aul")
REPORTED = RuleRef("lineage.reported")
MPAL = RuleRef("lineage.mpal_who")
ABERRANT = RuleRef("lineage.aberrant_myeloid")
EGIL = RuleRef("lineage.egil_score")
ETP = RuleRef("lineage.etp")
B_STAGE = RuleRef("lineage.b_stage")
T_STAGE = RuleRef("lineage.t_stage")
MATURE_B = RuleRef("lineage.mature_b")
EXPRESSION = RuleRef("lineage.antigen_expression")

Conclusion = dict[str, Any]
MIXED = {frozenset({"B", "myeloid"}): "B/myeloid", frozenset({"T", "myeloid"}): "T/myeloid"}
MIXED_VALUES = ("B/myeloid", "T/myeloid", "B/T")
_REPORTED_AS = {"ETP": "T"}


class ImmunophenotypeAssessment(NamedTuple):
    """Everything the immunophenotype says, each item a cited conclusion (see contracts.md section 4)."""

    lineage: Conclusion
    mpal: Conclusion
    etp: Conclusion
    b_stage: Conclusion | None
    t_stage: Conclusion | None
    mature_b: Conclusion
    cd19: Conclusion
    cd22: Conclusion
    pending: list[dict[str, str]]
    alerts: list[Conclusion]
    unknown_markers: list[str]


class _Out:
    def __init__(self) -> None:
        self.pending: list[dict[str, str]] = []
        self.alerts: list[Conclusion] = []

    def need(self, test: str, why: str) -> None:
        if not any(p["test"] == test for p in self.pending):
            self.pending.append({"test": test, "why": why})


def assess_immunophenotype(case: Case, kb: KnowledgeBase) -> ImmunophenotypeAssessment:
    """Assess the case's immunophenotype; markers win over the lab's reported lineage."""
    p = Panel.of(case.immunophenotype)
    out = _Out()
    crit = _criteria(p)
    lineage = _lineage(p, crit, case.reported_lineage, kb, out)
    value = lineage["value"]
    mpal = _mpal(p, crit, lineage, kb, out)
    mature = stages.mature_b(p, b_lineage=value is not None and "B" in value)
    if mature.value is None and value == "B":
        out.need(_join(mature.missing), "exclude a mature B-cell (Burkitt) neoplasm (R-A9)")
    b_stage = t_stage = None
    if value == "B" and lineage["basis"] == "markers":
        f = stages.b_stage(p, mature.value if isinstance(mature.value, bool) else None)
        b_stage = kb.conclude(B_STAGE, f.value, f.because)
        if f.value is None:
            out.need(_join(f.missing), "B maturation stage (pro-B is a prognostic factor; C5)")
    if value == "T" and lineage["basis"] == "markers":
        f = stages.t_stage(p)
        t_stage = kb.conclude(T_STAGE, f.value, f.because)
        if f.value is None:
            out.need(_join(f.missing), "EGIL T maturation stage (C5)")
    return ImmunophenotypeAssessment(
        lineage=lineage,
        mpal=mpal,
        etp=_etp(p, lineage, case.reported_lineage, kb, out),
        b_stage=b_stage,
        t_stage=t_stage,
        mature_b=kb.conclude(MATURE_B, mature.value, mature.because),
        cd19=_expression(p, kb, ("CD19",)),
        cd22=_expression(p, kb, ("CD22", "cCD22")),
        pending=out.pending,
        alerts=out.alerts,
        unknown_markers=list(p.unknown),
    )


def _join(names: list[str]) -> str:
    return ", ".join(names)


def _criteria(p: Panel) -> dict[str, lin.Criterion]:
    """The B, T (MPAL-strict) and myeloid criteria; single-lineage T is evaluated only when needed."""
    return {
        "B": lin.b_criterion(p),
        "T": lin.t_criterion(p, strict=True),
        "myeloid": lin.myeloid_criterion(p),
    }


def _lineage(
    p: Panel, crit: dict[str, lin.Criterion], reported: str | None, kb: KnowledgeBase, out: _Out
) -> Conclusion:
    if not lin.markers_available(p):
        because = ["no lineage-defining marker (CD19, CD79a, CD22, CD10, CD3, MPO) reported"]
        if reported is None:
            out.need(
                "flow cytometry immunophenotyping (B, T and myeloid panels)", "lineage cannot be assigned"
            )
            return kb.conclude(REPORTED, None, [*because, "no reported_lineage"], basis="none")
        because.append(f"reported_lineage = {reported}: used because marker data are missing")
        return kb.conclude(
            REPORTED,
            _REPORTED_AS.get(reported, reported),
            because,
            basis="reported_lineage",
            reported_lineage=reported,
        )
    sub = {k: kb.conclude(_RULE_OF[k], c.met, c.because) for k, c in crit.items()}
    if p.dim("MPO"):
        line = (
            "weak MPO counted as myeloid (WHO 2016); WHO-HAEM5/ICC ask intensity > 50% of mature neutrophils"
        )
        out.alerts.append(kb.conclude(RULE_MYELOID, line, [p.describe("MPO")], severity="warning"))
    met = frozenset([k for k in ("B", "T", "myeloid") if crit[k].met])
    extra: dict[str, Any] = {}
    because = [_CRITERION_LINE[k, c["value"]] for k, c in sub.items()]
    because += list(p.notes)
    value: str | None
    if len(met) >= 2:
        value = MIXED.get(met, "B/T")
        if len(met) == 3:
            extra["myeloid_also"] = True
            out.alerts.append(
                kb.conclude(
                    LINEAGE,
                    "B/T/myeloid phenotype (ICC MPAL B/T/myeloid); reported as B/T",
                    because,
                    severity="warning",
                )
            )
    elif len(met) == 1:
        value = next(iter(met))
    elif lin.t_criterion(p, strict=False).met:
        value = "T"
        because.append("cCD3 expressed (dim): enough for single-lineage T-ALL, no intensity needed (B3)")
    elif all(crit[k].met is False for k in ("B", "T", "myeloid")):
        aul = lin.aul_criterion(p)
        sub["AUL"] = kb.conclude(RULE_AUL, aul.met, aul.because)
        because.append(f"no lineage criteria met; AUL: {_word(aul.met)}")
        value = "undifferentiated" if aul.met else None
        if aul.met is None:
            out.need(_join(aul.missing), "acute undifferentiated leukaemia needs these markers negative")
        elif aul.met is False:
            because.append("meets no lineage and is not AUL (ICC: ALAL, NOS)")
    else:
        value = None
        missing = [m for k in ("B", "T", "myeloid") for m in crit[k].missing]
        out.need(_join(missing), "lineage assignment (WHO 2016 / WHO-HAEM5 criteria)")
        if reported is not None:
            because.append(f"markers insufficient; reported_lineage = {reported} used until {_join(missing)}")
            return kb.conclude(
                REPORTED,
                _REPORTED_AS.get(reported, reported),
                because,
                basis="reported_lineage",
                reported_lineage=reported,
                criteria=sub,
            )
    if reported is not None and value is not None and _REPORTED_AS.get(reported, reported) != value:
        out.alerts.append(
            kb.conclude(
                REPORTED,
                f"markers give lineage {value}; the flow lab reported {reported}; markers win",
                [f"reported_lineage = {reported}", f"lineage from markers = {value}"],
                severity="warning",
            )
        )
    return kb.conclude(LINEAGE, value, because, basis="markers", criteria=sub, **extra)


_RULE_OF = {"B": RULE_B, "T": RULE_T, "myeloid": RULE_MYELOID}


_WORDS = {True: "criteria met", False: "criteria not met", None: "not evaluable"}


def _word(v: bool | None) -> str:
    return _WORDS[v]


#: ``"B: criteria met"`` style lines, by (lineage, criterion value), built once
_CRITERION_LINE = {(k, v): f"{k}: {w}" for k in ("B", "T", "myeloid") for v, w in _WORDS.items()}


@functools.cache
def _egil_points() -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    """The EGIL point table as ``((lineage, ((marker, points), ...)), ...)`` in file order (read once)."""
    return tuple((k, tuple(t.items())) for k, t in marker_table().egil_points.items())


_OTHERS = {"B": ("T", "myeloid"), "T": ("B", "myeloid"), "myeloid": ("B", "T")}


def _mpal(
    p: Panel, crit: dict[str, lin.Criterion], lineage: Conclusion, kb: KnowledgeBase, out: _Out
) -> Conclusion:
    value = lineage["value"]
    scores = lin.egil_scores(p, _egil_points())
    over = [k for k, v in scores.items() if v > 2]
    egil = kb.conclude(
        EGIL,
        len(over) > 1,
        [
            *[f"{k} = {v:g}" for k, v in scores.items()],  # :g as panel.fmt
            "biphenotypic when > 2 for more than one lineage",
        ],
        scores=scores,
        role="history only: WHO 2016 / WHO-HAEM5 / ICC supersede EGIL (L9)",
    )
    because = [f"lineage = {value}"]
    aberrant = [n for n in ("CD13", "CD33") if p.positive(n)]
    if aberrant and value in ("B", "T") and not p.positive("MPO"):
        line = f"{', '.join(aberrant)} positive without MPO: aberrant myeloid antigens do not make MPAL"
        because.append(line)
        out.alerts.append(
            kb.conclude(ABERRANT, line, [p.describe(n) for n in (*aberrant, "MPO")], severity="info")
        )
    if lineage["basis"] != "markers":
        mixed = value in MIXED_VALUES if value is not None else None
        return kb.conclude(MPAL, mixed, [*because, "from the reported lineage"], egil=egil)
    if value in MIXED_VALUES:
        return kb.conclude(MPAL, True, [*because, "more than one lineage meets WHO criteria"], egil=egil)
    if value is None:
        return kb.conclude(MPAL, None, because, egil=egil)
    others = _OTHERS.get(value, ())
    open_ = [k for k in others if crit[k].met is None]
    for k in open_:
        out.need(_join(crit[k].missing), f"exclude MPAL ({value}/{k} lineage not evaluable)")
    if open_:
        return kb.conclude(MPAL, None, [*because, f"not evaluable: {', '.join(open_)} lineage"], egil=egil)
    return kb.conclude(MPAL, False, [*because, "no second lineage meets WHO criteria"], egil=egil)


def _etp(p: Panel, lineage: Conclusion, reported: str | None, kb: KnowledgeBase, out: _Out) -> Conclusion:
    value = lineage["value"]
    if lineage["basis"] == "reported_lineage":
        if reported == "ETP":
            return kb.conclude(ETP, True, ["reported_lineage = ETP (no marker data)"], near_etp=None)
        if value == "T":
            out.need(
                "CD1a, CD8, CD5, CD117, CD34, HLA-DR, CD13, CD33, CD11b, CD65, MPO (% of blasts)", "ETP-ALL"
            )
            return kb.conclude(ETP, None, ["T lineage reported without marker data"], near_etp=None)
    if value == "T/myeloid":
        return kb.conclude(ETP, False, ["T/myeloid MPAL, not T-ALL (C4 item 5)"], near_etp=False)
    if value != "T":
        return kb.conclude(ETP, None, [f"lineage = {value}: ETP applies to T lineage only"], near_etp=None)
    c = etp_rules.etp_criteria(p)
    result, near = c.etp(), c.near_etp()
    if result is None or (result is False and near is None):
        out.need(_join(c.missing), "ETP-ALL / near-ETP criteria (C4)")
    if reported == "ETP" and result is False:
        out.alerts.append(
            kb.conclude(
                REPORTED,
                "flow lab reported ETP; marker criteria not met; markers win",
                c.because,
                severity="warning",
            )
        )
    return kb.conclude(ETP, result, c.because, near_etp=near)


def _expression(p: Panel, kb: KnowledgeBase, names: tuple[str, ...]) -> Conclusion:
    for name in names:
        pos = p.positive(name)
        if pos is None:
            continue
        value = "negative" if not pos else ("dim" if p.dim(name) else "positive")
        compartment = p.info[name].compartment
        return kb.conclude(
            EXPRESSION,
            value,
            [p.describe(name)],
            marker=name,
            percent=p.percent(name),
            compartment=compartment,
        )
    return kb.conclude(
        EXPRESSION, None, [f"{'/'.join(names)} not reported"], marker=names[0], percent=None, compartment=None
    )
