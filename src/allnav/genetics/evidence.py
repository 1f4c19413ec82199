"""Evidence items: what one finding or one karyotype feature says about one lesion.

Each item records the lesion, the result it supports (``True`` detected, ``False`` not detected,
``None`` indeterminate), the weight of the method (molecular tests outrank the karyotype) and the
input it came from (the karyotype span, or the finding with its index and method).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from allnav.case.model import GeneticFinding
from allnav.genetics.catalog import LesionDef, load_catalog
from allnav.genetics.findings import ParsedFinding, normalise_finding

#: Method weight: sequencing and PCR 3, FISH / MLPA / arrays / classifiers 2, karyotype and surrogates 1.
_RANKS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("ngs", "seq", "rna", "wgs", "wes", "panel", "exome", "genome", "pcr"), 3),
    (("fish", "mlpa", "array", "snp", "cgh", "cma", "ogm", "optical", "allsorts", "gex", "expression"), 2),
    (("karyotype", "g-band", "banding", "cytogenetic", "flow"), 1),
)


#: Each rank's words as one compiled alternation (a search finds any of them as a substring).
_RANK_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile("|".join(re.escape(w) for w in words)), rank) for words, rank in _RANKS
)


def method_rank(method: str | None) -> int:
    """Weight of a test method; an unnamed method counts as a targeted molecular test (2)."""
    if not method:
        return 2
    low = method.lower()
    for pattern, rank in _RANK_PATTERNS:
        if pattern.search(low):
            return rank
    return 2


class Evidence(NamedTuple):
    """One input's statement about one lesion (immutable; a named tuple: many are built per case)."""

    lesion: str
    result: bool | None
    rank: int
    text: str
    input: Mapping[str, Any] = MappingProxyType({})
    gene: str | None = None
    karyotype: bool = False
    implied: bool = False


#: An :class:`Evidence` from a tuple of all eight fields in order, skipping the keyword and default
#: handling of the generated constructor (a third cheaper; dozens of items are built per case).
new_evidence = functools.partial(tuple.__new__, Evidence)


#: Abnormality types whose breakpoints mark a rearranged gene (an 11q23 deletion is not a KMT2A
#: rearrangement, clinical_rules.md A1; contract section 2: a breakpoint "in any translocation").
REARRANGEMENT_TYPES = frozenset({"t", "der", "ins"})

_RESULT: dict[str, bool | None] = {"detected": True, "not_detected": False, "indeterminate": None}


_NO_PAIRS: frozenset[frozenset[str]] = frozenset()


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a.upper(), b.upper()))


class FlagRule(NamedTuple):
    """What a karyotype flag says about one lesion it names: the lesion, and for a false flag either the
    text of the negative evidence (the karyotype excludes the lesion) or, when it cannot, the note.
    """

    lesion: str
    negative: str | None
    note: str


def _flag_rule(d: LesionDef) -> FlagRule:
    if d.karyotype_excludes:
        return FlagRule(d.id, f"karyotype does not show {d.label}", "")
    note = f"karyotype does not show {d.label}; G-banding can miss it (FISH/molecular needed)"
    return FlagRule(d.id, None, note)


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
    by_id: Mapping[str, LesionDef]
    order: Mapping[str, int]  # catalogue position of each lesion id
    gene_ids: Mapping[str, tuple[str, ...]]  # by_gene as lesion ids
    subtype_ids: Mapping[str, tuple[str, ...]]  # by_subtype as lesion ids
    flag_rules: Mapping[str, tuple[FlagRule, ...]]  # by_flag with the texts of a false flag


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
    by_flag = _group((f, d) for d in lesions for f in d.karyotype_flags)
    by_gene = _group(genes)
    by_subtype = _group((s, d) for d in lesions for s in d.subtypes)
    return CatalogIndex(
        lesions=lesions,
        by_gene=by_gene,
        by_subtype=by_subtype,
        by_translocation=_group((frozenset(t), d) for d in lesions for t in d.translocations),
        bands=tuple((b, d) for d in lesions for b in d.bands),
        by_flag=by_flag,
        fusion_pairs={d.id: frozenset(_pair(*x) for x in d.fusion_pairs) for d in lesions},
        exclude_pairs={d.id: frozenset(_pair(*x) for x in d.exclude_pairs) for d in lesions},
        by_id={d.id: d for d in lesions},
        order={d.id: n for n, d in enumerate(lesions)},
        gene_ids={g: tuple(d.id for d in defs) for g, defs in by_gene.items()},
        subtype_ids={s: tuple(d.id for d in defs) for s, defs in by_subtype.items()},
        flag_rules={flag: tuple(_flag_rule(d) for d in defs) for flag, defs in by_flag.items()},
    )


