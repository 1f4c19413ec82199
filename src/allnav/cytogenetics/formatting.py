"""Canonical ISCN text from the domain objects (parse -> format -> parse gives the same features)."""

from __future__ import annotations

from allnav.cytogenetics.model import Abnormality, CellLine, ParsedKaryotype, Rearrangement


def format_rearrangement(r: Rearrangement) -> str:
    """``t(9;22)(q34;q11.2)``; a ring with nothing written stays ``r``."""
    out = ("?" if r.uncertain else "") + r.type
    if r.chromosomes:
        out += "(" + ";".join(r.chromosomes) + ")"
    if r.breakpoints is not None:
        out += "(" + ";".join("".join(g) for g in r.breakpoints) + ")"
    if r.constitutional:  # a derivative's constitutional part, before its further rearrangements
        out += r.constitutional + " "
    return out


def format_abnormality(a: Abnormality) -> str:
    """One item in canonical form, e.g. ``+der(22)t(9;22)(q34;q11.2)x2``."""
    if a.kind == "inc":
        return "inc"
    if a.kind in ("marker", "dmin"):
        lo, hi = a.count_range or (1, 1)
        num = "" if (lo, hi) == (1, 1) else (str(lo) if lo == hi else f"{lo}~{hi}")
        core = num + ("mar" if a.kind == "marker" else "dmin")
        if a.marker_number is not None:
            core += str(a.marker_number)
    elif a.kind == "numerical":
        core = ("?" if a.uncertain else "") + (a.chromosome or "?")
        if core == "??":
            core = "?"
    else:
        assert a.rearrangement is not None
        core = ("?" if a.uncertain else "") + format_rearrangement(a.rearrangement)
        core += "".join(format_rearrangement(d) for d in a.derivations)
        if a.count_range is not None:  # counted rings, +2r / +1~6r
            lo, hi = a.count_range
            core = (str(lo) if lo == hi else f"{lo}~{hi}") + core
    mult = f"x{a.copies}" if a.copies != 1 else ""
    return f"{a.sign}{core}{mult}{a.constitutional or ''}"


def _count(lo: int, hi: int, uncertain: bool) -> str:
    out = str(lo) + ("?" if uncertain and lo == hi else "")
    if hi != lo:
        out += f"~{hi}" + ("?" if uncertain else "")
    return out


def _item(a: Abnormality) -> str:
    return format_abnormality(a) + (f"[{a.cells}]" if a.cells is not None else "")


def format_cell_line(line: CellLine) -> str:
    """One cell line in canonical form (doubling notation and per-abnormality cell counts kept)."""
    out = _count(line.chromosome_count[0], line.chromosome_count[1], line.count_uncertain)
    if line.ploidy is not None:
        out += "<n>" if line.ploidy == 1 else f"<{line.ploidy}n>"
    head = []
    if line.sex is not None:
        head.append(line.sex + (line.sex_constitutional or ""))
    if line.reference is not None:
        copies = f"x{line.reference_copies}" if line.reference_copies != 1 else ""
        head.append(line.reference + copies)
    items = [_item(a) for a in line.abnormalities]
    if line.doubled_count is not None:
        inner = ",".join([_count(*line.doubled_count, False), *head, *items[: line.doubled_items]])
        text = ",".join([f"{out}({inner})x{line.doubling}", *items[line.doubled_items :]])
    else:
        text = ",".join([out, *head, *items])
    if line.cells is not None:
        text += f"[{'cp' if line.composite else ''}{line.cells}]"
    return text


def format_karyotype(k: ParsedKaryotype) -> str:
    """The whole karyotype in canonical ISCN form (the set-aside in situ result is kept as written)."""
    out = k.chimerism or ""
    for line in k.cell_lines:
        out += line.separator + format_cell_line(line)
    if k.set_aside is not None:
        out += "." + k.set_aside.text
    return out
