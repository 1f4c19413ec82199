"""Reading a genetics finding's text (``finding``) into kind, genes and alteration.

Kinds: ``fusion`` (HGNC ``::`` notation; ``BCR-ABL1`` and ``BCR/ABL`` are read as ``BCR::ABL1`` and the
normalisation is noted), ``gene_alteration`` (``IKZF1 deletion``, ``TP53 p.R248Q``, ``KMT2A-r``),
``iscn`` (``t(4;11)(q21;q23)``, ``+21``, ``iAMP21``), ``copy_number`` (``RUNX1 copies``), ``subtype``
(``Ph-like``; or any finding with a classifier probability or an ALLSorts/TALLSorts-style method) and
``other``.

>>> read_finding("BCR-ABL1").finding
'BCR::ABL1'
>>> read_finding("IKZF1 del").alteration
'deletion'
"""

from __future__ import annotations

import functools
import re
from typing import Literal, NamedTuple

__all__ = ["ParsedFinding", "normalise_transcript", "read_finding", "read_finding_text"]

Kind = Literal["fusion", "gene_alteration", "iscn", "copy_number", "subtype", "other"]

# HGNC previous symbols still common in reports -> current approved symbol.
_GENE_ALIASES = {
    "ABL": "ABL1",
    "MLL": "KMT2A",
    "E2A": "TCF3",
    "TEL": "ETV6",
    "AML1": "RUNX1",
    "AF4": "AFF1",
    "ENL": "MLLT1",
    "AF9": "MLLT3",
    "AF10": "MLLT10",
    "PBX": "PBX1",
    "SIL": "STIL",
    "TAL": "TAL1",
    "HOX11": "TLX1",
    "HOX11L2": "TLX3",
    "CALM": "PICALM",
}
_ALTERATIONS = {
    "deletion": "deletion",
    "del": "deletion",
    "deleted": "deletion",
    "loss": "deletion",
    "mutation": "mutation",
    "mutated": "mutation",
    "mut": "mutation",
    "rearrangement": "rearrangement",
    "rearranged": "rearrangement",
    "r": "rearrangement",
    "amplification": "amplification",
    "amplified": "amplification",
    "amp": "amplification",
    "duplication": "duplication",
    "dup": "duplication",
    "overexpression": "overexpression",
    "gain": "gain",
    "fusion": "fusion",
}
_SUBTYPES = {
    "ph-like": "Ph-like",
    "philadelphia-like": "Ph-like",
    "bcr::abl1-like": "Ph-like",
    "bcr-abl1-like": "Ph-like",
    "ph-like all": "Ph-like",
    "etv6::runx1-like": "ETV6::RUNX1-like",
    "etv6-runx1-like": "ETV6::RUNX1-like",
    "pax5alt": "PAX5alt",
    "near haploid": "near haploid",
    "low hypodiploid": "low hypodiploid",
    "high hyperdiploid": "high hyperdiploid",
    "hyperdiploid": "high hyperdiploid",
}
_CLASSIFIER = re.compile(r"allsorts|tallsorts|classifier|rna-?seq|transcriptom|expression profil", re.I)
_GENE = re.compile(r"^[A-Z][A-Z0-9]*(?:orf\d+)?(?:-\d+)?$")
_GENE_ANYCASE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-\d+)?$")
_ISCN = re.compile(
    r"^(?:(?:t|der|del|inv|dup|i|idic|ider|add|ins|dic|r|trp|qdp|hsr|tas|fra|iamp|amp)\(.*\)"
    r"|[+-](?:\d{1,2}|X|Y)(?:\s*[x×]\s*\d)?|iAMP21|\d{2,3}(?:~\d{2,3})?,.*)$",
    re.I,
)
_COPIES = re.compile(r"^(?P<gene>\S+)\s+(?:copies|copy[ -]number|signals|cn)$", re.I)
_PROTEIN = re.compile(r"^[A-Z]\d+(?:[A-Z*]|fs\S*|del|dup)$")
# Written after a hyphen, these name a kind of mutation, never a fusion partner (FLT3-ITD, FLT3-TKD).
_MUTATION_SUFFIXES = frozenset({"ITD", "TKD", "PTD"})
_FUSION_TAIL = re.compile(r"\s+(?:fusion|rearrangement|transcript)$", re.I)
_GENE_R = re.compile(r"[A-Z][A-Z0-9]*-r")
# A fusion already written as gene::gene(::gene...) with no spaces (the usual case): each part matches _GENE_ANYCASE.
_PLAIN_FUSION = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-\d+)?(?:::[A-Za-z][A-Za-z0-9]*(?:-\d+)?)+")


