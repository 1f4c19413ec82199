"""The plain-language summary, glossary coverage, question lists and defensive reading."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pv_helpers import make_case, patient, question_ids, texts

from allnav.knowledge import KnowledgeBase
from allnav.patient_view import summarise_for_patient
from allnav.patient_view.content import content
from allnav.patient_view.summary import mrd_words
from allnav.patient_view.view import term_used

SEED = Path("/work/shared/seed/000_cd6fd24591403804.txt")
INDUCTION = [{"day": 10, "phase": "induction"}]
CR = {"value": "CR", "timepoint": 29}

#: Jargon that must be explained whenever it appears in patient text.
JARGON = [
    r"\bALL\b",
    r"\bMRD\b",
    r"\bCSF\b",
    r"\bTKIs?\b",
    r"\bCRS\b",
    r"blast",
    r"remission",
    r"relapse",
    r"refractory",
    r"Philadelphia",
    r"BCR-ABL",
    r"chromosome",
    r"lymphocyte",
    r"neutrophil",
    r"platelet",
    r"hemoglobin",
    r"marrow",
    r"transplant",
    r"intrathecal",
    r"induction",
    r"consolidation",
    r"maintenance",
    r"immunotherapy",
    r"CAR T",
    r"clinical trial",
    r"palliative",
    r"prognosis",
    r"\bETP\b",
    r"lymphoma",
    r"cytokine",
]
#: Clinician shorthand that must never reach the patient.
FORBIDDEN = [
    r"\bCRi\b",
    r"C91",
    r"\bANC\b",
    r"ICANS",
    r"ECOG",
    r"10\^9",
    r"\bHCT\b",
    r"alloHCT",
    r"CNS[123]",
    r"\bMPAL\b",
    r"\bNCCN\b",
    r"\bCTCAE\b",
    r"\bDLI\b",
]

SCENARIOS: list[dict[str, Any]] = [
    {"ph": True, "response": CR, "mrd": {"status": "positive", "level": 5e-4}},
    {"diagnosis": "T-ALL", "etp": True, "cns": "CNS3"},
    {"diagnosis": "T-LBL"},
    {"diagnosis": "MPAL", "response": {"value": "CRi", "timepoint": 30}},
    {"diagnosis": "AUL"},
    {
        "response": {
            "value": "relapse",
            "timepoint": 1500,
            "relapse_site": "isolated CNS",
            "late_relapse": True,
        }
    },
    {"response": {"value": "refractory", "timepoint": 35}, "ph": None},
    {"diagnosis": "not ALL"},
    {"response": CR, "mrd": {"status": "negative_insufficient_sensitivity"}},
]


@pytest.mark.parametrize("kw", SCENARIOS)
def test_jargon_is_explained_and_shorthand_absent(kb: KnowledgeBase, kw: dict[str, Any]) -> None:
    case = make_case(
        40,
        timeline=[{"day": 10, "phase": "induction", "blood": {"anc": 0.3, "platelets": 20, "hemoglobin": 7}}],
        medications=[{"drug": "blinatumomab", "day": 12}],
    )
    p = patient(kb, case, **kw)
    shown = texts(p)
    terms = [t for t in content().glossary if t.term in {g["term"] for g in p["glossary"]}]
    for jargon in JARGON:
        pat = re.compile(jargon) if jargon.strip("\\b").isupper() else re.compile(jargon, re.IGNORECASE)
        if any(pat.search(t) for t in shown):
            assert any(
                any(pat.search(x) for x in (*tm.match, tm.term)) or term_used(tm, [pat.pattern])
                for tm in terms
            ), jargon
    for bad in FORBIDDEN:
        assert not any(re.search(bad, t) for t in shown), bad


def _fk_grade(text: str) -> float:
    sentences = max(1, len(re.findall(r"[.!?](\s|$)", text)))
    words = re.findall(r"[A-Za-z']+", text)

    def syllables(w: str) -> int:
        n = len(re.findall(r"[aeiouy]+", w.lower()))
        return max(1, n - (1 if w.lower().endswith("e") and n > 1 else 0))

    return 0.39 * len(words) / sentences + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


@pytest.mark.parametrize("kw", SCENARIOS)
def test_summary_reads_at_about_grade_8(kb: KnowledgeBase, kw: dict[str, Any]) -> None:
    p = patient(kb, make_case(40, timeline=INDUCTION), **kw)
    grade = _fk_grade(" ".join(s["text"] for s in p["summary"]))
    assert grade <= 10.0


def test_summary_content_for_ph_positive_in_remission_with_mrd(kb: KnowledgeBase) -> None:
    p = patient(
        kb,
        make_case(40, timeline=[{"day": 29, "phase": "induction"}]),
        ph=True,
        response=CR,
        mrd={"status": "positive", "level": 5e-4},
    )
    topics = {s["topic"]: s["text"] for s in p["summary"]}
    assert "Philadelphia chromosome" in topics["philadelphia_chromosome"]
    assert "TKI" in topics["philadelphia_chromosome"]
    assert "first phase of treatment, called induction" in topics["where_you_are"]
    assert "next step is consolidation" in topics["where_you_are"]
    assert "about 5 in 10,000 cells" in topics["leftover_leukemia_cells"]
    assert "stem_cell_transplant" in topics  # MRD persistence -> transplant favoured
    assert "q_transplant" in question_ids(p)
    assert all(src.startswith("seed §") for s in p["summary"] for src in s["sources"])


def test_t_all_etp_and_relapse_site_sentences(kb: KnowledgeBase) -> None:
    t = patient(kb, make_case(30, timeline=INDUCTION), diagnosis="T-ALL", etp=True)
    topics = {s["topic"]: s["text"] for s in t["summary"]}
    assert "early T-cell precursor" in topics["your_leukemia"]
    assert "philadelphia_chromosome" not in topics
    r = patient(
        kb,
        make_case(30),
        response={
            "value": "relapse",
            "timepoint": 1500,
            "relapse_site": "isolated CNS",
            "late_relapse": True,
        },
    )
    latest = next(s["text"] for s in r["summary"] if s["topic"] == "latest_tests")
    assert "come back only in the fluid around the brain" in latest
    assert "more than 3 years" in latest
    assert next(s for s in r["summary"] if s["topic"] == "brain_and_spinal_cord")["text"].startswith(
        "Leukemia cells were found"
    )


@pytest.mark.parametrize(
    ("level", "words"),
    [(5e-4, "about 5 in 10,000"), (1e-4, "about 1 in 10,000"), (9e-5, "about 90 in 1,000,000"), (None, "")],
)
def test_mrd_in_words(level: float | None, words: str) -> None:
    assert words in mrd_words(level)


@pytest.mark.parametrize(
    ("timeline", "kw", "stage", "present", "absent"),
    [
        ([], {"diagnosis": "not ALL"}, "suspected", {"q_suspect_why", "q_suspect_chance"}, {"q_working"}),
        ([], {}, "diagnosis", {"q_what_is_all", "q_how_soon", "q_trial"}, {"q_working", "q_suspect_why"}),
        (INDUCTION, {}, "during", {"q_working", "q_report", "q_eat"}, {"q_how_soon", "q_comes_back"}),
        (
            [{"day": 900, "phase": "off_therapy"}],
            {"response": CR},
            "after",
            {"q_followup", "q_comes_back"},
            {"q_eat", "q_working"},
        ),
        (
            [],
            {"response": {"value": "relapse", "timepoint": 400}},
            "relapse",
            {"q_choices", "q_trial", "q_goal"},
            {"q_how_soon"},
        ),
        (
            [{"day": 500, "phase": "palliative"}],
            {"response": {"value": "relapse", "timepoint": 400}},
            "palliative",
            {"q_goal", "q_reach"},
            {"q_eat"},
        ),
    ],
)
def test_questions_fit_the_stage(
    kb: KnowledgeBase,
    timeline: list[dict[str, Any]],
    kw: dict[str, Any],
    stage: str,
    present: set[str],
    absent: set[str],
) -> None:
    p = patient(kb, make_case(40, timeline=timeline), **kw)
    assert p["stage"]["value"] == stage
    ids = set(question_ids(p))
    assert present <= ids
    assert not ids & absent


def test_conditional_questions(kb: KnowledgeBase) -> None:
    no_pending = patient(
        kb,
        make_case(40, timeline=[{"day": 60, "phase": "consolidation"}]),
        response=CR,
        mrd={"status": "negative", "level": 1e-5},
    )
    assert "q_transplant" not in question_ids(no_pending)
    favoured = patient(
        kb,
        make_case(40, timeline=[{"day": 60, "phase": "consolidation"}]),
        risk="poor",
        response=CR,
        mrd={"status": "negative", "level": 1e-5},
    )
    assert "q_transplant" in question_ids(favoured)
    diag_pending = patient(kb, make_case(40), ph=None)
    assert "q_more_tests" in question_ids(diag_pending)


@pytest.mark.skipif(not SEED.exists(), reason="seed guide not available")
def test_questions_are_the_seeds_words_at_the_cited_line() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for q in content().questions:
        seed_text = lines[q.line - 1].strip().replace("??", "?")
        assert q.text == seed_text, (q.id, q.line, seed_text)


def test_content_citations_in_range() -> None:
    c = content()
    nums = [int(n) for t in c.glossary for n in re.findall(r"\d+", t.seed_lines)]
    nums += [int(n) for r in c.report.values() for n in re.findall(r"\d+", r.seed_lines)]
    assert nums
    assert all(1 <= n <= 730 for n in nums)
    assert c.cite("669, 544") == "seed §Plain-language summary, lines 669, 544"
    assert c.cite("174") == "seed §Signs and symptoms, line 174"


@pytest.mark.parametrize(
    "assessment",
    [
        {},
        {
            "diagnosis": "B-ALL",
            "treatment_plan": "not a dict",
            "response": "CR",
            "mrd": None,
            "pending": None,
        },
        {
            "diagnosis": {"value": "T-ALL"},
            "treatment_plan": {"phase_now": "maintenance", "transplant": None},
            "response": {"value": "CR"},
            "mrd": {"status": "negative", "level": "n/a"},
        },
    ],
)
def test_reads_partial_assessments(kb: KnowledgeBase, assessment: dict[str, Any]) -> None:
    p = summarise_for_patient(make_case(40), kb, assessment)["patient"]
    assert p["summary"]
    assert p["questions"]
    assert p["sources"]


def test_glossary_lists_only_terms_used(kb: KnowledgeBase) -> None:
    p = patient(kb, make_case(40), diagnosis="not ALL")
    terms = {g["term"] for g in p["glossary"]}
    assert "Philadelphia chromosome (Ph+)" not in terms
    assert "cytokine release syndrome (CRS)" not in terms
    assert all(g["explanation"] and g["source"].startswith("seed §") for g in p["glossary"])
