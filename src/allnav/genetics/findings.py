"""Reading one genetics finding: fusions, gene alterations, ISCN text, copy numbers, subtype calls.

The case validator fills ``GeneticFinding.kind``/``genes``/``alteration``; when it says ``other`` (or
left the genes empty) the text is parsed here, so the profile never depends on who parsed it.

>>> parse_finding_text("BCR::ABL1").genes
('BCR', 'ABL1')
>>> parse_finding_text("TP53 p.R248Q").alteration
'p.R248Q'
>>> parse_finding_text("CDKN2A/B deletion").genes
('CDKN2A', 'CDKN2B')
"""

from __future__ import annotations

import re
from typing import NamedTuple

from allnav.case.model import GeneticFinding

#: Subtype labels (classifier calls such as ALLSorts, or named entities) -> canonical label.
SUBTYPE_ALIASES: dict[str, str] = {
    "ph-like": "ph_like",
    "phlike": "ph_like",
    "bcr::abl1-like": "ph_like",
    "bcr-abl1-like": "ph_like",
    "bcr-abl1 like": "ph_like",
    "bcr::abl1 like": "ph_like",
    "iamp21": "iamp21",
    "pax5alt": "pax5alt",
    "pax5 alt": "pax5alt",
    "ikzf1plus": "ikzf1plus",
    "ikzf1 plus": "ikzf1plus",
    "dux4": "dux4_r",
    "dux4r": "dux4_r",
    "high hyperdiploid": "high_hyperdiploid",
    "high hyperdiploidy": "high_hyperdiploid",
    "hyperdiploid": "high_hyperdiploid",
    "near haploid": "near_haploid",
    "near-haploid": "near_haploid",
    "low hypodiploid": "low_hypodiploid",
    "masked hypodiploid": "masked_hypodiploid",
    "masked hypodiploidy": "masked_hypodiploid",
    "doubled hypodiploid": "masked_hypodiploid",
    "complex karyotype": "complex_karyotype",
    "ph": "bcr_abl1",
    "ph+": "bcr_abl1",
    "ph-positive": "bcr_abl1",
    "etv6::runx1-like": "etv6_runx1_like",
    "etv6-runx1-like": "etv6_runx1_like",
}

_ISCN = re.compile(
    r"^(?:der\([^)]*\))?(?P<type>t|ins|inv|del|dup|i|add)\((?P<chroms>[^)]*)\)(?:\((?P<bands>[^)]*)\))?"
)
_GENE = r"[A-Z][A-Z0-9-]*[A-Z0-9]|[A-Z]"
_FUSION = re.compile(rf"^(?P<a>{_GENE})\s*(?:::|/|-)\s*(?P<b>{_GENE})(?:\s+fusion)?$")
_PROTEIN = re.compile(r"\b(p\.\(?[A-Za-z*0-9_]+\)?|c\.[\w>+*_-]+)")
_REARR = re.compile(
    r"^(?P<g>[A-Z][A-Z0-9]*?)(?:-?r|\s+(?:rearrangement|rearranged|break-?apart|translocation))$"
)
_BARE_PROTEIN = re.compile(r"[A-Z]\d+(?:[A-Z*]|fs\S*|del|dup)")
_ALTERATION_WORDS: tuple[tuple[str, str], ...] = (
    ("wild type", "wild_type"),
    ("wild-type", "wild_type"),
    ("wildtype", "wild_type"),
    ("unmutated", "wild_type"),
    ("deletion", "deletion"),
    ("deleted", "deletion"),
    ("del", "deletion"),
    ("loss", "deletion"),
    ("mutation", "mutation"),
    ("mutated", "mutation"),
    ("variant", "mutation"),
    ("amplification", "amplification"),
    ("amplified", "amplification"),
    ("copies", "copies"),
    ("copy number", "copies"),
    ("overexpression", "overexpression"),
    ("over-expression", "overexpression"),
    ("rearrangement", "rearrangement"),
    ("rearranged", "rearrangement"),
    ("r", "rearrangement"),
    ("fusion", "rearrangement"),
)
#: Each alteration word as a whole word (compiled once), in the order above.
_ALTERATION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{re.escape(word)}\b"), alteration) for word, alteration in _ALTERATION_WORDS
)


class ParsedFinding(NamedTuple):
    """The shape of a finding: kind, genes (upper case HGNC symbols), alteration, ISCN details (immutable)."""

    kind: str
    genes: tuple[str, ...] = ()
    alteration: str | None = None
    subtype: str | None = None
    chromosomes: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()


def _split_genes(token: str) -> tuple[str, ...]:
    """'CDKN2A/B' -> CDKN2A, CDKN2B; 'CDKN2A' -> CDKN2A."""
    m = re.fullmatch(r"([A-Z][A-Z0-9]*?)([A-Z0-9])/([A-Z0-9])", token)
    if m:
        return (m.group(1) + m.group(2), m.group(1) + m.group(3))
    return (token,)


#: Finding prefixes that introduce a classifier subtype call.
_SUBTYPE_PREFIXES = ("allsorts:", "allsorts", "tallsorts:", "subtype:", "gex:")


