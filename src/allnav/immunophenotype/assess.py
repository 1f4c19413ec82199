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


#: An :class:`ImmunophenotypeAssessment` from a tuple of all its fields in order, without the keyword
#: handling of the generated constructor.
_new_assessment = functools.partial(tuple.__new__, ImmunophenotypeAssessment)


class _Out:
    __slots__ = ("alerts", "pending")

    def __init__(self) -> None:
        self.pending: list[dict[str, str]] = []
        self.alerts: list[Conclusion] = []

    def need(self, test: str, why: str) -> None:
        for p in self.pending:  # a loop, no generator: usually empty or short
            if p["test"] == test:
                return
        self.pending.append({"test": test, "why": why})


def assess_immunophenotype(case: Case, kb: KnowledgeBase) -> ImmunophenotypeAssessment:
    """Assess the case's immunophenotype; markers win over the lab's reported lineage."""
    # Speed: the frequent conclusions are built as dict literals in kb.conclude's key order
    # (value, rule, rule_version, because, sources, extras) from the rule record; rare ones use kb.conclude.
    rules = kb.rules
    p = Panel.of(case.immunophenotype)
    out = _Out()
    # the B, T (MPAL-strict) and myeloid criteria; single-lineage T is evaluated only when needed
    crit = {
        "B": lin.b_criterion(p),
        "T": lin.t_criterion(p, strict=True),
        "myeloid": lin.myeloid_criterion(p),
    }
    lineage = _lineage(p, crit, case.reported_lineage, kb, out)
    value = lineage["value"]
    by_markers = lineage["basis"] == "markers"
    mpal = _mpal(p, crit, value, by_markers, kb, out)
    mature = stages.mature_b(p, b_lineage=value is not None and "B" in value)
    if mature.value is None and value == "B":
        out.need(_join(mature.missing), "exclude a mature B-cell (Burkitt) neoplasm (R-A9)")
    b_stage = t_stage = None
    if value == "B" and by_markers:
        f = stages.b_stage(p, mature.value if isinstance(mature.value, bool) else None)
        r = rules[B_STAGE]
        b_stage = {
            "value": f.value,
            "rule": r.id,
            "rule_version": r.version,
            "because": f.because,
            "sources": list(r.sources),
        }
        if f.value is None:
            out.need(_join(f.missing), "B maturation stage (pro-B is a prognostic factor; C5)")
    elif value == "T" and by_markers:
        f = stages.t_stage(p)
        r = rules[T_STAGE]
        t_stage = {
            "value": f.value,
            "rule": r.id,
            "rule_version": r.version,
            "because": f.because,
            "sources": list(r.sources),
        }
        if f.value is None:
            out.need(_join(f.missing), "EGIL T maturation stage (C5)")
    etp = _etp(p, lineage, case.reported_lineage, kb, out)
    r = rules[MATURE_B]
    mature_b = {
        "value": mature.value,
        "rule": r.id,
        "rule_version": r.version,
        "because": mature.because,
        "sources": list(r.sources),
    }
    return _new_assessment(
        (
            lineage,
            mpal,
            etp,
            b_stage,
            t_stage,
            mature_b,
            _expression(p, kb, _CD19),
            _expression(p, kb, _CD22),
            out.pending,
            out.alerts,
            list(p.unknown),
        )
    )


def _join(names: list[str]) -> str:
    return ", ".join(names)


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
    rules = kb.rules
    calls = p.calls
    sub: dict[str, Conclusion] = {}
    because = []
    met: list[str] = []  # the lineages whose criteria are met, in B, T, myeloid order
    for k, c in crit.items():
        r = rules[_RULE_OF[k]]
        # the criterion's lines are its own fresh list: no copy needed
        sub[k] = {
            "value": c.met,
            "rule": r.id,
            "rule_version": r.version,
            "because": c.because,
            "sources": list(r.sources),
        }
        because.append(_CRITERION_LINE[k, c.met])
        if c.met:
            met.append(k)
    if calls.get("MPO") is True and not p.strong_calls["MPO"]:  # p.dim("MPO")
        line = (
            "weak MPO counted as myeloid (WHO 2016); WHO-HAEM5/ICC ask intensity > 50% of mature neutrophils"
        )
        out.alerts.append(kb.conclude(RULE_MYELOID, line, [p.describe("MPO")], severity="warning"))
    because += p.notes
    value: str | None
    myeloid_also = False
    if len(met) >= 2:
        value = MIXED.get(frozenset(met), "B/T")
        if len(met) == 3:
            myeloid_also = True
            out.alerts.append(
                kb.conclude(
                    LINEAGE,
                    "B/T/myeloid phenotype (ICC MPAL B/T/myeloid); reported as B/T",
                    because,
                    severity="warning",
                )
            )
    elif met:
        value = met[0]
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
    r = rules[LINEAGE]
    result: Conclusion = {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
        "basis": "markers",
        "criteria": sub,
    }
    if myeloid_also:
        result["myeloid_also"] = True
    return result


