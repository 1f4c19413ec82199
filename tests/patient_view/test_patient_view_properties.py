"""Properties of the patient view over many generated situations."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pv_helpers import make_case, patient, texts

from allnav.knowledge import KnowledgeBase
from allnav.patient_view.content import content

FORBIDDEN = re.compile(r"\bCRi\b|C91|\bANC\b|ICANS|ECOG|10\^9|\bHCT\b|CNS[123]|NCCN|CTCAE|\{|\}")

situations = st.fixed_dictionaries(
    {
        "diagnosis": st.sampled_from(
            ["B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL", "not ALL", "indeterminate"]
        ),
        "ph": st.sampled_from([True, False, None]),
        "cns": st.sampled_from(["CNS1", "CNS2a", "CNS3", None]),
        "response": st.sampled_from(
            [None, "CR", "CRi", "partial", "refractory", "progressive", "relapse", "not evaluable"]
        ),
        "phase": st.sampled_from(
            [None, "induction", "consolidation", "maintenance", "off_therapy", "salvage", "palliative", "x"]
        ),
        "mrd": st.sampled_from(
            [None, "negative", "positive", "negative_insufficient_sensitivity", "not done"]
        ),
        "anc": st.one_of(st.none(), st.floats(min_value=0, max_value=10, allow_nan=False)),
        "drug": st.sampled_from(
            [None, "blinatumomab", "Kymriah", "inotuzumab", "vincristine", "Oncaspar", "nelarabine"]
        ),
    }
)


@settings(max_examples=40, deadline=None)
@given(s=situations)
def test_patient_text_is_plain_cited_and_explained(kb: KnowledgeBase, s: dict[str, Any]) -> None:
    timeline = [{"day": 10, "phase": s["phase"], "blood": {"anc": s["anc"]}}] if s["phase"] else []
    meds = [{"drug": s["drug"], "day": 12}] if s["drug"] else []
    response = {"value": s["response"], "timepoint": 40} if s["response"] else None
    p = patient(
        kb,
        make_case(45, timeline=timeline, medications=meds),
        diagnosis=s["diagnosis"],
        ph=s["ph"],
        cns=s["cns"],
        response=response,
        mrd={"status": s["mrd"], "level": 3e-4 if s["mrd"] == "positive" else None},
    )
    shown = texts(p)
    assert p["summary"]
    assert p["questions"]
    assert not any(FORBIDDEN.search(t) for t in shown)
    assert all(src.startswith(("seed §", "clinical_rules.md")) for src in p["sources"])
    used = {g["term"] for g in p["glossary"]}
    for term in content().glossary:
        pats = [
            re.compile(m) if re.sub(r"\\b|[^A-Za-z]", "", m).isupper() else re.compile(m, re.I)
            for m in term.match
        ]
        if any(pat.search(t) for t in shown for pat in pats):
            assert term.term in used