def _iscn_of_finding(text: str) -> ParsedFinding | None:
    """The ISCN parse that :func:`parse_finding_text` gives ``text`` (None when it takes another branch);
    only that branch yields chromosomes and bands.
    """
    if "(" not in text:  # every ISCN abnormality has its chromosomes in brackets
        return None
    raw = " ".join(text.strip().split())
    low = raw.lower()
    if low.startswith(_SUBTYPE_PREFIXES) or low in SUBTYPE_ALIASES:
        return None
    return _iscn(raw)


def _iscn(text: str) -> ParsedFinding | None:
    m = _ISCN.match(text.replace(" ", ""))
    if not m:
        return None
    chroms = tuple(c for c in m.group("chroms").split(";") if c)
    bands_raw = m.group("bands") or ""
    bands = tuple(f"{c}{b}" for c, b in zip(chroms, bands_raw.split(";"), strict=False) if b)
    return ParsedFinding(kind="iscn", alteration=m.group("type"), chromosomes=chroms, bands=bands)


def parse_finding_text(text: str) -> ParsedFinding:
    """Parse a finding as written in a case file (never raises; unknown text gives kind 'other')."""
    raw = " ".join(text.strip().split())
    low = raw.lower()
    for prefix in _SUBTYPE_PREFIXES:
        if low.startswith(prefix):
            return parse_subtype_label(raw[len(prefix) :].strip(" :"))
    if low in SUBTYPE_ALIASES:
        return ParsedFinding(kind="subtype", subtype=SUBTYPE_ALIASES[low])
    iscn = _iscn(raw)
    if iscn is not None:
        return iscn
    head, _, rest = raw.partition(" ")
    fusion = _FUSION.match(raw) or (
        _FUSION.match(head) if "::" in head or rest.lower() in ("fusion", "") else None
    )
    if fusion:
        a, b = fusion.group("a"), fusion.group("b")
        if len(b) > 1 and a != b:
            return ParsedFinding(kind="fusion", genes=(a.upper(), b.upper()), alteration="fusion")
    rearr = _REARR.match(raw)
    if rearr:
        return ParsedFinding(kind="gene_alteration", genes=(rearr.group("g"),), alteration="rearrangement")
    genes = _split_genes(head.upper()) if re.fullmatch(r"[A-Za-z][A-Za-z0-9/-]*", head) else ()
    protein = _PROTEIN.search(raw)
    if genes and protein:
        return ParsedFinding(kind="gene_alteration", genes=genes, alteration=protein.group(1))
    if genes and _BARE_PROTEIN.fullmatch(rest):
        return ParsedFinding(kind="gene_alteration", genes=genes, alteration=f"p.{rest}")
    rest_low = rest.lower()
    for pattern, alteration in _ALTERATION_PATTERNS if genes else ():
        if pattern.search(rest_low):
            kind = "copy_number" if alteration in ("copies", "amplification") else "gene_alteration"
            return ParsedFinding(kind=kind, genes=genes, alteration=alteration)
    m = re.fullmatch(r"(?:deletion|loss) of ([A-Za-z0-9]+)", raw, flags=re.IGNORECASE)
    if m:
        return ParsedFinding(kind="gene_alteration", genes=(m.group(1).upper(),), alteration="deletion")
    return ParsedFinding(kind="other")


def parse_subtype_label(label: str) -> ParsedFinding:
    """A classifier subtype call (ALLSorts-style label): a named group, a fusion, a gene (= rearranged)
    or a gene variant. ``X-like`` labels never count as ``X`` itself.

    >>> parse_subtype_label("KMT2A").alteration
    'rearrangement'
    >>> parse_subtype_label("ZNF384-like").subtype
    'znf384-like'
    """
    text = " ".join(label.strip().split())
    low = text.lower()
    if low in SUBTYPE_ALIASES:
        return ParsedFinding(kind="subtype", subtype=SUBTYPE_ALIASES[low])
    if low.endswith("-like"):
        return ParsedFinding(kind="subtype", subtype=low)
    own = parse_finding_text(text)
    if own.kind in ("fusion", "gene_alteration", "subtype"):
        return own
    if re.fullmatch(r"[A-Z][A-Z0-9]+", text):
        return ParsedFinding(kind="gene_alteration", genes=(text,), alteration="rearrangement")
    return ParsedFinding(kind="subtype", subtype=low)


#: The alteration words as a look-up (each word appears once in the list).
_ALTERATION_BY_WORD: dict[str, str] = dict(_ALTERATION_WORDS)


def normalise_finding(f: GeneticFinding) -> ParsedFinding:
    """The validator's parse when it is usable, else our own parse of ``finding``."""
    if f.kind == "subtype":
        return parse_subtype_label(f.finding)
    if f.kind != "other" and f.genes:
        # Our own parse is needed for its alteration only when the validator gave none; its ISCN
        # chromosomes and bands (the only other part used) come from the ISCN branch alone.
        own = _iscn_of_finding(f.finding) if f.alteration else parse_finding_text(f.finding)
        genes = tuple(map(str.upper, f.genes))
        alteration = (f.alteration or (own.alteration if own else None) or "").strip() or None
        if alteration is not None and not alteration.startswith(("p.", "c.")):
            low = alteration.lower()  # a known alteration word in its canonical form, else lower-cased
            alteration = _ALTERATION_BY_WORD.get(low, low)
        if own is None:
            return ParsedFinding(f.kind, genes, alteration)
        return ParsedFinding(f.kind, genes, alteration, chromosomes=own.chromosomes, bands=own.bands)
    return parse_finding_text(f.finding)
