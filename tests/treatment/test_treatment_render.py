"""The readable rendering of a plan and of the patient view."""

from __future__ import annotations

from tx_helpers import CD19_POS, dx, make_case, resp

from allnav.knowledge import KnowledgeBase
from allnav.treatment import plan_treatment
from allnav.treatment.render import plan_lines


def test_plan_lines_show_phases_options_and_exclusions(kb: KnowledgeBase) -> None:
    plan = plan_treatment(make_case(30, immunophenotype=CD19_POS), kb, dx("T-ALL"), resp("relapse", 400))[
        "treatment_plan"
    ]
    text = "\n".join(plan_lines(plan, detail=True))
    assert "Treatment phase now: relapsed_refractory; next: relapsed_refractory" in text
    assert "nelarabine (Arranon) [guideline_only]" in text
    assert "not suitable:" in text
    assert "blinatumomab (Blincyto): T-lineage disease" in text
    assert "allogeneic HCT: consider_after_remission" in text