class ParsedFinding(NamedTuple):
    """A finding text read into its parts; ``notes`` say what was normalised (immutable)."""

    finding: str
    kind: Kind
    genes: tuple[str, ...] = ()
    alteration: str | None = None
    notes: tuple[str, ...] = ()


def _gene(token: str, notes: list[str]) -> str:
    up = token if "orf" in token else token.upper()
    current = _GENE_ALIASES.get(up)
    if current is not None:
        notes.append(f"{token} read as {current} (current HGNC symbol)")
        return current
    return up


def _split_fusion(text: str) -> list[str] | None:
    if "::" in text:
        if _PLAIN_FUSION.fullmatch(text):
            return text.split("::")
        parts = [p.strip() for p in text.split("::")]
        return parts if all(map(_GENE_ANYCASE.match, parts)) and len(parts) >= 2 else None
    if "/" in text:
        parts = [p.strip() for p in text.split("/")]
        return parts if len(parts) == 2 and all(map(_GENE_ANYCASE.match, parts)) else None
    if "-" in text and " " not in text:
        if text.rsplit("-", 1)[1].upper() in _MUTATION_SUFFIXES:  # FLT3-ITD is a mutation, not a fusion
            return None
        cuts = [i for i, ch in enumerate(text) if ch == "-"]
        splits = [
            [text[:i], text[i + 1 :]]
            for i in cuts
            if _GENE_ANYCASE.match(text[:i])
            and _GENE_ANYCASE.match(text[i + 1 :])
            and not text[i + 1 :].isdigit()
            and not text[:i].isdigit()
        ]
        return splits[0] if len(splits) == 1 else None
    return None


def _subtype(text: str, notes: list[str]) -> ParsedFinding:
    label = _SUBTYPES.get(text.lower(), text)
    if label != text:
        notes.append(f"subtype {text!r} read as {label!r}")
    genes: tuple[str, ...] = ()
    fusion = _split_fusion(label.removesuffix("-like"))
    if fusion:
        genes = tuple(_gene(g, notes) for g in fusion)
    elif _GENE.match(label.split()[0].removesuffix("-r").removesuffix("alt")):
        genes = (label.split()[0].removesuffix("-r").removesuffix("alt"),)
    return ParsedFinding(label, "subtype", genes, label, tuple(notes))


def _may_be_iscn(t: str) -> bool:
    """False only when :data:`_ISCN` cannot match: each of its forms needs a '(' (``t(4;11)``), a ','
    (``47,XY,+21``), a leading '+'/'-' (``+21``) or is six characters long (``iAMP21``)."""
    return "(" in t or "," in t or t[:1] in ("+", "-") or len(t) == 6


_ALIASED = frozenset(_GENE_ALIASES)
# read_finding relies on it: a text with '::' and no '-' is never a subtype name
if any("::" in name and "-" not in name for name in _SUBTYPES):  # pragma: no cover - a table guard
    raise ValueError("a subtype name with '::' and no '-'")
# Methods commonly written that are not classifiers: no need to search them for _CLASSIFIER.
_PLAIN_METHODS = frozenset({"FISH", "RT-PCR", "PCR", "RT-qPCR", "qPCR", "MLPA", "NGS", "SNP array"})
if any(_CLASSIFIER.search(m) for m in _PLAIN_METHODS):  # pragma: no cover - a guard on the table above
    raise ValueError("a plain method matches _CLASSIFIER")
