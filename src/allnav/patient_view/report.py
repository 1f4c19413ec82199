"""What to report right away, fitted to the patient's drugs, counts and stage (seed; clinical_rules H/I)."""

from __future__ import annotations

from typing import Any, NamedTuple

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Filled, ReportItem, fill_template, text_of
from allnav.patient_view.inputs import ASPARAGINASE, CAR_T, PatientFacts, has_drug
from allnav.patient_view.summary import low_counts, low_fill

FEVER = RuleRef("pt.report_fever")
BLEEDING = RuleRef("pt.report_bleeding")
ANEMIA = RuleRef("pt.report_anemia")
CRS = RuleRef("pt.report_crs")
NEURO = RuleRef("pt.report_neuro")
INFUSION = RuleRef("pt.report_infusion")
INO_LIVER = RuleRef("pt.report_inotuzumab_liver")
VINCRISTINE = RuleRef("pt.report_vincristine")
CYTARABINE = RuleRef("pt.report_cytarabine")
ASPARAGINASE_R = RuleRef("pt.report_asparaginase")
NELARABINE = RuleRef("pt.report_nelarabine")
CNS = RuleRef("pt.report_cns")
AFTER = RuleRef("pt.report_after_treatment")

TREATING = (
    "diagnosis",
    "induction",
    "consolidation",
    "maintenance",
    "transplant",
    "relapsed_refractory",
    "palliative",
    "unknown",
    None,
)


class Items(NamedTuple):
    """The report-right-away items as output, and for each its filled ``your_numbers`` text (the empty
    string when it has none)."""

    out: list[dict[str, Any]]
    numbers: list[tuple[str | Filled]]


_NO_NUMBERS = ("",)


def _item(
    to: Items,
    kb: KnowledgeBase,
    c: Content,
    rule: str,
    key: str,
    because: list[str],
    extra: Filled | None = None,
) -> None:
    """Add the item ``key`` of the content."""
    it: ReportItem = c.report[key]
    r = kb.rule(rule)
    out: dict[str, Any] = {
        "id": key,
        "text": it.text,
        "because": because,
        "sources": list(it.sources),
        "rule": r.id,
        "rule_version": r.version,
    }
    to.out.append(out)
    if extra is not None and extra.text:
        out["your_numbers"] = extra.text
        to.numbers.append((extra,))
    else:
        to.numbers.append(_NO_NUMBERS)


def report_right_away(
    kb: KnowledgeBase, c: Content, facts: PatientFacts, low: dict[str, str | Filled] | None = None
) -> Items:
    """The 'call your team right away' items for this patient, most urgent first (``low``: the
    :func:`low_counts`, when already known)."""
    items = Items([], [])
    if low is None:
        low = low_counts(c, facts)
    fill = low_fill(low)
    treating = facts.phase_now in TREATING and facts.diagnosis in (
        "B-ALL",
        "T-ALL",
        "B-LBL",
        "T-LBL",
        "MPAL",
        "AUL",
    )
    blin = has_drug(facts, ("blinatumomab", "blincyto"))
    cart = has_drug(facts, CAR_T)
    ino = has_drug(facts, ("inotuzumab", "besponsa"))
    if treating or "anc" in low or cart or blin:
        because = (
            ["on or starting treatment: chemotherapy lowers the white blood cell count"] if treating else []
        )
        if "anc" in low:
            because.append(f"ANC {text_of(low['anc'])} (< {c.threshold('anc_low_lt'):g} x 10^9/L)")
        if cart or blin:
            because.append("fever is also a sign of cytokine release syndrome")
        low_text = c.report["fever"].low_text
        _item(
            items,
            kb,
            c,
            FEVER,
            "fever",
            because,
            fill_template(low_text, fill) if "anc" in low and low_text else None,
        )
    if cart or blin or facts.crs_icans_recorded:
        why = [
            w
            for w, on in (
                ("blinatumomab given or ordered", blin),
                ("CAR T-cell therapy given or ordered", cart),
                ("CRS/ICANS observations recorded", facts.crs_icans_recorded),
            )
            if on
        ]
        _item(items, kb, c, CRS, "crs", why)
        _item(items, kb, c, NEURO, "neuro", why)
    if treating or "platelets" in low:
        because = ["on treatment: chemotherapy lowers platelets"] if treating else []
        if "platelets" in low:
            because.append(f"platelets {text_of(low['platelets'])} (below the lower limit of normal)")
        low_text = c.report["bleeding"].low_text
        _item(
            items,
            kb,
            c,
            BLEEDING,
            "bleeding",
            because,
            fill_template(low_text, fill) if "platelets" in low and low_text else None,
        )
    if facts.hemoglobin is not None and facts.hemoglobin.value < c.threshold("hemoglobin_severe_lt"):
        low_text = c.report["anemia"].low_text
        hb = f"{facts.hemoglobin.value:g}"
        _item(
            items,
            kb,
            c,
            ANEMIA,
            "anemia",
            [f"hemoglobin {hb} g/dL (< {c.threshold('hemoglobin_severe_lt'):g})"],
            fill_template(low_text, {"hemoglobin": hb}) if low_text else None,
        )
    if blin or ino:
        _item(
            items,
            kb,
            c,
            INFUSION,
            "infusion",
            [d for d, on in (("blinatumomab", blin), ("inotuzumab", ino)) if on],
        )
    if ino:
        _item(items, kb, c, INO_LIVER, "inotuzumab_liver", ["inotuzumab given or ordered"])
    if (facts.cns_status or "").startswith(("CNS2", "CNS3")) or facts.relapse_site in (
        "isolated CNS",
        "combined",
    ):
        _item(
            items,
            kb,
            c,
            CNS,
            "cns",
            [f"CNS status {facts.cns_status}" if facts.cns_status else f"relapse site {facts.relapse_site}"],
        )
    if facts.phase_now != "follow_up":
        for rule, key, names in (
            (VINCRISTINE, "vincristine", ("vincristine", "oncovin", "marqibo")),
            (CYTARABINE, "cytarabine", ("cytarabine", "ara-c")),
            (ASPARAGINASE_R, "asparaginase", ASPARAGINASE),
            (NELARABINE, "nelarabine", ("nelarabine", "arranon")),
        ):
            if has_drug(facts, names):
                _item(items, kb, c, rule, key, [f"{key} given or ordered"])
    if facts.phase_now == "follow_up":
        _item(items, kb, c, AFTER, "after_treatment", ["treatment finished: tell the team about any change"])
    return items
