"""Properties of the response engine over random timelines."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.case.model import Case
from allnav.errors import CaseValidationError
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response
from allnav.response.findings import REPORTED_STATUS

DIAG = {"diagnosis": "B-ALL", "cns_status": {"value": "CNS1"}, "ph_positive": False}

blasts = st.one_of(st.none(), st.sampled_from([0.0, 4.9, 5.0, 5.1, 25.0, 60.0]), st.floats(0, 100))
entry = st.fixed_dictionaries(
    {},
    optional={
        "marrow": st.fixed_dictionaries(
            {"blasts_pct": st.floats(0, 100)}, optional={"trilineage_hematopoiesis": st.booleans()}
        ),
        "blood": st.fixed_dictionaries(
            {}, optional={"blasts_pct": blasts, "anc": st.floats(0, 5), "platelets": st.floats(0, 300)}
        ),
        "csf": st.fixed_dictionaries({"wbc_per_ul": st.integers(0, 20), "blasts": st.booleans()}),
        "extramedullary_disease": st.booleans(),
        "reported_status": st.sampled_from(sorted(REPORTED_STATUS)),
        "phase": st.sampled_from(["induction", "consolidation", "maintenance"]),
    },
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 2000), entry), max_size=8))
def test_relapse_only_after_remission(kb: KnowledgeBase, items: list[tuple[int, dict[str, Any]]]) -> None:
    timeline = [{"day": d, **e} for d, e in items]
    c = Case.model_validate({"patient": {"id": "p"}, "marrow": {"blasts_pct": 80}, "timeline": timeline})
    try:
        out = assess_response(c, kb, DIAG)
    except CaseValidationError as exc:  # only a reported relapse with no remission before it is refused
        message = exc.message
        out = None
    if out is None:
        assert "relapse" in message
        return
    seen_remission = False
    for h in out["history"]:
        if h["value"] == "relapse":
            assert seen_remission
        seen_remission = seen_remission or h["value"] in ("CR", "CRi")
    codes = {"C91.00", "C91.01", "C91.02"}
    assert out["icd10cm_status"]["value"] in codes
    if out["response"]["value"] == "relapse":
        assert out["icd10cm_status"]["value"] == "C91.02"
        sites = ("marrow", "isolated CNS", "isolated extramedullary", "combined")
        assert out["response"]["relapse_site"] in sites or out["response"]["reported"]
