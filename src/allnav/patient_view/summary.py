"""The plain-language summary: type of ALL, Ph status, CNS, where treatment is, latest tests, transplant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Filled, Snippet, fill_template, prepared, text_of
from allnav.patient_view.inputs import Count, PatientFacts, transplant_relevant

TYPE = RuleRef("pt.summary_type")
PH = RuleRef("pt.summary_ph")
CNS = RuleRef("pt.summary_cns")
PHASE = RuleRef("pt.summary_phase")
RESPONSE = RuleRef("pt.summary_response")
MRD = RuleRef("pt.summary_mrd")
COUNTS = RuleRef("pt.summary_counts")
TRANSPLANT = RuleRef("pt.summary_transplant")

ALL_TYPES = ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL")


class Paragraphs(NamedTuple):
    """The summary paragraphs as output, and for each the pieces that its text joins with single spaces."""

    out: list[dict[str, Any]]
    pieces: list[tuple[str | Filled, ...]]


def _one(
    kb: KnowledgeBase, cites: Mapping[str, str], rule: str, topic: str, snippet: Snippet, to: Paragraphs
) -> None:
    """Add a paragraph of one snippet without placeholders; ``cites``: the content's citations by seed
    line list."""
    r = kb.rule(rule)
    text = snippet.text
    to.out.append(
        {
            "topic": topic,
            "text": text,
            "sources": [cites[snippet.seed_lines]],
            "rule": r.id,
            "rule_version": r.version,
        }
    )
    to.pieces.append((text,))


def _para(
    kb: KnowledgeBase,
    cites: Mapping[str, str],
    rule: str,
    topic: str,
    snippets: list[Snippet],
    to: Paragraphs,
    fill: Mapping[str, str | Filled] | None = None,
) -> None:
    """Add a paragraph joining the snippets (their placeholders filled from ``fill``)."""
    pieces: tuple[str | Filled, ...]
    if fill is None:
        texts = [s.text for s in snippets]
        pieces, text = tuple(texts), " ".join(texts)
    else:
        filled = tuple([fill_template(s.text, fill) for s in snippets])
        pieces, text = filled, " ".join([f.text for f in filled])
    r = kb.rule(rule)
    sources = [cites[s.seed_lines] for s in snippets]
    to.out.append({"topic": topic, "text": text, "sources": sources, "rule": r.id, "rule_version": r.version})
    to.pieces.append(pieces)


#: the wording around a number filled into the content (kept apart so the glossary knows the number's place)
MRD_PER_10_000 = ": about {n} in 10,000 cells"
MRD_PER_MILLION = ": about {n} in 1,000,000 cells"
ANC_RANGE = "{n} (usual range about 1.8 to 7.7)"
PLATELETS_RANGE = "{n} (usual range about 150 to 450)"


def mrd_words(level: float | None) -> str:
    """An MRD fraction in words: 'about 2 in 10,000 cells' (or per million below 1 in 10,000)."""
    return text_of(_mrd_words(level))


def _mrd_words(level: float | None) -> str | Filled:
    if level is None:
        return ""
    if level * 1e4 >= 1:
        return fill_template(MRD_PER_10_000, {"n": f"{level * 1e4:.2g}"})
    return fill_template(MRD_PER_MILLION, {"n": f"{level * 1e6:.2g}"})


def _num(x: float) -> str:
    return f"{x:g}"


def hb_lln(c: Content, facts: PatientFacts, count: Count) -> float:
    """The haemoglobin lower limit: the lab's, else the H1 default for the sex (female value if unknown)."""
    if count.lln is not None:
        return count.lln
    key = "hemoglobin_lln_default_male" if facts.sex == "male" else "hemoglobin_lln_default_female"
    return c.threshold(key)