# A ParsedFinding from a full 5-tuple, without its Python-level __new__.
_parsed = functools.partial(tuple.__new__, ParsedFinding)
# For ASCII text, re.IGNORECASE matches exactly what str.lower() equates, so the anchored word patterns
# (_COPIES, _FUSION_TAIL) are read with plain string tests; other text takes the patterns themselves.
_GENE_WORD = re.compile(r"[A-Z][A-Z0-9]*(?:orf\d+)? [^\s\-(),/:]+")  # on ASCII text only
_COPY_WORDS = frozenset({"copies", "copy number", "copy-number", "signals", "cn"})
_FUSION_WORDS = (" fusion", " rearrangement", " transcript")


def _plain_fusion(t: str) -> bool:
    """``_PLAIN_FUSION.fullmatch(t)``; for ASCII text without '-', with string tests (cheaper than the pattern)."""
    if "-" in t or not t.isascii():
        return _PLAIN_FUSION.fullmatch(t) is not None
    return all(part.isalnum() and part[0].isalpha() for part in t.split("::"))  # a letter, letters, digits


def read_finding(text: str, *, method: str | None = None, probability: float | None = None) -> ParsedFinding:
    """Read a finding's text; a classifier ``method`` or a ``probability`` makes it a subtype call."""
    return read_finding_text(text, method, probability)


def read_finding_text(text: str, method: str | None, probability: float | None) -> ParsedFinding:
    """:func:`read_finding` with positional arguments (cheaper to call on the case-loading path)."""
    t = " ".join(text.split())
    classifier = probability is not None or bool(
        method and method not in _PLAIN_METHODS and _CLASSIFIER.search(method)
    )
    if not classifier and "::" in t and "-" not in t and "orf" not in t and t.isascii():
        # The usual case, a fusion in HGNC notation (_PLAIN_FUSION without '-'): no subtype name has '::'
        # without '-', and no test below (ISCN, -r, copies, -ITD) can match it.
        normal = t.upper()
        parts = normal.split("::")
        for part in parts:  # a letter, then letters and digits (as _PLAIN_FUSION, ASCII)
            if not part.isalnum() or not part[0].isalpha():
                break
        else:
            if _ALIASED.isdisjoint(parts):  # no previous symbol to note (else the full reading below)
                return _parsed((normal, "fusion", tuple(parts), "fusion", ()))
    if classifier or t.lower() in _SUBTYPES:
        return _subtype(t, [])
    if "::" in t and "orf" not in t and _plain_fusion(t):
        # A fusion in HGNC notation: no test below (ISCN, -r, copies, -ITD) can match it.
        # Upper-casing the whole text upper-cases each gene (its '::' and '-digits' are kept).
        normal = t.upper()
        genes = tuple(normal.split("::"))
        if _ALIASED.isdisjoint(genes):  # no previous symbol to note (else the full reading below)
            return _parsed((normal, "fusion", genes, "fusion", ()))
    notes: list[str] = []
    if t.isascii() and _GENE_WORD.fullmatch(t):
        # 'IKZF1 deletion', 'KMT2A rearrangement': a gene and one word without '-', '(', ',', '/', ':'
        # cannot be read as ISCN, -r, -ITD or a fusion; only 'RUNX1 copies' is read otherwise.
        head, _, rest = t.partition(" ")
        word = rest.lower()
        if word not in _COPY_WORDS:
            if head in _GENE_ALIASES or (rest[:1].isupper() and rest[1:2].isdecimal()):
                return _gene_alteration(t, notes)  # a previous symbol or a protein change: with its note
            # as _gene_alteration: head is a gene in upper case (_GENE), kept as written by _gene
            return _parsed((t, "gene_alteration", (head,), _ALTERATIONS.get(word, rest), ()))
    if _may_be_iscn(t) and _ISCN.match(t):
        return ParsedFinding(t, "iscn", (), t)
    if t.endswith("-r") and _GENE_R.fullmatch(t):
        return _gene_alteration(t, notes)
    spaced = " " in t  # t's only whitespace is single spaces
    ascii_text = t.isascii()
    copies_of: str | None = None
    if spaced:
        if ascii_text:
            head, _, rest = t.partition(" ")
            copies_of = head if rest.lower() in _COPY_WORDS else None
        else:
            m = _COPIES.match(t)
            copies_of = m["gene"] if m else None
    if copies_of is not None and _GENE_ANYCASE.match(copies_of):
        gene = _gene(copies_of, notes)
        return ParsedFinding(f"{gene} copies", "copy_number", (gene,), "copies", tuple(notes))
    if "-" in t:  # without a hyphen the head is empty and cannot be a gene
        head, _, tail = t.rpartition("-")
        if tail.upper() in _MUTATION_SUFFIXES and _GENE_ANYCASE.match(head):
            gene = _gene(head, notes)
            return ParsedFinding(
                f"{gene} {tail.upper()}", "gene_alteration", (gene,), tail.upper(), tuple(notes)
            )
    candidate = t
    if spaced:
        if ascii_text:
            low = t.lower()
            for word in _FUSION_WORDS:
                if low.endswith(word):
                    candidate = t[: -len(word)]
                    break
        else:
            candidate = _FUSION_TAIL.sub("", t)
    # _split_fusion needs one of '::', '/', '-' (each of its forms is split at one of them)
    fusion = _split_fusion(candidate) if "::" in candidate or "/" in candidate or "-" in candidate else None
    if fusion:
        genes = tuple([_gene(g, notes) for g in fusion])
        normal = "::".join(genes)
        if "::" not in t:
            notes.append(f"{t!r} read as {normal!r} (HGNC fusion notation '::')")
        return ParsedFinding(normal, "fusion", genes, "fusion", tuple(notes))
    return _gene_alteration(t, notes)


