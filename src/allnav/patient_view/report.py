"""What to report right away, fitted to the patient's drugs, counts and stage (seed; clinical_rules H/I)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Filled, built, fill_template, template_parts, text_of
from allnav.patient_view.glossary import _Index
from allnav.patient_view.inputs import ASPARAGINASE, CAR_T, PatientFacts, has_drug
from allnav.patient_view.summary import (
    ALL_TYPES,
    SAMPLES,
    Paragraphs,
    low_fill,
    low_numbers,
    summary_tables,
    worded,
)
from allnav.patient_view.terms import Slotted, add_slotted, add_terms, index_of, slotted, text_terms

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


#: the rule of each item of the content
RULES = {
    "fever": FEVER,
    "bleeding": BLEEDING,
    "anemia": ANEMIA,
    "crs": CRS,
    "neuro": NEURO,
    "infusion": INFUSION,
    "inotuzumab_liver": INO_LIVER,
    "vincristine": VINCRISTINE,
    "cytarabine": CYTARABINE,
    "asparaginase": ASPARAGINASE_R,
    "nelarabine": NELARABINE,
    "cns": CNS,
    "after_treatment": AFTER,
}

#: the drugs of the items about one drug's side effects, in output order
DRUG_ITEMS = (
    ("vincristine", ("vincristine", "oncovin", "marqibo")),
    ("cytarabine", ("cytarabine", "ara-c")),
    ("asparaginase", ASPARAGINASE),
    ("nelarabine", ("nelarabine", "arranon")),
)


class Item(NamedTuple):
    """A report item built once: as output (with ``because`` and ``sources`` None: given, and a new list,
    for each patient), its text for the patient's numbers (and it with the number's place, when the
    number sits alone in it), its citations, and the glossary terms (local) of its text."""

    proto: dict[str, Any]
    low_text: str | None
    slots: Slotted | None
    sources: tuple[str, ...]
    terms: frozenset[int]


#: the count that the text for the patient's numbers of an item shows
_NUMBER_OF = {"fever": "anc", "bleeding": "platelets", "anemia": "hemoglobin"}


class ReportTables(NamedTuple):
    """The report items of a content and knowledge base, and the thresholds that fit them."""

    terms_index: _Index
    items: dict[str, Item]
    hemoglobin_severe_lt: float
    #: the reasons that quote a count and a threshold (the ANC's and the platelets' as ``%`` formats)
    anc_limit: str
    anc_because: str
    platelets_because: str
    hemoglobin_limit: str


def report_tables(c: Content, kb: KnowledgeBase) -> ReportTables:
    """The items that :func:`report_right_away` can give, built once per content and knowledge base."""
    index = index_of(c)
    items = {}
    for key, it in c.report.items():
        r = kb.rule(RULES[key]) if key in RULES else None
        if r is not None:
            slots = None
            name = _NUMBER_OF.get(key)
            if it.low_text and name is not None and _names(it.low_text) <= {name}:
                fill = low_fill(worded({name: SAMPLES[name]}))
                slots = slotted(index, (fill_template(it.low_text, fill),), SAMPLES)
            terms = text_terms(index, it.text)
            proto = {
                "id": key,
                "text": it.text,
                "because": None,
                "sources": None,
                "rule": r.id,
                "rule_version": r.version,
            }
            items[key] = Item(proto, it.low_text, slots, tuple(it.sources), terms)
    severe = c.threshold("hemoglobin_severe_lt")
    anc_limit = f" (< {c.threshold('anc_low_lt'):g} x 10^9/L)"
    sample = worded(SAMPLES)
    return ReportTables(
        index,
        items,
        severe,
        anc_limit,
        _format(f"ANC {text_of(sample['anc'])}{anc_limit}", SAMPLES["anc"]),
        _format(
            f"platelets {text_of(sample['platelets'])} (below the lower limit of normal)",
            SAMPLES["platelets"],
        ),
        f" g/dL (< {severe:g})",
    )


def _names(template: str) -> set[str | None]:
    """The names of a template's placeholders (None for one that is not a plain ``{name}``)."""
    parts = template_parts(template)
    return {None} if parts is None else {name for _, name in parts if name is not None}


def _format(text: str, sample: str) -> str:
    """``text`` as a ``%`` format with ``%s`` in place of ``sample``."""
    return text.replace("%", "%%").replace(sample, "%s")


def _item(to: Paragraphs, it: Item, because: list[str]) -> dict[str, Any]:
    """Add an item of the content; returns it as output."""
    out = it.proto.copy()  # (cheaper than a dict display: the order of the keys is the proto's)
    out["because"] = because
    out["sources"] = list(it.sources)
    to.out.append(out)
    to.sources.append(it.sources)
    to.terms.update(it.terms)
    return out


