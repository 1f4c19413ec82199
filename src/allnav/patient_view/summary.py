"""The plain-language summary: type of ALL, Ph status, CNS, where treatment is, latest tests, transplant.

Every paragraph that holds no patient value is built once per content and knowledge base (text,
citations, rule and the glossary terms of its text, :class:`SummaryTables`); per patient the rules below
pick them, and only the paragraphs with numbers (MRD level, low counts) are filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple, cast

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import (
    Content,
    Filled,
    Snippet,
    built,
    fill_template,
    prepared,
    template_parts,
    text_of,
)
from allnav.patient_view.glossary import _Index
from allnav.patient_view.inputs import Count, PatientFacts, transplant_relevant
from allnav.patient_view.terms import Slotted, add_slotted, add_terms, index_of, slotted, text_terms

TYPE = RuleRef("pt.summary_type")
PH = RuleRef("pt.summary_ph")
CNS = RuleRef("pt.summary_cns")
PHASE = RuleRef("pt.summary_phase")
RESPONSE = RuleRef("pt.summary_response")
MRD = RuleRef("pt.summary_mrd")
COUNTS = RuleRef("pt.summary_counts")
TRANSPLANT = RuleRef("pt.summary_transplant")

ALL_TYPES = ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL")
_T_TYPES = ("T-ALL", "T-LBL")
COUNT_KEYS: tuple[Literal["anc", "platelets", "hemoglobin"], ...] = ("anc", "platelets", "hemoglobin")


class Para(NamedTuple):
    """A paragraph built once: as output (with ``sources`` None: a new list is made for each patient),
    its text (None when filled per patient), its citations, the glossary terms (local) of its text, and
    its snippets' templates (for filling)."""

    proto: dict[str, Any]
    text: str | None
    sources: tuple[str, ...]
    terms: frozenset[int]
    templates: tuple[str, ...]


class Limits(NamedTuple):
    """The thresholds that decide which counts are low."""

    anc_low_lt: float
    platelets_lln_default: float
    hemoglobin_lln_default_male: float
    hemoglobin_lln_default_female: float


class SummaryTables(NamedTuple):
    """The summary paragraphs of a content and knowledge base, by what picks them."""

    terms_index: _Index
    limits: Limits
    #: by diagnosis key, without and with ETP
    type: dict[str, Para]
    type_etp: dict[str, Para]
    ph: dict[str, Para]
    #: by phase key, then next phase key or None
    phase: dict[str, dict[str | None, Para]]
    next_keys: frozenset[str]
    cns: dict[str, Para]
    #: by response; a relapse by (relapse site or None, late relapse)
    response: dict[str, Para]
    relapse: dict[tuple[str | None, bool], Para]
    relapse_sites: frozenset[str]
    mrd: dict[str, Para]
    #: by the low counts present, in :data:`COUNT_KEYS` order: the paragraph, and its text with the
    #: numbers' places
    counts: dict[tuple[str, ...], tuple[Para, Slotted | None]]
    transplant: dict[str, Para]
    closing_where: Para
    closing_talk: Para


class Paragraphs(NamedTuple):
    """Output being gathered: the dicts, the glossary terms (local) of their texts, and their citations
    in order (each a tuple)."""

    out: list[dict[str, Any]]
    terms: set[int]
    sources: list[tuple[str, ...]]


def _para(
    kb: KnowledgeBase,
    c: Content,
    index: _Index,
    rule: str,
    topic: str,
    snippets: Iterable[Snippet],
    filled: bool = False,
) -> Para:
    """A paragraph joining the snippets with single spaces; ``filled``: their placeholders are filled per
    patient (text None unless none of them has one)."""
    snips = tuple(snippets)
    cites = prepared(c).cites
    r = kb.rule(rule)
    templates = tuple(s.text for s in snips)
    text: str | None = " ".join(templates)
    if filled:
        parts = [template_parts(t) for t in templates]
        constant = all(p is not None and all(name is None for _, name in p) for p in parts)
        text = " ".join([fill_template(t, {}).text for t in templates]) if constant else None
    terms = text_terms(index, text) if text is not None else frozenset()
    proto = {"topic": topic, "text": text, "sources": None, "rule": r.id, "rule_version": r.version}
    return Para(proto, text, tuple(cites[s.seed_lines] for s in snips), terms, templates)


