"""CNS status (E1) incl. Steinherz-Bleyer, CNS disease, testicular involvement (E2)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from dx_helpers import B_ALL
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from allnav.diagnosis.cns import LP_TEST, steinherz_bleyer_positive

BLOOD = {"wbc": 10, "rbc": 4}


def status(run, csf=None, presentation=None, blood=None, sex="female"):
    sections = {"marrow": {"blasts_pct": 80}, "blood": blood or BLOOD}
    if csf is not None:
        sections["csf"] = csf
    if presentation is not None:
        sections["presentation"] = presentation
    sections["patient"] = {"id": "t", "age_years": 40, "sex": sex}
    return run(B_ALL, **sections)[1]


@pytest.mark.parametrize(
    ("csf", "value", "sub"),
    [
        ({"wbc_per_ul": 200, "rbc_per_ul": 500, "blasts": False}, "CNS1", "CNS1"),
        ({"wbc_per_ul": 4, "rbc_per_ul": 9, "blasts": True}, "CNS2", "CNS2a"),
        ({"wbc_per_ul": 4.9, "rbc_per_ul": 9.9, "blasts": True}, "CNS2", "CNS2a"),
        ({"wbc_per_ul": 4, "rbc_per_ul": 10, "blasts": True}, "CNS2", "CNS2b"),
        ({"wbc_per_ul": 5, "rbc_per_ul": 9, "blasts": True}, "CNS3", "CNS3a"),
        ({"wbc_per_ul": 5, "rbc_per_ul": 0, "blasts": True}, "CNS3", "CNS3a"),
        ({"wbc_per_ul": 12, "rbc_per_ul": 0, "blasts": True}, "CNS3", "CNS3a"),
    ],
)
def test_cns_table(run, csf, value, sub) -> None:
    out = status(run, csf)
    assert out.cns_status["value"] == value
    assert out.cns_status["substatus"] == sub
    assert out.cns_disease["value"] is (value != "CNS1")


def test_because_shows_the_counts(run) -> None:
    out = status(run, {"wbc_per_ul": 4, "rbc_per_ul": 10, "blasts": True})
    assert "csf.wbc_per_ul = 4 (< 5)" in out.cns_status["because"]
    assert "csf.rbc_per_ul = 10 (>= 10)" in out.cns_status["because"]
    assert any("L10" in s for s in out.cns_status["sources"])


# Steinherz-Bleyer: blood WBC 10 x10^9/L = 10,000/uL; RBC 4 x10^12/L = 4,000,000/uL; ratio 1/400 = 0.0025.
# Threshold: CSF WBC/RBC > 2 x 0.0025 = 0.005.
@pytest.mark.parametrize(
    ("csf_wbc", "csf_rbc", "value", "sub"),
    [
        (50, 1000, "CNS3", "CNS3b"),  # 0.05 > 0.005
        (5, 1000, "CNS2", "CNS2c"),  # 0.005 = 0.005: not greater
        (6, 1000, "CNS3", "CNS3b"),  # 0.006 > 0.005
        (5, 10000, "CNS2", "CNS2c"),  # 0.0005
    ],
)
def test_steinherz_bleyer(run, csf_wbc, csf_rbc, value, sub) -> None:
    out = status(run, {"wbc_per_ul": csf_wbc, "rbc_per_ul": csf_rbc, "blasts": True, "traumatic": True})
    assert out.cns_status["rule"] == "cns.steinherz_bleyer"
    assert out.cns_status["value"] == value
    assert out.cns_status["substatus"] == sub


def test_steinherz_bleyer_units_with_si_input(run) -> None:
    # Blood WBC given as 10,000/uL (= 10 x10^9/L); the rule sees the converted value.
    blood = {"wbc": {"value": 10000, "unit": "/uL"}, "rbc": 4}
    out = status(run, {"wbc_per_ul": 6, "rbc_per_ul": 1000, "blasts": True}, blood=blood)
    assert out.cns_status["substatus"] == "CNS3b"
    assert any("blood WBC/RBC = 10 x10^9/L / 4 x10^12/L = 0.0025" in b for b in out.cns_status["because"])


def test_steinherz_bleyer_needs_blood_rbc(run) -> None:
    out = status(run, {"wbc_per_ul": 50, "rbc_per_ul": 1000, "blasts": True}, blood={"wbc": 10})
    assert out.cns_status["value"] is None
    assert out.cns_status["possible"] == ["CNS2c", "CNS3b"]
    assert any(p["test"] == "blood RBC count" for p in out.pending)
    assert out.cns_disease["value"] is None


@given(
    cw=st.integers(5, 5000),
    cr=st.integers(10, 100000),
    bw=st.integers(1, 4000).map(lambda x: x / 10),
    br=st.integers(10, 70).map(lambda x: x / 10),
)
@settings(max_examples=60, deadline=None)
def test_steinherz_bleyer_matches_exact_ratio(cw, cr, bw, br) -> None:
    exact_csf = Fraction(cw, cr)
    exact_blood = Fraction(bw).limit_denominator(10) / (1000 * Fraction(br).limit_denominator(10))
    assume(exact_csf != 2 * exact_blood)
    assert steinherz_bleyer_positive(cw, cr, bw, br) is (exact_csf > 2 * exact_blood)


@pytest.mark.parametrize("field", ["cranial_nerve_palsy", "cns_mass"])
def test_clinical_cns_disease_is_cns3c_whatever_the_csf(run, field) -> None:
    out = status(run, {"wbc_per_ul": 0, "rbc_per_ul": 0, "blasts": False}, presentation={field: True})
    assert out.cns_status["value"] == "CNS3"
    assert out.cns_status["substatus"] == "CNS3c"
    assert any(a["rule"] == "cns.clinical" and a["severity"] == "warning" for a in out.alerts)


def test_no_csf_is_unknown_with_lp_pending(run) -> None:
    out = status(run)
    assert out.cns_status["value"] is None
    assert out.cns_disease["value"] is None
    assert any(p["test"] == LP_TEST for p in out.pending)
    assert "NCCN ALL-3" in LP_TEST


def test_counts_without_cytospin(run) -> None:
    out = status(run, {"wbc_per_ul": 3, "rbc_per_ul": 0})
    assert out.cns_status["value"] is None
    assert any(p["test"] == "CSF cytospin for blasts" for p in out.pending)


def test_traumatic_tap_with_blasts_but_no_counts_names_what_is_missing(run) -> None:
    out = status(run, {"blasts": True, "traumatic": True})
    assert out.cns_status["value"] is None
    tests = {p["test"] for p in out.pending}
    assert {"CSF WBC count (per uL)", "CSF RBC count (per uL)"} <= tests


def test_low_wbc_without_rbc_is_cns2_without_substatus(run) -> None:
    out = status(run, {"wbc_per_ul": 2, "blasts": True})
    assert out.cns_status["value"] == "CNS2"
    assert out.cns_status["substatus"] is None
    assert out.cns_disease["value"] is True


def test_high_wbc_without_rbc_is_open(run) -> None:
    out = status(run, {"wbc_per_ul": 20, "blasts": True})
    assert out.cns_status["value"] is None
    assert out.cns_status["possible"] == ["CNS2c", "CNS3a", "CNS3b"]


@pytest.mark.parametrize(
    ("sex", "involved", "value", "pending"),
    [
        ("male", True, True, False),
        ("male", False, False, False),
        ("male", None, None, True),
        ("female", None, False, False),
        ("unknown", None, None, True),
    ],
)
def test_testicular(run, sex, involved, value, pending) -> None:
    pres = {} if involved is None else {"testicular_involvement": involved}
    out = status(run, {"blasts": False}, presentation=pres, sex=sex)
    assert out.testicular["value"] is value
    assert out.testicular["rule"] == "testis.involvement"
    assert any(p["test"].startswith("testicular examination") for p in out.pending) is pending
