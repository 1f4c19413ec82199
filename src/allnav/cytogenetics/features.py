"""Contract section-2 features from a parsed karyotype: clones and roles, modal number, ploidy class,
abnormality count, complex flag, recurrent abnormalities with evidence spans, and the count check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from allnav.cytogenetics.model import Abnormality, CellLine, ParsedKaryotype, Span
from allnav.cytogenetics.recurrent import (
    RECURRENT_KEYS,
    breakpoint_pairs,
    chromosome_name,
    components,
    constitutional_component,
    iamp21_evidence,
    rearrangement_flags,
)
from allnav.knowledge import RuleRef

PLOIDY_RULE = RuleRef("cyto.ploidy.class_bands")
COMPLEX_RULE = RuleRef("cyto.complex.threshold")

#: (lowest count, class) in ascending order; contract section 2.
PLOIDY_BANDS: tuple[tuple[int, str], ...] = (
    (0, "near_haploid"),  # below 24 is outside every source's bands; reported as near-haploid + warning
    (32, "low_hypodiploid"),
    (40, "high_hypodiploid"),
    (44, "hypodiploid_44_45"),
    (46, "diploid"),
    (47, "low_hyperdiploid"),
    (51, "high_hyperdiploid"),
    (68, "near_triploid"),
    (81, "near_tetraploid"),
)
COMPLEX_THRESHOLD: Final = 5
COMPLEX_CONVENTION: Final = (
    f"NCCN ALL v2.2026: >= {COMPLEX_THRESHOLD} acquired stemline abnormalities (each gain, loss, marker or "
    "structural change counts 1; constitutional not counted); gains of a high-hyperdiploid (51-67) "
    f"stemline are not counted, so high hyperdiploidy alone is not complex in ALL [{COMPLEX_RULE}]"
)


_KEY_ORDER: Final = {key: i for i, key in enumerate(RECURRENT_KEYS)}
#: every recurrent flag false; copied per karyotype (a dict copy is cheaper than ``dict.fromkeys``)
_NO_RECURRENT: Final[dict[str, bool]] = dict.fromkeys(RECURRENT_KEYS, False)
_BAND_LOWS: Final = tuple(low for low, _ in PLOIDY_BANDS)
_BAND_NAMES: Final = tuple(name for _, name in PLOIDY_BANDS)


def ploidy_class(count: int) -> str:
    """Contract ploidy class of a chromosome count (``46`` -> ``"diploid"``)."""
    i = len(_BAND_LOWS) - 1
    while i > 0 and count < _BAND_LOWS[i]:  # the highest band starting at or below the count
        i -= 1
    return _BAND_NAMES[i]


def is_constitutional(a: Abnormality) -> bool:
    """A ``c`` written after a derivative made by several rearrangements qualifies only the last one
    (``der(9)t(9;11)(p22;q23)t(11;12)(p13;q22)c``: the t(9;11) is acquired), so the item stays acquired."""
    return bool(a.constitutional) and len(a.derivations) < 2


def count_of(a: Abnormality) -> int:
    """How many abnormalities an item stands for (``+21x2`` two gains, ``+3mar`` three markers)."""
    if a.kind == "inc" or is_constitutional(a):
        return 0
    if a.kind == "dmin":
        return 1
    if a.count_range:  # +2mar, +1~3mar, +2r: the lower bound of the written number
        return a.count_range[0] * a.copies
    return a.copies


_NO_FLAGS: Final[tuple[str, ...]] = ()


def describe(a: Abnormality) -> tuple[dict[str, Any], Sequence[str]]:
    """The contract's abnormality object (plus sign, copies, uncertain, constitutional, cells) and the
    structural recurrent flags the item shows, computed in one pass over its rearrangements.

    The flags leave out a component a ``c`` marks as constitutional; the caller leaves out a wholly
    constitutional item (:func:`is_constitutional`).
    """
    kind, text, span, sign, chromosome, core, derivations, copies, uncertain, con, _, _, cells = a
    flags: Sequence[str] = _NO_FLAGS
    bps: list[str] = []
    if chromosome is not None:  # a whole chromosome gained or lost
        type_ = "gain" if sign == "+" else "loss"
        chroms = [chromosome if chromosome.isdigit() else chromosome_name(chromosome)]
    elif core is None and not derivations:  # marker, double minutes, inc
        type_ = "mar" if kind == "marker" else kind
        chroms = []
    else:
        type_ = core.type if core is not None else kind
        chroms = []
        found: list[str] = []
        if derivations or core is None or core.constitutional:
            skip = constitutional_component(a)
            parts = components(a)
        else:  # the common case, one rearrangement: the two calls inlined
            skip = None
            parts = (core,)
        for r in parts:
            names = [c if c.isdigit() else chromosome_name(c) for c in r.chromosomes]
            for name in names:
                if name not in chroms:
                    chroms.append(name)
            pairs = breakpoint_pairs(r, names) if r.breakpoints else []
            if pairs:
                bps.extend([c + b for c, b in pairs])
            if r is not skip:
                found.extend(rearrangement_flags(r, names, pairs))
        flags = found
    out = {
        "type": type_,
        "text": text,
        "chromosomes": chroms,
        "breakpoints": bps,
        "span": list(span),
        "sign": sign or None,
        "copies": copies,
        "uncertain": uncertain,
        "constitutional": con,
        "cells": cells,
    }
    return out, flags


def abnormality_dict(a: Abnormality) -> dict[str, Any]:
    """The contract's abnormality object plus sign, copies, uncertain, constitutional, cells."""
    return describe(a)[0]