def summary_tables(c: Content, kb: KnowledgeBase) -> SummaryTables:
    """Every paragraph that :func:`summarise` can give, built once per content and knowledge base."""
    s = c.summary
    index = index_of(c)

    def para(rule: str, topic: str, *snippets: Snippet, filled: bool = False) -> Para:
        return _para(kb, c, index, rule, topic, snippets, filled)

    relapse: dict[tuple[str | None, bool], Para] = {}
    if "relapse" in s.response:
        for site in (None, *s.relapse_site):
            for late in (False, True):
                snips = [s.response["relapse"]] + ([s.relapse_site[site]] if site is not None else [])
                relapse[site, late] = para(
                    RESPONSE, "latest_tests", *snips, *([s.late_relapse] if late else [])
                )
    counts: dict[tuple[str, ...], tuple[Para, Slotted | None]] = {}
    for mask in range(1, 1 << len(COUNT_KEYS)):
        keys = tuple(k for n, k in enumerate(COUNT_KEYS) if mask >> n & 1)
        p = para(COUNTS, "blood_counts", *(s.counts[k] for k in keys), filled=True)
        fill = low_fill(worded({k: SAMPLES[k] for k in keys}))
        counts[keys] = (p, slotted(index, tuple([fill_template(t, fill) for t in p.templates]), SAMPLES))
    return SummaryTables(
        index,
        Limits(
            c.threshold("anc_low_lt"),
            c.threshold("platelets_lln_default"),
            c.threshold("hemoglobin_lln_default_male"),
            c.threshold("hemoglobin_lln_default_female"),
        ),
        {dx: para(TYPE, "your_leukemia", snip) for dx, snip in s.type.items()},
        {dx: para(TYPE, "your_leukemia", snip, s.etp) for dx, snip in s.type.items()},
        {key: para(PH, "philadelphia_chromosome", snip) for key, snip in s.ph.items()},
        {
            key: {
                nxt: para(PHASE, "where_you_are", snip, *([s.next[nxt]] if nxt is not None else []))
                for nxt in (None, *s.next)
            }
            for key, snip in s.phase.items()
        },
        frozenset(s.next),
        {key: para(CNS, "brain_and_spinal_cord", snip) for key, snip in s.cns.items()},
        {key: para(RESPONSE, "latest_tests", snip) for key, snip in s.response.items()},
        relapse,
        frozenset(s.relapse_site),
        {key: para(MRD, "leftover_leukemia_cells", snip, filled=True) for key, snip in s.mrd.items()},
        counts,
        {key: para(TRANSPLANT, "stem_cell_transplant", snip) for key, snip in s.transplant.items()},
        para(PHASE, "where_you_are", s.closing),
        para(PHASE, "talking_with_your_team", s.closing),
    )


def _filled(index: _Index, terms: set[int], p: Para, fill: Mapping[str, str | Filled]) -> Para:
    """A paragraph whose snippets' placeholders are filled from ``fill`` (its terms added to ``terms``)."""
    pieces = tuple([fill_template(t, fill) for t in p.templates])
    text = " ".join([f.text for f in pieces])
    add_terms(index, terms, pieces, text)
    return Para({**p.proto, "text": text}, text, p.sources, _NO_TERMS, p.templates)


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


#: a stand-in for each count while the texts with counts are read once (never in the content)
SAMPLES: dict[str, str] = {k: f"\0{k}\0" for k in COUNT_KEYS}


def low_counts(c: Content, facts: PatientFacts) -> dict[str, str | Filled]:
    """The counts that are low (ANC < 1.0; platelets and haemoglobin below the LLN), formatted."""
    limits = Limits(
        c.threshold("anc_low_lt"),
        c.threshold("platelets_lln_default"),
        c.threshold("hemoglobin_lln_default_male"),
        c.threshold("hemoglobin_lln_default_female"),
    )
    return worded(low_numbers(limits, facts))


def worded(numbers: Mapping[str, str | Filled]) -> dict[str, str | Filled]:
    """The counts' numbers as :func:`low_counts` gives them (ANC and platelets with their usual range;
    a count already so is kept)."""
    out: dict[str, str | Filled] = {}
    for key, n in numbers.items():
        if isinstance(n, Filled):
            out[key] = n
        elif key == "anc":
            out[key] = fill_template(ANC_RANGE, {"n": n})
        elif key == "platelets":
            out[key] = fill_template(PLATELETS_RANGE, {"n": n})
        else:
            out[key] = n
    return out


def low_numbers(limits: Limits, facts: PatientFacts) -> dict[str, str]:
    """The numbers of the counts that are low (as :func:`low_counts`, without the usual ranges)."""
    out: dict[str, str] = {}
    anc, platelets, hb = facts.anc, facts.platelets, facts.hemoglobin
    if anc is not None and anc.value < limits.anc_low_lt:
        out["anc"] = f"{anc.value:g}"  # (as _num)
    if platelets is not None:
        lln = platelets.lln if platelets.lln is not None else limits.platelets_lln_default
        if platelets.value < lln:
            out["platelets"] = f"{platelets.value:g}"
    if hb is not None:
        if hb.lln is not None:
            lln = hb.lln
        elif facts.sex == "male":
            lln = limits.hemoglobin_lln_default_male
        else:
            lln = limits.hemoglobin_lln_default_female
        if hb.value < lln:
            out["hemoglobin"] = f"{hb.value:g}"
    return out