def _gene_alteration(t: str, notes: list[str]) -> ParsedFinding:
    head, _, rest = t.partition(" ")
    if not rest and head.endswith("-r"):
        head, rest = head[:-2], "r"
    if not _GENE.match(head):
        return ParsedFinding(t, "other")
    gene = _gene(head, notes)
    if not rest:
        return ParsedFinding(t, "other", (gene,), None, tuple(notes))
    alteration = _ALTERATIONS.get(rest.lower(), rest)
    # _PROTEIN needs an A-Z and a decimal digit first (a cheap test rules out the usual words)
    if rest[:1].isupper() and rest[1:2].isdecimal() and _PROTEIN.match(rest):
        alteration = f"p.{rest}"
        notes.append(f"{rest!r} read as protein change {alteration!r}")
    finding = t if gene == head else f"{gene} {rest}"
    return _parsed((finding, "gene_alteration", (gene,), alteration, tuple(notes) if notes else ()))


_TRANSCRIPTS = {
    "p190": "p190",
    "e1a2": "p190",
    "e1a3": "p190",
    "minor bcr": "p190",
    "m-bcr minor": "p190",
    "p210": "p210",
    "e13a2": "p210",
    "e14a2": "p210",
    "e13a3": "p210",
    "e14a3": "p210",
    "b2a2": "p210",
    "b3a2": "p210",
    "major bcr": "p210",
    "p230": "p230",
    "e19a2": "p230",
    "c3a2": "p230",
    "micro bcr": "p230",
}


def normalise_transcript(text: str) -> str:
    """``P190``/``p 190``/``e1a2`` -> ``p190``; likewise p210 and p230; any other text is kept as written."""
    key = re.sub(r"\s+", " ", text.strip().lower())
    key = re.sub(r"^p ?(190|210|230)$", r"p\1", key)
    return _TRANSCRIPTS.get(key, text.strip())
