"""Evidence items: what one finding or one karyotype feature says about one lesion.

Each item records the lesion, the result it supports (``True`` detected, ``False`` not detected,
``None`` indeterminate), the weight of the method (molecular tests outrank the karyotype) and the
input it came from (the karyotype span, or the finding with its index and method).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from allnav.case.model import GeneticFinding
from allnav.genetics.catalog import LesionDef
from allnav.genetics.findings import ParsedFinding, normalise_finding

#: Method weight: sequencing and PCR 3, FISH / MLPA / arrays / classifiers 2, karyotype and surrogates 1.
_RANKS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("ngs", "seq", "rna", "wgs", "wes", "panel", "exome", "genome", "pcr"), 3),
    (("fish", "mlpa", "array", "snp", "cgh", "cma", "ogm", "optical", "allsorts", "gex", "expression"), 2),
    (("karyotype", "g-band", "banding", "cytogenetic", "flow"), 1),
)


def method_rank(method: str | None) -> int:
    """Weight of a test method; an unnamed method counts as a targeted molecular test (2)."""
    if not method:
        return 2
    low = method.lower()
    for words, rank in _RANKS:
        if any(w in low for w in words):
            return rank
    return 2


@dataclass(frozen=True)
class Evidence:
    """One input's statement about one lesion."""

    lesion: str
    result: bool | None
    rank: int
    text: str
    input: Mapping[str, Any] = field(default_factory=dict)
    gene: str | None = None
    karyotype: bool = False


_RESULT: dict[str, bool | None] = {"detected": True, "not_detected": False, "indeterminate": None}


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a.upper(), b.upper()))


def match_finding(pf: ParsedFinding, d: LesionDef) -> tuple[bool, str | None, bool]:
    """Whether a parsed finding speaks to lesion ``d``: (matches, gene, inverts the stated result)."""
    genes = pf.genes
    alt = pf.alteration or ""
    if pf.kind == "fusion" and len(genes) == 2:
        pair = _pair(*genes)
        if any(pair == _pair(*x) for x in d.exclude_pairs):
            return False, None, False
        if any(pair == _pair(*x) for x in d.fusion_pairs):
            return True, None, False
        hit = next((g for g in genes if g in d.partner_genes), None)
        return hit is not None, hit, False
    if pf.kind == "subtype":
        return pf.subtype in d.subtypes, None, False
    if pf.kind == "iscn":
        chroms = frozenset(pf.chromosomes)
        if pf.alteration == "t" and any(chroms == frozenset(t) for t in d.translocations):
            return True, None, False
        return any(b.startswith(p) for b in pf.bands for p in d.bands), None, False
    if not genes:
        return False, None, False
    gene = genes[0]
    if alt == "rearrangement":
        return gene in d.partner_genes, gene, False
    if alt == "wild_type":
        return gene in d.mutated_genes, gene, True
    if alt.startswith(("p.", "c.")) or alt == "mutation":
        if any(gene == g and alt == v for g, v in d.variants):
            return True, gene, False
        return gene in d.mutated_genes, gene, False
    if alt == "deletion":
        hit = next((g for g in genes if g in d.deleted_genes), None)
        return hit is not None, hit, False
    if alt == "amplification":
        return gene in d.amplified_genes, gene, False
    if alt == "overexpression":
        return (gene == "CRLF2" and "CRLF2" in d.partner_genes), gene, False
    return False, None, False


def finding_evidence(
    findings: Sequence[GeneticFinding], lesions: Sequence[LesionDef], field_name: str = "genetics"
) -> tuple[list[Evidence], list[int]]:
    """Evidence from the case's genetics findings, and the indices of findings no lesion took."""
    out: list[Evidence] = []
    unmatched: list[int] = []
    for i, f in enumerate(findings):
        pf = normalise_finding(f)
        took = False
        for d in lesions:
            ok, gene, inverts = match_finding(pf, d)
            if not ok:
                continue
            took = True
            result = _RESULT[f.result]
            if inverts and result is not None:
                result = not result
            rank = 1 if pf.alteration == "overexpression" else method_rank(f.method)
            word = {True: "detected", False: "not detected", None: "indeterminate"}[result]
            method = f" by {f.method}" if f.method else ""
            surrogate = " (flow surrogate)" if pf.alteration == "overexpression" else ""
            inp: dict[str, Any] = {"field": f"{field_name}[{i}]", "finding": f.finding, "method": f.method}
            if f.transcript:
                inp["transcript"] = f.transcript
            if f.copies is not None:
                inp["copies"] = f.copies
            out.append(Evidence(d.id, result, rank, f"{f.finding} {word}{method}{surrogate}", inp, gene))
        if not took and pf.kind != "copy_number":
            unmatched.append(i)
    return out, unmatched


def _span_inputs(features: Mapping[str, Any], flag: str) -> list[dict[str, Any]]:
    spans = (features.get("recurrent_evidence") or {}).get(flag) or []
    items = [{"field": "karyotype", "span": list(s.get("span", [])), "text": s.get("text")} for s in spans]
    return items or [{"field": "karyotype", "text": features.get("input"), "flag": flag}]


def _abnormalities(features: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for clone in features.get("clones") or []:
        yield from clone.get("abnormalities") or []


def karyotype_evidence(features: Mapping[str, Any], d: LesionDef) -> tuple[list[Evidence], list[str]]:
    """Evidence from a valid karyotype's features; notes for negatives that do not exclude a lesion."""
    out: list[Evidence] = []
    notes: list[str] = []
    recurrent: Mapping[str, Any] = features.get("recurrent") or {}
    seen: set[tuple[int, ...]] = set()
    for flag in d.karyotype_flags:
        value = features.get("complex") if flag == "complex" else recurrent.get(flag)
        if value is True:
            for inp in _span_inputs(features, flag):
                seen.add(tuple(inp.get("span") or ()))
                out.append(
                    Evidence(d.id, True, 1, f"karyotype shows {inp.get('text') or flag}", inp, None, True)
                )
        elif value is False and d.karyotype_excludes:
            inp = {"field": "karyotype", "text": features.get("input"), "flag": flag}
            out.append(Evidence(d.id, False, 1, f"karyotype does not show {d.label}", inp, None, True))
        elif value is False:
            notes.append(f"karyotype does not show {d.label}; G-banding can miss it (FISH/molecular needed)")
    for ab in _abnormalities(features):
        span = tuple(ab.get("span") or ())
        if span in seen:
            continue
        chroms = frozenset(str(c) for c in ab.get("chromosomes") or [])
        bps = [str(b) for b in ab.get("breakpoints") or []]
        hit = (ab.get("type") == "t" and any(chroms == frozenset(t) for t in d.translocations)) or any(
            b.startswith(p) for b in bps for p in d.bands
        )
        if hit:
            seen.add(span)
            inp = {"field": "karyotype", "span": list(span), "text": ab.get("text")}
            out.append(Evidence(d.id, True, 1, f"karyotype shows {ab.get('text')}", inp, None, True))
    return out, notes