#: a clone: (cell line, its full list of abnormalities, its sex chromosomes, normal?); a plain tuple, built
#: and read faster than a NamedTuple
_Clone = tuple[CellLine, tuple[Abnormality, ...], str | None, bool]


def _only_constitutional(items: tuple[Abnormality, ...]) -> bool:
    """True when every item is constitutional (an ``inc`` says unidentified changes exist: not normal)."""
    for a in items:  # noqa: SIM110 - a loop: any() over a generator costs more in this hot path
        if a.kind == "inc" or not is_constitutional(a):
            return False
    return True


def _constitutional_sex_count(line: CellLine) -> bool:
    """``47,XXYc``, ``45,Xc``: a constitutional sex complement and 44 autosomes."""
    if line.sex_constitutional is None or line.sex is None:
        return False
    expected = 44 + len(line.sex)
    return line.chromosome_count == (expected, expected)


def resolve_clones(k: ParsedKaryotype, warnings: list[str]) -> list[_Clone]:
    """Expand idem/sl/sdl references into each clone's full list of abnormalities.

    A clone is ``normal`` when it has no acquired change at the diploid level: ``46,XX``, or only
    constitutional changes (``47,XY,+21c``, ``47,XXYc``: ISCN 2024 6.4 e, the normal clone for that
    individual). A clone at another ploidy level (``92,XXYY``, ``69,XXY``) is never normal. When no abnormal
    clone precedes it, ``idem``/``sl``/``sdl`` names that constitutional clone (``47,XY,+21c[6]/48,idem,+11``),
    so the sideline inherits its sex chromosomes and constitutional changes (not counted as acquired).
    """
    clones: list[_Clone] = []
    stemlines: list[_Clone] = []  # abnormal clones written in full (sl1, sl2 name unrelated clones)
    sidelines: list[_Clone] = []  # clones written with a reference (sdl1, sdl2, sdl = the last one)
    constitutional: list[_Clone] = []  # normal clones written with constitutional changes (47,XY,+21c)
    for i, line in enumerate(k.cell_lines):
        base: _Clone | None = None
        ref = line.reference
        if ref is not None:
            pool, num = (sidelines, ref[3:]) if ref.startswith("sdl") else (stemlines, ref[2:])
            if ref == "idem":
                pool, num = stemlines, ""
            if ref == "sdl":  # the last sideline; right after a stemline, that stemline
                last = sidelines or stemlines
                base = last[-1] if last else None
            elif not num:
                base = pool[0] if pool else None
            elif 1 <= int(num) <= len(pool):
                base = pool[int(num) - 1]
            if base is None and constitutional and (ref in ("idem", "sdl") or ref[:2] == "sl"):
                base = constitutional[0]  # 47,XY,+21c[6]/48,idem,+11: idem is the constitutional clone
            if base is None:
                warnings.append(f"cell line {i + 1} refers to {ref!r} but no such earlier clone is written")
        items = line.abnormalities
        sex = line.sex
        if base is not None:
            copies = line.reference_copies  # 94,sdl1x2: the referenced clone doubled
            _, base_items, base_sex, _ = base
            items = base_items * copies + items if copies != 1 else base_items + items
            if sex is None and base_sex is not None:
                sex = base_sex * copies
        normal = (
            ref is None
            and line.ploidy in (None, 2)
            and line.doubled_count is None
            and (line.chromosome_count == (46, 46) or bool(items) or _constitutional_sex_count(line))
            and _only_constitutional(items)
        )
        clone = (line, items, sex, normal)
        clones.append(clone)
        if not normal:
            (sidelines if ref is not None else stemlines).append(clone)
        elif items or line.sex_constitutional is not None:
            constitutional.append(clone)
    return clones