def _numbered(
    to: Paragraphs,
    t: ReportTables,
    key: str,
    because: list[str],
    number: str | Filled,
    fill: Callable[[], Mapping[str, str | Filled]],
) -> None:
    """Add the item ``key`` with the text for the patient's ``number`` (of :func:`low_numbers`, or of
    :func:`low_counts`); ``fill``: the placeholders of that text, when it is not known once."""
    it = t.items[key]
    out = _item(to, it, because)
    if not it.low_text:
        return
    if it.slots is not None and type(number) is str:
        out["your_numbers"] = add_slotted(t.terms_index, to.terms, it.slots, (number,))
        return
    extra = fill_template(it.low_text, fill())
    if extra.text:
        out["your_numbers"] = extra.text
        add_terms(t.terms_index, to.terms, (extra,), extra.text)


def report_right_away(
    kb: KnowledgeBase, c: Content, facts: PatientFacts, low: Mapping[str, str | Filled] | None = None
) -> Paragraphs:
    """The 'call your team right away' items for this patient, most urgent first (with the glossary terms
    of their texts and their citations; ``low``: the :func:`low_counts`, when already known)."""
    t = built(c, kb, report_tables)
    to = Paragraphs([], set(), [])
    items(t, facts, low_numbers(built(c, kb, summary_tables).limits, facts) if low is None else low, to)
    return to


def items(t: ReportTables, facts: PatientFacts, low: Mapping[str, str | Filled], to: Paragraphs) -> None:
    """Add the report items for this patient to ``to`` (``low``: the :func:`low_numbers`, or the
    :func:`low_counts`)."""
    treating = facts.phase_now in TREATING and facts.diagnosis in ALL_TYPES
    if facts.drugs:
        blin = has_drug(facts, ("blinatumomab", "blincyto"))
        cart = has_drug(facts, CAR_T)
        ino = has_drug(facts, ("inotuzumab", "besponsa"))
    else:  # the usual case at diagnosis: no drug to look for
        blin = cart = ino = False
    anc = low.get("anc")
    if treating or anc is not None or cart or blin:
        because = (
            ["on or starting treatment: chemotherapy lowers the white blood cell count"] if treating else []
        )
        if anc is not None:
            because.append(t.anc_because % anc if type(anc) is str else f"ANC {text_of(anc)}{t.anc_limit}")
        if cart or blin:
            because.append("fever is also a sign of cytokine release syndrome")
        if anc is None:
            _item(to, t.items["fever"], because)
        else:
            _numbered(to, t, "fever", because, anc, lambda: low_fill(worded(low)))
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
        _item(to, t.items["crs"], why)
        _item(to, t.items["neuro"], why)
    platelets = low.get("platelets")
    if treating or platelets is not None:
        because = ["on treatment: chemotherapy lowers platelets"] if treating else []
        if platelets is None:
            _item(to, t.items["bleeding"], because)
        else:
            because.append(
                t.platelets_because % platelets
                if type(platelets) is str
                else f"platelets {text_of(platelets)} (below the lower limit of normal)"
            )
            _numbered(to, t, "bleeding", because, platelets, lambda: low_fill(worded(low)))
    if facts.hemoglobin is not None and facts.hemoglobin.value < t.hemoglobin_severe_lt:
        hb = f"{facts.hemoglobin.value:g}"
        _numbered(to, t, "anemia", [f"hemoglobin {hb}{t.hemoglobin_limit}"], hb, lambda: {"hemoglobin": hb})
    if blin or ino:
        _item(to, t.items["infusion"], [d for d, on in (("blinatumomab", blin), ("inotuzumab", ino)) if on])
    if ino:
        _item(to, t.items["inotuzumab_liver"], ["inotuzumab given or ordered"])
    if (facts.cns_status or "").startswith(("CNS2", "CNS3")) or facts.relapse_site in (
        "isolated CNS",
        "combined",
    ):
        _item(
            to,
            t.items["cns"],
            [f"CNS status {facts.cns_status}" if facts.cns_status else f"relapse site {facts.relapse_site}"],
        )
    if facts.phase_now != "follow_up":
        if facts.drugs:
            for key, names in DRUG_ITEMS:
                if has_drug(facts, names):
                    _item(to, t.items[key], [f"{key} given or ordered"])
    else:
        _item(to, t.items["after_treatment"], ["treatment finished: tell the team about any change"])
