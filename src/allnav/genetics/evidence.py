"""Evidence items: what one finding or one karyotype feature says about one lesion.

Each item records the lesion, the result it supports (``True`` detected, ``False`` not detected,
``None`` indeterminate), the weight of the method (molecular tests outrank the karyotype) and the
input it came from (the karyotype span, or the finding with its index and method).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from allnav.case.model import GeneticFinding
from allnav.genetics.call import LESION, LesionCall, new_call
from allnav.genetics.catalog import LesionDef, load_catalog
from allnav.genetics.findings import _ALTERATION_BY_WORD, ParsedFinding, normalise_finding

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
    input: dict[str, Any]  # the item's own record: a call or alert may hand it out without copying
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

#: One lesion a finding speaks to: (lesion id, gene, inverts the stated result).
Hit = tuple[str, str | None, bool]

#: Validator kinds whose findings the hit tables answer (with genes and an alteration, no brackets).
_TABLE_KINDS = frozenset({"fusion", "gene_alteration", "copy_number"})
#: A protein/coding change that names no catalogue variant (HGVS never contains a NUL).
_OTHER_VARIANT = "p.\x00"


def finding_hits(pf: ParsedFinding, index: CatalogIndex) -> tuple[Hit, ...]:
    """The lesions a parsed finding speaks to (catalogue order), by :func:`candidates` and
    :func:`match_finding`.
    """
    hits: list[Hit] = []
    for d in candidates(pf, index):
        ok, gene, inverts = match_finding(pf, d)
        if ok:
            hits.append((d.id, gene, inverts))
    return tuple(hits)


class HitTables(NamedTuple):
    """:func:`finding_hits` answered in advance for every validator-parsed finding with one gene or a
    two-gene fusion (built once from the catalogue; the same answers, one dict look-up per finding).
    """

    pairs: Mapping[tuple[str, str], tuple[Hit, ...]]  # fusion (a, b), both genes of fusion interest
    solo: Mapping[str, tuple[Hit, ...]]  # fusion of this gene with a gene of no fusion interest
    fusion_genes: frozenset[str]  # genes in a fusion pair, an exclusion pair or a partner list
    single: Mapping[tuple[str, str], tuple[Hit, ...]]  # (gene, alteration) for the matching alterations
    other_variant: Mapping[str, tuple[Hit, ...]]  # a p./c. change of the gene that is no catalogue variant


@functools.cache
def hit_tables() -> HitTables:
    """The :class:`HitTables` of the catalogue (built once per process)."""
    index = catalog_index()
    fusion_genes: set[str] = set()
    for d in index.lesions:
        fusion_genes.update(g for pair in (*d.fusion_pairs, *d.exclude_pairs) for g in pair)
        fusion_genes.update(d.partner_genes)
    # A gene of no fusion interest can neither complete a fusion or exclusion pair nor be a partner, so a
    # fusion with it matches what a fusion with an unknown gene matches ("?" is no gene symbol).
    pairs = {
        (a, b): finding_hits(ParsedFinding("fusion", (a, b), "rearrangement"), index)
        for a in fusion_genes
        for b in fusion_genes
    }
    solo = {g: finding_hits(ParsedFinding("fusion", (g, "?"), "rearrangement"), index) for g in fusion_genes}
    # Only these alterations (and the catalogue variants) match anything: any other gives no hit.
    alterations = {"rearrangement", "wild_type", "mutation", "deletion", "amplification", "overexpression"}
    single: dict[tuple[str, str], tuple[Hit, ...]] = {}
    for gene in index.by_gene:
        variants = {v for d in index.by_gene[gene] for g, v in d.variants if g == gene}
        for alt in alterations | variants:
            single[gene, alt] = finding_hits(ParsedFinding("gene_alteration", (gene,), alt), index)
    other_variant = {
        g: finding_hits(ParsedFinding("gene_alteration", (g,), _OTHER_VARIANT), index) for g in index.by_gene
    }
    return HitTables(pairs, solo, frozenset(fusion_genes), single, other_variant)


#: The validator's alteration spellings that need no trimming, as :func:`normalise_finding` canonicalises
#: them (the alteration words and the canonical alterations, as written).
_CANONICAL: dict[str, str] = {
    **{alt: alt for alt in _ALTERATION_BY_WORD.values()},
    **_ALTERATION_BY_WORD,
}


def _table_hits(f: GeneticFinding, tables: HitTables) -> tuple[str, tuple[Hit, ...]] | None:
    """A validator-parsed fusion or single-gene finding's alteration and hits, from the :class:`HitTables`
    (what :func:`normalise_finding` + :func:`finding_hits` give); None for any other finding.
    """
    genes = f.genes
    raw = f.alteration
    n = len(genes)
    if not raw or n > 2 or not n or f.kind not in _TABLE_KINDS or "(" in f.finding:
        return None
    # normalise_finding's validator branch: no ISCN part (no bracket), the validator's alteration
    alteration = _CANONICAL.get(raw)
    if alteration is None:
        alteration = raw.strip()
        if not alteration:
            return None
        if not alteration.startswith(("p.", "c.")):
            low = alteration.lower()
            alteration = _ALTERATION_BY_WORD.get(low, low)
    if n == 1:
        gene = genes[0].upper()
        hits = tables.single.get((gene, alteration))
        if hits is None:
            other = alteration.startswith(("p.", "c."))
            hits = tables.other_variant.get(gene, ()) if other else ()
        return alteration, hits
    if f.kind != "fusion":
        return None
    a, b = genes[0].upper(), genes[1].upper()
    hits = tables.pairs.get((a, b))
    if hits is None:
        fusion_genes = tables.fusion_genes
        if a not in fusion_genes:
            hits = tables.solo.get(b, ())
        elif b in fusion_genes:
            hits = ()
        else:
            hits = tables.solo[a]
    return alteration, hits


#: "genetics[i]" for the first findings of a case (formatted once).
_FIELDS: tuple[str, ...] = tuple(f"genetics[{i}]" for i in range(32))


def add_finding_evidence(
    findings: Sequence[GeneticFinding],
    by_lesion: dict[str, list[Evidence]],
    positives: list[Evidence],
    field_name: str = "genetics",
) -> list[int]:
    """Add the evidence of the case's genetics findings to ``by_lesion`` (the positive items also to
    ``positives``, in order); return the indices of findings no lesion took.

    Every item gets its own input record (a caller may hand it out without copying).
    """
    unmatched: list[int] = []
    tables = hit_tables()
    ranks: dict[str | None, int] = {}  # method_rank of this case's methods
    fields = _FIELDS if field_name == "genetics" else ()
    for i, f in enumerate(findings):
        table_hits = _table_hits(f, tables)
        if table_hits is None:
            pf = normalise_finding(f)
            kind, alteration, hits = pf.kind, pf.alteration, finding_hits(pf, catalog_index())
        else:
            kind = f.kind
            alteration, hits = table_hits
        if not hits:
            if kind != "copy_number":
                unmatched.append(i)
            continue
        stated = _RESULT[f.result]
        method = f.method
        finding = f.finding
        surrogate = alteration == "overexpression"
        if surrogate:
            rank = 1
        else:
            rank = ranks.get(method, 0)
            if not rank:
                rank = ranks[method] = method_rank(method)
        suffix = f" by {method}" if method else ""
        if surrogate:
            suffix += " (flow surrogate)"
        text = f"{finding} {_WORDS[stated]}{suffix}"
        field = fields[i] if i < len(fields) else f"{field_name}[{i}]"
        inp: dict[str, Any] = {"field": field, "finding": finding, "method": method}
        if f.transcript:
            inp["transcript"] = f.transcript
        if f.copies is not None:
            inp["copies"] = f.copies
        first = True
        for lesion, gene, inverts in hits:
            this = inp if first else dict(inp)
            first = False
            if inverts and stated is not None:
                result: bool | None = not stated
                e = new_evidence(
                    (lesion, result, rank, f"{finding} {_WORDS[result]}{suffix}", this, gene, False, False)
                )
            else:
                e = new_evidence((lesion, stated, rank, text, this, gene, False, False))
            items = by_lesion.get(lesion)
            if items is None:
                by_lesion[lesion] = [e]
            else:
                items.append(e)
            if e[1] is True:
                positives.append(e)
    return unmatched


def _span_inputs(features: Mapping[str, Any], flag: str) -> list[dict[str, Any]]:
    spans = (features.get("recurrent_evidence") or {}).get(flag) or []
    items = [{"field": "karyotype", "span": list(s.get("span", [])), "text": s.get("text")} for s in spans]
    return items or [{"field": "karyotype", "text": features.get("input"), "flag": flag}]


#: How much can still speak to a lesion after the karyotype's flags (the ``mode`` of a case's karyotype):
QUIET = 0  # only the ploidy (no abnormalities, and nothing positive that implies another lesion)
PLAIN = 1  # the ploidy and implications (no abnormalities)
ABNORMAL = 2  # the ploidy, implications and the karyotype's abnormalities


class FlagPlan(NamedTuple):
    """What a false karyotype flag does for one lesion it names (see :func:`flag_plans`)."""

    lesion: str
    negative: str | None  # the negative evidence's text (the karyotype excludes the lesion), else None
    note: str  # else the note that G-banding cannot exclude it
    rule: str  # the lesion's rule and label, for a call made on the spot
    label: str
    final: tuple[bool, bool, bool]  # by mode: nothing else can speak to the lesion after the flags


def flag_plans(
    rules: Mapping[str, str], ploidy: Container[str], implied: Container[str]
) -> dict[str, tuple[FlagPlan, ...]]:
    """For each karyotype flag, a :class:`FlagPlan` per lesion it names. ``rules`` gives each lesion's
    rule; ``ploidy`` and ``implied`` name the lesions that the ploidy and implications (read after the
    flags) can speak to. A lesion named by one flag only is final in mode QUIET unless the ploidy speaks to
    it, in mode PLAIN also unless it can be implied, and in mode ABNORMAL also unless a translocation or
    a band can name it.
    """
    index = catalog_index()
    plans: dict[str, tuple[FlagPlan, ...]] = {}
    for flag, frs in index.flag_rules.items():
        out: list[FlagPlan] = []
        for fr in frs:
            d = index.by_id[fr.lesion]
            quiet = len(set(d.karyotype_flags)) == 1 and d.id not in ploidy
            plain = quiet and d.id not in implied
            abnormal = plain and not (d.translocations or d.bands)
            rule = rules.get(d.id, LESION)
            out.append(FlagPlan(d.id, fr.negative, fr.note, rule, d.label, (quiet, plain, abnormal)))
        plans[flag] = tuple(out)
    return plans


def add_karyotype_evidence(
    features: Mapping[str, Any],
    plans: Mapping[str, tuple[FlagPlan, ...]],
    mode: int,
    by_lesion: dict[str, list[Evidence]],
    positives: list[Evidence],
    calls: dict[str, LesionCall],
) -> dict[str, list[str]]:
    """Add the evidence of a valid karyotype's features (flags by ``plans``, see :func:`flag_plans`) to
    ``by_lesion`` (the positive items also to ``positives``, in order); return the notes (by lesion) for
    negatives that do not exclude a lesion (cryptic on G-banding). Every item gets its own input record.

    A false flag that is the only input of a lesion final in ``mode`` (QUIET, PLAIN or ABNORMAL: the
    caller's reading of the case) gives its call in ``calls`` at once (what deciding its one item or note
    would give: the negative, or the note with nothing decided).
    """
    notes: dict[str, list[str]] = {}
    seen: set[tuple[str, tuple[int, ...]]] = set()
    text = features.get("input")
    recurrent: Mapping[str, Any] = features.get("recurrent") or {}
    if "complex" in recurrent:  # the karyotype's own value replaces it, in its place
        recurrent = {**recurrent, "complex": features.get("complex")}
        flags: Iterable[tuple[str, Any]] = recurrent.items()
    else:  # the recurrent flags, then "complex" (without copying them)
        flags = (*recurrent.items(), ("complex", features.get("complex")))
    for flag, value in flags:
        flag_plan = plans.get(flag)
        if flag_plan is None:
            continue
        if value is False:
            for lesion, negative, note, rule, label, final in flag_plan:
                direct = final[mode] and lesion not in by_lesion
                if negative is not None:
                    inp = {"field": "karyotype", "text": text, "flag": flag}
                    if direct:
                        calls[lesion] = new_call((False, [negative], [inp], rule, label, False, None))
                        continue
                    e = new_evidence((lesion, False, 1, negative, inp, None, True, False))
                    items = by_lesion.get(lesion)
                    if items is None:
                        by_lesion[lesion] = [e]
                    else:
                        items.append(e)
                elif direct:
                    calls[lesion] = new_call((None, [note], [], rule, label, False, None))
                else:
                    lesion_notes = notes.get(lesion)
                    if lesion_notes is None:
                        notes[lesion] = [note]
                    else:
                        lesion_notes.append(note)
        elif value is True:
            for fp in flag_plan:
                for inp in _span_inputs(features, flag):
                    seen.add((fp.lesion, tuple(inp.get("span") or ())))
                    shows = f"karyotype shows {inp.get('text') or flag}"
                    e = new_evidence((fp.lesion, True, 1, shows, inp, None, True, False))
                    by_lesion.setdefault(fp.lesion, []).append(e)
                    positives.append(e)
    if mode != ABNORMAL:  # no clone has abnormalities
        return notes
    abnormalities = [ab for clone in features.get("clones") or [] for ab in clone.get("abnormalities") or []]
    index = catalog_index()
    for ab in abnormalities:
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
            e = new_evidence((d.id, True, 1, f"karyotype shows {ab.get('text')}", inp, None, True, False))
            by_lesion.setdefault(d.id, []).append(e)
            positives.append(e)
    return notes