def _level(count: int, ploidy: int | None) -> int:
    if ploidy is not None:
        return 23 * ploidy
    if count <= 34:
        return 23
    if count <= 57:
        return 46
    if count <= 80:
        return 69
    if count <= 103:
        return 92
    return 23 * round(count / 23)


_SEX_ONLY: Final = (("X",), ("Y",))


def _net_change(items: tuple[Abnormality, ...]) -> tuple[int, int, int, int] | None:
    """(autosomal low, autosomal high, sex chromosome change, structurally changed sex chromosomes) the
    items imply; None with ``inc``. ISCN writes only the normal sex chromosomes in the sex field when one
    is rearranged (``46,X,der(X)t(X;1)``, ``46,X,i(X)(q10)``): the last number lets the check count it."""
    auto_lo = auto_hi = sex_net = sex_struct = 0
    for kind, _, _, sign, chromosome, core, _, copies, _, _, count_range, _, _ in items:
        if kind == "inc":
            return None
        if sign:
            d = copies if sign == "+" else -copies
            if kind == "numerical" and (chromosome == "X" or chromosome == "Y"):
                sex_net += d
            elif count_range is not None:  # markers and counted rings (+2r)
                d_lo, d_hi = d * count_range[0], d * count_range[1]
                auto_lo += min(d_lo, d_hi)
                auto_hi += max(d_lo, d_hi)
            else:
                auto_lo += d
                auto_hi += d
        elif core is not None and kind == "structural":
            rtype = core.type
            if rtype == "dic" or rtype == "rob" or (rtype == "der" and len(core.chromosomes) > 1):
                auto_lo -= copies
                auto_hi -= copies
            elif core.chromosomes in _SEX_ONLY:
                sex_struct += copies
    return auto_lo, auto_hi, sex_net, sex_struct


def _extras(sex_net: int, sex_struct: int) -> tuple[int, ...]:
    """Sex chromosome corrections to try: listed gains/losses and rearranged sex chromosomes may or may
    not already be reflected in the sex chromosome field."""
    if sex_struct == 0:
        return (0,) if sex_net == 0 else (sex_net, 0)
    return (sex_struct, sex_net + sex_struct, sex_net, 0) if sex_net else (sex_struct, 0)


def count_warning(index: int, clone: _Clone) -> str | None:
    """A warning when the written count disagrees with the listed gains and losses (ISCN ploidy level).

    Expected = autosomes of the ploidy level + the sex chromosomes written + the listed changes; the level
    is the one written (``<3n>``) or ISCN's for the count (<=34 haploid, 35-57 diploid, 58-80 triploid,
    81-103 tetraploid), the diploid level also being accepted; listed sex chromosome gains/losses may or
    may not already be reflected in the sex chromosome field (``45,X,-Y`` and ``47,XY,+X`` both occur).
    """
    line, items, sex, _ = clone
    if line.doubled_count:
        return None
    net = _net_change(items)
    if net is None:
        return None
    auto_lo, auto_hi, sex_net, sex_struct = net
    lo, hi = line.chromosome_count
    sex_len = len(sex or "")
    if line.ploidy is None and sex_net == 0 and sex_struct == 0 and 35 <= lo <= 57:  # the common case
        base = 44 + sex_len
        if base + auto_lo <= hi and lo <= base + auto_hi:
            return None
    if line.ploidy is not None:
        levels: tuple[int, ...] = (23 * line.ploidy,)
    elif 35 <= lo <= 57:
        levels = (46,)
    else:
        level = _level(lo, None)
        levels = (level,) if level == 46 else (level, 46)
    nearest: tuple[int, int, int, int] | None = None
    for level in levels:
        base = level - level // 23 + sex_len
        for extra in _extras(sex_net, sex_struct):
            e_lo, e_hi = base + auto_lo + extra, base + auto_hi + extra
            if e_lo <= hi and lo <= e_hi:
                return None
            gap = min(abs(e_lo - lo), abs(e_hi - hi))
            if nearest is None or gap < nearest[0]:
                nearest = (gap, level, e_lo, e_hi)
    assert nearest is not None
    _, level, e_lo, e_hi = nearest
    want = str(e_lo) if e_lo == e_hi else f"{e_lo}-{e_hi}"
    written = str(lo) if lo == hi else f"{lo}~{hi}"
    return (
        f"cell line {index + 1} ({line.text}): the written count {written} does not match the "
        f"{want} chromosomes implied by the listed changes relative to the {level}-chromosome level"
    )