_RULE_OF = {"B": RULE_B, "T": RULE_T, "myeloid": RULE_MYELOID}


_WORDS = {True: "criteria met", False: "criteria not met", None: "not evaluable"}


def _word(v: bool | None) -> str:
    return _WORDS[v]


#: ``"B: criteria met"`` style lines, by (lineage, criterion value), built once
_CRITERION_LINE = {(k, v): f"{k}: {w}" for k in ("B", "T", "myeloid") for v, w in _WORDS.items()}


@functools.cache
def _egil_index() -> lin.EgilIndex:
    """The EGIL point table of ``markers.yaml`` indexed by marker (read once)."""
    return lin.egil_index((k, tuple(t.items())) for k, t in marker_table().egil_points.items())


_OTHERS = {"B": ("T", "myeloid"), "T": ("B", "myeloid"), "myeloid": ("B", "T")}
_EGIL_ROLE = "history only: WHO 2016 / WHO-HAEM5 / ICC supersede EGIL (L9)"


def _mpal(
    p: Panel,
    crit: dict[str, lin.Criterion],
    value: str | None,
    by_markers: bool,
    kb: KnowledgeBase,
    out: _Out,
) -> Conclusion:
    rules = kb.rules
    index = _egil_index()
    scores = lin.egil_scores(p, index)
    texts = index.texts
    lines = []
    over = 0
    for k, v in scores.items():
        lines.append(texts[k][v])  # f"{k} = {v:g}", :g as panel.fmt, made when the table was read
        if v > 2:
            over += 1
    lines.append("biphenotypic when > 2 for more than one lineage")
    r = rules[EGIL]
    egil = {
        "value": over > 1,
        "rule": r.id,
        "rule_version": r.version,
        "because": lines,
        "sources": list(r.sources),
        "scores": scores,
        "role": _EGIL_ROLE,
    }
    because = [f"lineage = {value}"]
    calls = p.calls
    aberrant = []
    if calls.get("CD13"):
        aberrant.append("CD13")
    if calls.get("CD33"):
        aberrant.append("CD33")
    if aberrant and value in ("B", "T") and not calls.get("MPO"):
        line = f"{', '.join(aberrant)} positive without MPO: aberrant myeloid antigens do not make MPAL"
        because.append(line)
        out.alerts.append(
            kb.conclude(ABERRANT, line, [p.describe(n) for n in (*aberrant, "MPO")], severity="info")
        )
    mixed: bool | None
    if not by_markers:
        mixed = value in MIXED_VALUES if value is not None else None
        because.append("from the reported lineage")
    elif value in MIXED_VALUES:
        mixed = True
        because.append("more than one lineage meets WHO criteria")
    elif value is None:
        mixed = None
    else:
        open_ = []
        for k in _OTHERS.get(value, ()):
            if crit[k].met is None:
                open_.append(k)
        if open_:
            for k in open_:
                out.need(_join(crit[k].missing), f"exclude MPAL ({value}/{k} lineage not evaluable)")
            mixed = None
            because.append(f"not evaluable: {', '.join(open_)} lineage")
        else:
            mixed = False
            because.append("no second lineage meets WHO criteria")
    r = rules[MPAL]
    return {
        "value": mixed,
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
        "egil": egil,
    }


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
        r = kb.rules[ETP]
        return {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": [f"lineage = {value}: ETP applies to T lineage only"],
            "sources": list(r.sources),
            "near_etp": None,
        }
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
    r = kb.rules[ETP]
    return {
        "value": result,
        "rule": r.id,
        "rule_version": r.version,
        "because": c.because,  # the criteria's own list (the alert above copied it)
        "sources": list(r.sources),
        "near_etp": near,
    }


_CD19 = ("CD19",)
_CD22 = ("CD22", "cCD22")


def _expression(p: Panel, kb: KnowledgeBase, names: tuple[str, ...]) -> Conclusion:
    r = kb.rules[EXPRESSION]
    calls = p.calls
    for name in names:
        pos = calls.get(name)
        if pos is None:
            continue
        row = p.row(name)
        return {
            "value": "negative" if not pos else ("positive" if p.strong_calls[name] else "dim"),
            "rule": r.id,
            "rule_version": r.version,
            "because": [p.texts.get(name) or p.describe(name)],
            "sources": list(r.sources),
            "marker": name,
            "percent": p.values[name].percent,
            "compartment": row.compartment if row is not None else None,
        }
    return {
        "value": None,
        "rule": r.id,
        "rule_version": r.version,
        "because": [f"{'/'.join(names)} not reported"],
        "sources": list(r.sources),
        "marker": names[0],
        "percent": None,
        "compartment": None,
    }