def summarise(
    kb: KnowledgeBase, c: Content, facts: PatientFacts, low: Mapping[str, str | Filled] | None = None
) -> Paragraphs:
    """The summary paragraphs, each with its topic, text, seed citations and rule (with the glossary terms
    of their texts and their citations); ``low``: the :func:`low_counts`, when already known."""
    t = built(c, kb, summary_tables)
    to = Paragraphs([], set(), [])
    paragraphs(t, facts, low_numbers(t.limits, facts) if low is None else low, to.out, to.terms, to.sources)
    return to


#: a paragraph chosen for a patient: as :class:`Para` (the filled ones as plain tuples, made faster)
_Chosen = tuple[dict[str, Any], str | None, tuple[str, ...], frozenset[int], tuple[str, ...]]
_NO_TERMS: frozenset[int] = frozenset()


def paragraphs(
    t: SummaryTables,
    facts: PatientFacts,
    low: Mapping[str, str | Filled],
    out: list[dict[str, Any]],
    terms: set[int],
    cited: list[tuple[str, ...]],
) -> None:
    """Add the summary paragraphs for this patient to ``out``, the glossary terms (local) of their texts
    to ``terms`` and their citations to ``cited`` (``low``: the :func:`low_numbers`, or the
    :func:`low_counts`)."""
    for proto, _, sources, known, _ in _chosen(t, facts, low, terms):
        d = proto.copy()  # (cheaper than a dict display: the order of the keys is the proto's)
        d["sources"] = list(sources)
        out.append(d)
        cited.append(sources)
        terms |= known


def _chosen(
    t: SummaryTables, facts: PatientFacts, low: Mapping[str, str | Filled], terms: set[int]
) -> list[_Chosen]:
    """The paragraphs for this patient; the terms of those filled here are added to ``terms``."""
    dx = facts.diagnosis if facts.diagnosis in ALL_TYPES else "not_established"
    chosen: list[_Chosen] = [(t.type_etp if facts.etp and dx in _T_TYPES else t.type)[dx]]
    if dx == "not_established":
        chosen.append(t.closing_where)
        return chosen
    if dx not in _T_TYPES or facts.ph:
        chosen.append(t.ph["positive" if facts.ph else "negative" if facts.ph is False else "unknown"])
    phase = facts.phase_now or "unknown"
    nxt = facts.phase_next if facts.phase_next in t.next_keys and facts.phase_next != phase else None
    chosen.append((t.phase.get(phase) or t.phase["unknown"])[nxt])
    if phase not in ("follow_up", "palliative"):
        treat = (facts.cns_status or "").startswith(("CNS2", "CNS3")) or facts.relapse_site in (
            "isolated CNS",
            "combined",
        )
        chosen.append(t.cns["treatment" if treat else "prophylaxis"])
    response = facts.response
    if response is not None and response in t.response:
        if response == "relapse":
            site = facts.relapse_site if facts.relapse_site in t.relapse_sites else None
            chosen.append(t.relapse[site, bool(facts.late_relapse)])
        else:
            chosen.append(t.response[response])
    if facts.mrd_status in t.mrd and response in ("CR", "CRi", None):
        p = t.mrd[facts.mrd_status]
        if p.text is None:
            p = _filled(t.terms_index, terms, p, {"level": _mrd_words(facts.mrd_level)})
        chosen.append(p)
    if low:
        entry = t.counts.get(tuple(low))  # (in COUNT_KEYS order as low_numbers gives them)
        if entry is None:
            entry = t.counts[tuple([k for k in COUNT_KEYS if k in low])]
        p, slots = entry
        numbers = tuple(map(low.__getitem__, slots.names)) if slots is not None else ()
        if slots is not None and Filled not in map(type, numbers):
            text = add_slotted(t.terms_index, terms, slots, cast("tuple[str, ...]", numbers))
            chosen.append(({**p.proto, "text": text}, text, p.sources, _NO_TERMS, p.templates))
        else:
            chosen.append(_filled(t.terms_index, terms, p, low_fill(worded(low))))
    if facts.transplant in ("favoured", "consider") and transplant_relevant(facts):
        chosen.append(t.transplant["favoured" if facts.transplant == "favoured" else "consider"])
    chosen.append(t.closing_talk)
    return chosen


def low_fill(low: Mapping[str, str | Filled]) -> dict[str, str | Filled]:
    """Placeholders for the count sentences (missing counts filled with an empty string)."""
    return {
        "anc": low.get("anc", ""),
        "platelets": low.get("platelets", ""),
        "hemoglobin": low.get("hemoglobin", ""),
    }