def low_counts(c: Content, facts: PatientFacts) -> dict[str, str | Filled]:
    """The counts that are low (ANC < 1.0; platelets and haemoglobin below the LLN), formatted."""
    out: dict[str, str | Filled] = {}
    if facts.anc is not None and facts.anc.value < c.threshold("anc_low_lt"):
        out["anc"] = fill_template(ANC_RANGE, {"n": _num(facts.anc.value)})
    if facts.platelets is not None:
        lln = facts.platelets.lln if facts.platelets.lln is not None else c.threshold("platelets_lln_default")
        if facts.platelets.value < lln:
            out["platelets"] = fill_template(PLATELETS_RANGE, {"n": _num(facts.platelets.value)})
    if facts.hemoglobin is not None and facts.hemoglobin.value < hb_lln(c, facts, facts.hemoglobin):
        out["hemoglobin"] = _num(facts.hemoglobin.value)
    return out


def summarise(
    kb: KnowledgeBase, c: Content, facts: PatientFacts, low: dict[str, str | Filled] | None = None
) -> Paragraphs:
    """The summary paragraphs, each with its topic, text, seed citations and rule (and its text's pieces);
    ``low``: the :func:`low_counts`, when already known."""
    s = c.summary
    cites = prepared(c).cites
    to = Paragraphs([], [])
    dx = facts.diagnosis if facts.diagnosis in ALL_TYPES else "not_established"
    if facts.etp and dx in ("T-ALL", "T-LBL"):
        _para(kb, cites, TYPE, "your_leukemia", [s.type[dx], s.etp], to)
    else:
        _one(kb, cites, TYPE, "your_leukemia", s.type[dx], to)
    if dx == "not_established":
        _one(kb, cites, PHASE, "where_you_are", s.closing, to)
        return to
    if dx not in ("T-ALL", "T-LBL") or facts.ph:
        ph_key: Literal["positive", "negative", "unknown"] = (
            "positive" if facts.ph else "negative" if facts.ph is False else "unknown"
        )
        _one(kb, cites, PH, "philadelphia_chromosome", s.ph[ph_key], to)
    phase = facts.phase_now or "unknown"
    phase_snip = s.phase.get(phase, s.phase["unknown"])
    if facts.phase_next in s.next and facts.phase_next != phase:
        _para(kb, cites, PHASE, "where_you_are", [phase_snip, s.next[facts.phase_next]], to)
    else:
        _one(kb, cites, PHASE, "where_you_are", phase_snip, to)
    if phase not in ("follow_up", "palliative"):
        treat = (facts.cns_status or "").startswith(("CNS2", "CNS3")) or facts.relapse_site in (
            "isolated CNS",
            "combined",
        )
        _one(kb, cites, CNS, "brain_and_spinal_cord", s.cns["treatment" if treat else "prophylaxis"], to)
    if facts.response in s.response:
        test_snips = [s.response[facts.response]]
        if facts.response == "relapse":
            if facts.relapse_site in s.relapse_site:
                test_snips.append(s.relapse_site[facts.relapse_site])
            if facts.late_relapse:
                test_snips.append(s.late_relapse)
        _para(kb, cites, RESPONSE, "latest_tests", test_snips, to)
    if facts.mrd_status in s.mrd and facts.response in ("CR", "CRi", None):
        level = {"level": _mrd_words(facts.mrd_level)}
        _para(kb, cites, MRD, "leftover_leukemia_cells", [s.mrd[facts.mrd_status]], to, level)
    if low is None:
        low = low_counts(c, facts)
    if low:
        keys: tuple[Literal["anc", "platelets", "hemoglobin"], ...] = ("anc", "platelets", "hemoglobin")
        snips = [s.counts[k] for k in keys if k in low]
        _para(kb, cites, COUNTS, "blood_counts", snips, to, low_fill(low))
    if transplant_relevant(facts) and facts.transplant in ("favoured", "consider"):
        t_key: Literal["favoured", "consider"] = "favoured" if facts.transplant == "favoured" else "consider"
        _one(kb, cites, TRANSPLANT, "stem_cell_transplant", s.transplant[t_key], to)
    _one(kb, cites, PHASE, "talking_with_your_team", s.closing, to)
    return to


def low_fill(low: dict[str, str | Filled]) -> dict[str, str | Filled]:
    """Placeholders for the count sentences (missing counts filled with an empty string)."""
    return {
        "anc": low.get("anc", ""),
        "platelets": low.get("platelets", ""),
        "hemoglobin": low.get("hemoglobin", ""),
    }