def compute(k: ParsedKaryotype, original: str, notes: tuple[str, ...]) -> dict[str, Any]:
    """The full feature dict for a parsed karyotype (contract section 2 plus documented extras).

    One pass over the written abnormalities builds each abnormality object and collects the recurrent
    evidence; the stemline's list (which may include items inherited through ``idem``) reuses them.
    """
    warnings: list[str] = []
    clones = resolve_clones(k, warnings)
    stem_i = 0
    for i, c in enumerate(clones):
        if not c[3]:  # the first abnormal clone
            stem_i = i
            break
    stem_line, stem_items, stem_sex, stem_normal = clones[stem_i]
    lo, hi = stem_line.chromosome_count
    modal: int | list[int] = lo if lo == hi else [lo, hi]
    basis = (lo + hi) // 2
    if lo != hi:
        warnings.append(
            f"the stemline count is a range {lo}~{hi}; its midpoint {basis} gives the ploidy class"
        )
    if basis < 24:
        warnings.append(f"a stemline count of {basis} is below every near-haploid band (24-31)")

    evidence: dict[str, list[tuple[Span, str]]] = {}
    clone_dicts: list[dict[str, Any]] = []
    for i, c in enumerate(clones):
        line = c[0]
        w = count_warning(i, c)
        if w:
            warnings.append(w)
        abn_dicts = []
        for a in line.abnormalities:
            d, flags = describe(a)
            abn_dicts.append(d)
            if flags and not is_constitutional(a):
                for key in flags:
                    ev = evidence.setdefault(key, [])
                    if (a.span, a.text) not in ev:
                        ev.append((a.span, a.text))
        lo_c, hi_c = line.chromosome_count
        clone_dicts.append(
            {
                "text": line.text,
                "cells": line.cells,
                "chromosome_count": lo_c if lo_c == hi_c else [lo_c, hi_c],
                "role": "normal" if c[3] else ("stemline" if i == stem_i else "sideline"),
                "abnormalities": abn_dicts,
                "reference": line.reference,
                "composite": line.composite,
                "span": list(line.span),
            }
        )

    # the stemline's acquired abnormalities, its own ones reusing the objects built above (copied)
    hyper = 51 <= basis <= 67
    abn_count = complex_count = 0
    stem_dicts: list[dict[str, Any]] = []
    if not stem_normal:
        own = clone_dicts[stem_i]["abnormalities"]
        inherited = len(stem_items) - len(own)
        for j, a in enumerate(stem_items):
            kind = a.kind
            if kind == "inc" or (a.constitutional and len(a.derivations) < 2):  # is_constitutional, inlined
                continue
            counted = a.count_range  # count_of, inlined
            n = 1 if kind == "dmin" else counted[0] * a.copies if counted else a.copies
            abn_count += n
            if not (hyper and kind == "numerical" and a.sign == "+"):
                complex_count += n
            stem_dicts.append(dict(own[j - inherited]) if j >= inherited else describe(a)[0])

    aside = k.set_aside
    iamp = iamp21_evidence(aside)
    if iamp:
        evidence["iamp21"] = iamp
    if hyper or basis < 44:
        count_ev = [(_count_span(stem_line), stem_line.text.split(",", 1)[0])]
        for key, cond in (
            ("high_hyperdiploid", hyper),
            ("hypodiploid_lt44", basis < 44),
            ("near_haploid", 24 <= basis <= 31),
            ("low_hypodiploid", 32 <= basis <= 39),
        ):
            if cond:
                evidence[key] = count_ev
    recurrent = _NO_RECURRENT.copy()
    for key in evidence:
        recurrent[key] = True
    keys = list(evidence)
    if len(keys) > 1:  # contract order (no sort call for the usual zero or one key)
        keys.sort(key=_KEY_ORDER.__getitem__)
    return {
        "input": original,
        "valid": True,
        "error": None,
        "modal_number": modal,
        "ploidy_class": ploidy_class(basis),
        "sex_chromosomes": stem_sex,
        "clone_count": len(clones),
        "normal": stem_normal,  # the stemline is the first abnormal clone, if any
        "abnormality_count": abn_count,
        "complex": complex_count >= COMPLEX_THRESHOLD,
        "recurrent": recurrent,
        "clones": clone_dicts,
        "recurrent_evidence": {
            key: [{"span": list(span), "text": text} for span, text in evidence[key]] for key in keys
        },
        "warnings": warnings,
        "normalised": list(notes),
        "set_aside": aside.to_dict() if aside else None,
        "complex_convention": COMPLEX_CONVENTION,
        "abnormalities": stem_dicts,
    }


def _count_span(line: CellLine) -> tuple[int, int]:
    head = line.text.split(",", 1)[0]
    return (line.span[0], line.span[0] + len(head))
