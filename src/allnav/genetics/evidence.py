"""Evidence items: what one finding or one karyotype feature says about one lesion.

Each item records the lesion, the result it supports (``True`` detected, ``False`` not detected,
``None`` indeterminate), the weight of the method (molecular tests outrank the karyotype) and the
input it came from (the karyotype span, or the finding with its index and method).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from allnav.case.model import GeneticFinding
from allnav.genetics.catalog import LesionDef, load_catalog
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
    implied: bool = False


#: Abnormality types whose breakpoints mark a rearranged gene (an 11q23 deletion is not a KMT2A
#: rearrangement, clinical_rules.md A1; contract section 2: a breakpoint "in any translocation").
REARRANGEMENT_TYPES = frozenset({"t", "der", "ins"})

_RESULT: dict[str, bool | None] = {"detected": True, "not_detected": False, "indeterminate": None}


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a.upper(), b.upper()))


@dataclass(frozen=True)
class CatalogIndex:
    """Look-ups from a gene, subtype, translocation, band or karyotype flag to the lesions that use it."""

    lesions: tuple[LesionDef, ...]
    by_gene: Mapping[str, tuple[LesionDef, ...]]
    by_subtype: Mapping[str, tuple[LesionDef, ...]]
    by_translocation: Mapping[frozenset[str], tuple[LesionDef, ...]]
    bands: tuple[tuple[str, LesionDef], ...]
    by_flag: Mapping[str, tuple[LesionDef, ...]]
    fusion_pairs: Mapping[str, frozenset[frozenset[str]]]
    exclude_pairs: Mapping[str, frozenset[frozenset[str]]]


def _group(items: Iterable[tuple[Any, LesionDef]]) -> dict[Any, tuple[LesionDef, ...]]:
    out: dict[Any, list[LesionDef]] = {}
    for key, d in items:
        if d not in out.setdefault(key, []):
            out[key].append(d)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def catalog_index() -> CatalogIndex:
    """The index of the lesion catalogue (built once per process)."""
    lesions = load_catalog().lesions
    genes: list[tuple[str, LesionDef]] = []
    for d in lesions:
        named = [g for pair in d.fusion_pairs for g in pair] + [g for g, _ in d.variants]
        named += [*d.partner_genes, *d.mutated_genes, *d.deleted_genes, *d.amplified_genes]
        genes += [(g, d) for g in named]
    return CatalogIndex(
        lesions=lesions,
        by_gene=_group(genes),
        by_subtype=_group((s, d) for d in lesions for s in d.subtypes),
        by_translocation=_group((frozenset(t), d) for d in lesions for t in d.translocations),
        bands=tuple((b, d) for d in lesions for b in d.bands),
        by_flag=_group((f, d) for d in lesions for f in d.karyotype_flags),
        fusion_pairs={d.id: frozenset(_pair(*x) for x in d.fusion_pairs) for d in lesions},
        exclude_pairs={d.id: frozenset(_pair(*x) for x in d.exclude_pairs) for d in lesions},
    )


def candidates(pf: ParsedFinding, index: CatalogIndex) -> list[LesionDef]:
    """The lesions a parsed finding could speak to (catalogue order)."""
    found: set[str] = set()
    for g in pf.genes:
        found |= {d.id for d in index.by_gene.get(g, ())}
    if pf.subtype:
        found |= {d.id for d in index.by_subtype.get(pf.subtype, ())}
    if pf.kind == "iscn":
        found |= {d.id for d in index.by_translocation.get(frozenset(pf.chromosomes), ())}
        found |= {d.id for prefix, d in index.bands if any(b.startswith(prefix) for b in pf.bands)}
    return [d for d in index.lesions if d.id in found]


def match_finding(pf: ParsedFinding, d: LesionDef) -> tuple[bool, str | None, bool]:
    """Whether a parsed finding speaks to lesion ``d``: (matches, gene, inverts the stated result)."""
    genes = pf.genes
    alt = pf.alteration or ""
    if pf.kind == "fusion" and len(genes) == 2:
        index = catalog_index()
        pair = _pair(*genes)
        if pair in index.exclude_pairs.get(d.id, frozenset()):
            return False, None, False
        if pair in index.fusion_pairs.get(d.id, frozenset()):
            return True, None, False
        hit = next((g for g in genes if g in d.partner_genes), None)
        return hit is not None, hit, False
    if pf.kind == "subtype":
        return pf.subtype in d.subtypes, None, False
    if pf.kind == "iscn":
        chroms = frozenset(pf.chromosomes)
        if pf.alteration == "t" and any(chroms == frozenset(t) for t in d.translocations):
            return True, None, False
        if pf.alteration not in REARRANGEMENT_TYPES:
            return False, None, False
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
    findings: Sequence[GeneticFinding], field_name: str = "genetics"
) -> tuple[list[Evidence], list[int]]:
    """Evidence from the case's genetics findings, and the indices of findings no lesion took."""
    out: list[Evidence] = []
    unmatched: list[int] = []
    index = catalog_index()
    for i, f in enumerate(findings):
        pf = normalise_finding(f)
        took = False
        for d in candidates(pf, index):
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


def karyotype_evidence(features: Mapping[str, Any]) -> tuple[list[Evidence], dict[str, list[str]]]:
    """Evidence from a valid karyotype's features for every lesion; notes (by lesion) for negatives
    that do not exclude a lesion (cryptic on G-banding).
    """
    index = catalog_index()
    out: list[Evidence] = []
    notes: dict[str, list[str]] = {}
    flags: dict[str, Any] = dict(features.get("recurrent") or {})
    flags["complex"] = features.get("complex")
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for flag, value in flags.items():
        for d in index.by_flag.get(flag, ()):
            if value is True:
                for inp in _span_inputs(features, flag):
                    seen.add((d.id, tuple(inp.get("span") or ())))
                    text = f"karyotype shows {inp.get('text') or flag}"
                    out.append(Evidence(d.id, True, 1, text, inp, None, True))
            elif value is False and d.karyotype_excludes:
                inp = {"field": "karyotype", "text": features.get("input"), "flag": flag}
                out.append(Evidence(d.id, False, 1, f"karyotype does not show {d.label}", inp, None, True))
            elif value is False:
                note = f"karyotype does not show {d.label}; G-banding can miss it (FISH/molecular needed)"
                notes.setdefault(d.id, []).append(note)
    for ab in _abnormalities(features):
        span = tuple(ab.get("span") or ())
        hits: list[LesionDef] = []
        kind = ab.get("type")
        if kind in ("t", "der"):
            hits += index.by_translocation.get(frozenset(str(c) for c in ab.get("chromosomes") or []), ())
        if kind in REARRANGEMENT_TYPES:
            bps = [str(b) for b in ab.get("breakpoints") or []]
            hits += [d for prefix, d in index.bands if any(b.startswith(prefix) for b in bps)]
        for d in hits:
            if (d.id, span) in seen:
                continue
            seen.add((d.id, span))
            inp = {"field": "karyotype", "span": list(span), "text": ab.get("text")}
            out.append(Evidence(d.id, True, 1, f"karyotype shows {ab.get('text')}", inp, None, True))
    return out, notes
