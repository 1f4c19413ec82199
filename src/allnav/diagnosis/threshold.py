"""ALL / LBL / MPAL / AUL / not ALL: the A2 decision table with its exceptions (clinical_rules.md A2).

Order: a mature B-cell (Burkitt) phenotype or a myeloid-only phenotype excludes ALL first; then the
marrow blast count decides (>= 20% leukaemia; < 20% with a biopsy-proven lymphoblastic mass
lymphoma; the 25% protocol convention flagged where it changes the answer); without a marrow result
the peripheral-blood route (>= 1,000 circulating lymphoblasts/uL) or the IGH::IL3 exception may
still diagnose; otherwise the diagnosis is indeterminate and the marrow is pending.
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case
from allnav.diagnosis.profile import GeneticProfileLike
from allnav.diagnosis.support import Out
from allnav.immunophenotype import ImmunophenotypeAssessment
from allnav.immunophenotype.panel import fmt
from allnav.knowledge import KnowledgeBase, RuleRef

BLAST = RuleRef("dx.blast_threshold")
PROTOCOL_25 = RuleRef("dx.blast_protocol_25")
LYMPHOMA = RuleRef("dx.lymphoma_presentation")
PB_ROUTE = RuleRef("dx.peripheral_blood_route")
IGH_IL3 = RuleRef("dx.igh_il3_exception")
BURKITT = RuleRef("dx.burkitt_exclusion")
MYELOID = RuleRef("dx.myeloid_only")
MARROW_NEEDED = RuleRef("dx.marrow_required")

THRESHOLD = 20.0
PROTOCOL_THRESHOLD = 25.0
PB_LYMPHOBLASTS_PER_UL = 1000.0
MARROW_TEST = "bone marrow aspirate and biopsy with blast count"

_LEUKAEMIA = {"B": "B-ALL", "T": "T-ALL", "B/myeloid": "MPAL", "T/myeloid": "MPAL", "B/T": "MPAL"}
_LEUKAEMIA["undifferentiated"] = "AUL"
_LYMPHOMA = {"B": "B-LBL", "T": "T-LBL"}


def circulating_lymphoblasts_per_ul(wbc_1e9_per_l: float, blasts_pct: float) -> float:
    """Blood lymphoblasts per uL: WBC (10^9/L = 10^3/uL) x blasts % / 100 x 1000, rounded to 1e-6."""
    return round(wbc_1e9_per_l * blasts_pct * 10.0, 6)


def diagnose(
    case: Case, kb: KnowledgeBase, immuno: ImmunophenotypeAssessment, genetics: GeneticProfileLike, out: Out
) -> dict[str, Any]:
    """The diagnosis conclusion (value one of contracts.md section 4's diagnosis names)."""
    lineage = immuno.lineage["value"]
    lin_line = f"lineage = {lineage} ({immuno.lineage['rule']}, basis {immuno.lineage.get('basis')})"
    excluded = _burkitt(case, kb, immuno, genetics, out)
    if excluded is not None:
        return excluded
    if lineage == "myeloid":
        line = "myeloid lineage only (MPO or monocytic markers, no B or T lineage): not lymphoblastic"
        out.alerts.append(
            kb.conclude(
                MYELOID,
                "myeloid phenotype: not ALL; evaluate as a myeloid neoplasm",
                [lin_line],
                severity="warning",
            )
        )
        return kb.conclude(MYELOID, "not ALL", [lin_line, line], protocol_dependent=False, route="phenotype")
    blasts = case.marrow.blasts_pct
    mass = case.presentation.lymphoblastic_mass
    mass_line = f"presentation.lymphoblastic_mass = {_tv(mass)}"
    if blasts is not None:
        b_line = f"marrow.blasts_pct = {blasts:g}"  # :g as fmt
        if blasts >= THRESHOLD:
            because = [f"{b_line} (>= 20)", mass_line, lin_line]
            extra: dict[str, Any] = {"protocol_dependent": False, "route": "marrow"}
            if mass is True and blasts < PROTOCOL_THRESHOLD:
                lbl = _LYMPHOMA.get(lineage or "", "lymphoblastic lymphoma")
                because.append(
                    f"{b_line} (< 25) with a lymphoblastic mass: {lbl} by the 25% protocol convention"
                )
                extra["protocol_dependent"] = True
                extra["protocol_25"] = kb.conclude(PROTOCOL_25, lbl, [f"{b_line} (< 25)", mass_line])
            return _by_lineage(kb, BLAST, _LEUKAEMIA, lineage, because, extra, out)
        if mass is True:
            because = [f"{b_line} (< 20)", f"{mass_line} (biopsy-proven)", lin_line]
            return _by_lineage(
                kb,
                LYMPHOMA,
                _LYMPHOMA,
                lineage,
                because,
                {"protocol_dependent": False, "route": "lymphoma"},
                out,
            )
        il3 = _igh_il3(kb, lineage, genetics, [f"{b_line} (< 20)", lin_line])
        if il3 is not None:
            return il3
        return _below_threshold(case, kb, b_line, mass_line, lin_line, out)
    return _no_marrow(case, kb, lineage, lin_line, mass_line, genetics, out)


def _tv(v: object) -> str:
    return "unknown" if v is None else ("true" if v is True else "false" if v is False else str(v).lower())


def _by_lineage(
    kb: KnowledgeBase,
    rule: str,
    names: dict[str, str],
    lineage: str | None,
    because: list[str],
    extra: dict[str, Any],
    out: Out,
) -> dict[str, Any]:
    value = names.get(lineage) if lineage is not None else None
    if lineage is None:
        out.need("flow cytometry immunophenotyping (B, T and myeloid panels)", "lineage not assigned")
        because.append("lineage not assigned")
        value = "indeterminate"
    elif value is None:
        because.append(f"no source covers lineage {lineage} presenting as lymphoblastic lymphoma")
        value = "indeterminate"
    r = kb.rules[rule]  # built in kb.conclude's key order (``because`` is the caller's fresh list)
    result = {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
    }
    result.update(extra)
    return result


def _below_threshold(
    case: Case, kb: KnowledgeBase, b_line: str, mass_line: str, lin_line: str, out: Out
) -> dict[str, Any]:
    out.need(f"repeat {MARROW_TEST}", f"{b_line} is below the 20% threshold for ALL")
    out.need("flow cytometry on peripheral blood", "look for circulating lymphoblasts (R-A7)")
    pres = case.presentation
    if (pres.mediastinal_mass or pres.lymphadenopathy) and pres.lymphoblastic_mass is not True:
        out.need(
            "biopsy of the mass or node",
            "a biopsy-proven lymphoblastic mass would make it lymphoblastic lymphoma",
        )
    because = [f"{b_line} (< 20)", f"{mass_line}: no biopsy-proven lymphoblastic mass", lin_line]
    because.append("no IGH::IL3 exception; peripheral-blood route applies only without a marrow result")
    return kb.conclude(BLAST, "not ALL", because, protocol_dependent=False, route="marrow")


def _no_marrow(
    case: Case,
    kb: KnowledgeBase,
    lineage: str | None,
    lin_line: str,
    mass_line: str,
    genetics: GeneticProfileLike,
    out: Out,
) -> dict[str, Any]:
    no_marrow = "marrow.blasts_pct not reported" + (" (dry tap)" if case.marrow.dry_tap else "")
    wbc, pb = case.blood.wbc, case.blood.blasts_pct
    because = [no_marrow]
    if wbc is not None and pb is not None:
        count = circulating_lymphoblasts_per_ul(wbc, pb)
        line = (
            f"blood.wbc = {fmt(wbc)} x10^9/L x blood.blasts_pct = {fmt(pb)}% -> {fmt(count)} lymphoblasts/uL"
        )
        if count >= PB_LYMPHOBLASTS_PER_UL:
            out.need(
                MARROW_TEST,
                "diagnosis made on peripheral blood (R-A7); marrow is the standard work-up (NCCN ALL-1)",
            )
            extra = {
                "protocol_dependent": False,
                "route": "peripheral_blood",
                "circulating_lymphoblasts_per_ul": count,
            }
            return _by_lineage(
                kb, PB_ROUTE, _LEUKAEMIA, lineage, [*because, f"{line} (>= 1000)", lin_line], extra, out
            )
        because.append(f"{line} (< 1000): peripheral-blood route not met")
    else:
        because.append("blood.wbc or blood.blasts_pct not reported: peripheral-blood route not evaluable")
    il3 = _igh_il3(kb, lineage, genetics, [*because, lin_line])
    if il3 is not None:
        return il3
    if case.presentation.lymphoblastic_mass is True:
        because.append(f"{mass_line}: leukaemia vs lymphoma needs the marrow blast count")
    out.need(MARROW_TEST, "no marrow result: the 20% blast threshold cannot be applied")
    return kb.conclude(
        MARROW_NEEDED, "indeterminate", [*because, lin_line], protocol_dependent=False, route="none"
    )


def _igh_il3(
    kb: KnowledgeBase, lineage: str | None, genetics: GeneticProfileLike, because: list[str]
) -> dict[str, Any] | None:
    call = genetics.call("igh_il3")
    if call.present is not True or lineage != "B":
        return None
    lines = [
        *because,
        "IGH::IL3 present: " + "; ".join(call.evidence),
        "B lineage: B-ALL despite a low blast count (R-A8)",
    ]
    return kb.conclude(IGH_IL3, "B-ALL", lines, protocol_dependent=False, route="igh_il3")


def _burkitt(
    case: Case, kb: KnowledgeBase, immuno: ImmunophenotypeAssessment, genetics: GeneticProfileLike, out: Out
) -> dict[str, Any] | None:
    mature = immuno.mature_b["value"]
    lineage = immuno.lineage["value"]
    reasons: list[str] = []
    if mature is True:
        reasons.append("mature B phenotype: " + "; ".join(immuno.mature_b["because"]))
    if case.marrow.fab == "L3":
        reasons.append("marrow.fab = L3 (Burkitt-type morphology)")
    t814, myc_r = genetics.call("t_8_14"), genetics.call("myc_r")
    if (t814.present is True or myc_r.present is True) and (lineage is None or "B" in lineage):
        myc = [c for c in (t814, myc_r) if c.present is True]
        reasons.append("t(8;14)/MYC rearrangement: " + "; ".join(e for c in myc for e in c.evidence))
    if not reasons:
        return None
    if mature is False:
        line = (
            "; ".join(reasons)
            + " but not a mature B phenotype ("
            + "; ".join(immuno.mature_b["because"])
            + ")"
        )
        out.alerts.append(
            kb.conclude(
                BURKITT,
                "Burkitt features without a mature B phenotype: review before treating as ALL",
                [line],
                severity="critical",
            )
        )
        return None
    if mature is None and not any("Burkitt" in p["why"] for p in immuno.pending):
        out.need(
            "surface Ig light chains (kappa/lambda) and TdT", "confirm the mature B-cell (Burkitt) phenotype"
        )
    out.alerts.append(
        kb.conclude(
            BURKITT,
            "mature B-cell / Burkitt features: not ALL; treat as a mature B-cell neoplasm",
            reasons,
            severity="critical",
        )
    )
    return kb.conclude(
        BURKITT,
        "not ALL",
        [*reasons, "R-A9: Burkitt leukaemia is not B-ALL"],
        protocol_dependent=False,
        route="phenotype",
    )