def candidates(pf: ParsedFinding, index: CatalogIndex) -> list[LesionDef]:
    """The lesions a parsed finding could speak to (catalogue order)."""
    if len(pf.genes) == 1 and not pf.subtype and pf.kind != "iscn":
        return list(index.by_gene.get(pf.genes[0], ()))  # already in catalogue order
    found: set[str] = set()
    for g in pf.genes:
        found.update(index.gene_ids.get(g, ()))
    if pf.subtype:
        found.update(index.subtype_ids.get(pf.subtype, ()))
    if pf.kind == "iscn":
        found.update(d.id for d in index.by_translocation.get(frozenset(pf.chromosomes), ()))
        found.update(d.id for prefix, d in index.bands if any(b.startswith(prefix) for b in pf.bands))
    if not found:
        return []
    return [index.by_id[i] for i in sorted(found, key=index.order.__getitem__)]


def match_finding(pf: ParsedFinding, d: LesionDef) -> tuple[bool, str | None, bool]:
    """Whether a parsed finding speaks to lesion ``d``: (matches, gene, inverts the stated result)."""
    genes = pf.genes
    alt = pf.alteration or ""
    if pf.kind == "fusion" and len(genes) == 2:
        index = catalog_index()
        pair = frozenset(genes)  # == _pair(*genes): a parsed finding's genes are upper case
        if pair in index.exclude_pairs.get(d.id, _NO_PAIRS):
            return False, None, False
        if pair in index.fusion_pairs.get(d.id, _NO_PAIRS):
            return True, None, False
        a, b = genes
        hit = a if a in d.partner_genes else b if b in d.partner_genes else None
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


_WORDS: dict[bool | None, str] = {True: "detected", False: "not detected", None: "indeterminate"}


def finding_evidence(
    findings: Sequence[GeneticFinding], field_name: str = "genetics"
) -> tuple[list[Evidence], list[int]]:
    """Evidence from the case's genetics findings, and the indices of findings no lesion took."""
    out: list[Evidence] = []
    unmatched: list[int] = []
    index = catalog_index()
    for i, f in enumerate(findings):
        pf = normalise_finding(f)
        hits: list[tuple[str, str | None, bool]] = []
        for d in candidates(pf, index):
            ok, gene, inverts = match_finding(pf, d)
            if ok:
                hits.append((d.id, gene, inverts))
        if not hits:
            if pf.kind != "copy_number":
                unmatched.append(i)
            continue
        stated = _RESULT[f.result]
        surrogate = pf.alteration == "overexpression"
        rank = 1 if surrogate else method_rank(f.method)
        method = f" by {f.method}" if f.method else ""
        suffix = f"{method} (flow surrogate)" if surrogate else method
        # one input record per finding: evidence inputs are copied wherever they leave this package
        inp: dict[str, Any] = {"field": f"{field_name}[{i}]", "finding": f.finding, "method": f.method}
        if f.transcript:
            inp["transcript"] = f.transcript
        if f.copies is not None:
            inp["copies"] = f.copies
        for lesion, gene, inverts in hits:
            result = (not stated) if inverts and stated is not None else stated
            text = f"{f.finding} {_WORDS[result]}{suffix}"
            out.append(new_evidence((lesion, result, rank, text, inp, gene, False, False)))
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
    text = features.get("input")
    for flag, value in flags.items():
        rules = index.flag_rules.get(flag)
        if rules is None:
            continue
        if value is True:
            for rule in rules:
                for inp in _span_inputs(features, flag):
                    seen.add((rule.lesion, tuple(inp.get("span") or ())))
                    shows = f"karyotype shows {inp.get('text') or flag}"
                    out.append(new_evidence((rule.lesion, True, 1, shows, inp, None, True, False)))
        elif value is False:
            for rule in rules:
                if rule.negative is not None:
                    inp = {"field": "karyotype", "text": text, "flag": flag}
                    out.append(new_evidence((rule.lesion, False, 1, rule.negative, inp, None, True, False)))
                else:
                    notes.setdefault(rule.lesion, []).append(rule.note)
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
