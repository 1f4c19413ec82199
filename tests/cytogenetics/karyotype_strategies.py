"""Hypothesis strategies that write ISCN karyotypes (shared by the round-trip and equivalence tests)."""

from __future__ import annotations

from hypothesis import strategies as st

AUTOSOMES = [str(i) for i in range(1, 23)]
CHROMOSOMES = [*AUTOSOMES, "X", "Y"]
SUB = st.sampled_from(["", ".1", ".2", ".3", ".31"])


@st.composite
def bands(draw: st.DrawFn) -> str:
    """A band such as q11.2, p13, pter, cen."""
    kind = draw(st.integers(0, 12))
    if kind == 0:
        return draw(st.sampled_from(["pter", "qter", "cen", "p10", "q10", "q2?", "p1?3"]))
    arm = draw(st.sampled_from("pq"))
    band = f"{arm}{draw(st.integers(1, 3))}{draw(st.integers(1, 9))}{draw(SUB)}"
    if kind == 1:  # an uncertain range such as q14~22 or p11-p12
        band += draw(st.sampled_from(["~", "-"])) + draw(st.sampled_from(["22", "12.1", f"{arm}2{kind}"]))
    return band


chromosome = st.sampled_from(CHROMOSOMES)
autosome = st.sampled_from(AUTOSOMES)


@st.composite
def exchange(draw: st.DrawFn, max_chromosomes: int = 3) -> str:
    """t(a;b)(x;y) or a three-way t(a;b;c)(x;y;z)."""
    n = draw(st.integers(2, max_chromosomes))
    chroms = draw(st.lists(chromosome, min_size=n, max_size=n))
    return f"t({';'.join(chroms)})({';'.join(draw(bands()) for _ in chroms)})"


@st.composite
def structural(draw: st.DrawFn) -> str:
    """One structural rearrangement, possibly a derivative built from others."""
    kind = draw(st.integers(0, 11))
    c = draw(chromosome)
    if kind == 0:
        return draw(exchange())
    if kind in (1, 2, 3, 4):
        t = draw(st.sampled_from(["del", "dup", "inv", "trp", "qdp", "r"]))
        if t == "inv" or draw(st.booleans()):
            return f"{t}({c})({draw(bands())}{draw(bands())})"
        return f"{t}({c})({draw(bands())})"
    if kind == 5:
        return f"{draw(st.sampled_from(['add', 'hsr', 'fra', 'idic']))}({c})({draw(bands())})"
    if kind == 6:
        return f"i({c})(q10)" if draw(st.booleans()) else f"i({c}q)"
    if kind == 7:
        a, b = draw(autosome), draw(autosome)
        return f"{draw(st.sampled_from(['dic', 'rob']))}({a};{b})({draw(bands())};{draw(bands())})"
    if kind == 8:
        a, b = draw(chromosome), draw(chromosome)
        return f"ins({a};{b})({draw(bands())};{draw(bands())}{draw(bands())})"
    if kind == 9:
        return f"der({c})({c}pter->{c}q21::{draw(autosome)}q11->{draw(autosome)}qter)"
    parts = draw(st.lists(st.one_of(exchange(2), st.just(f"del({c})(p13)")), min_size=1, max_size=2))
    return draw(st.sampled_from(["der", "ider"])) + f"({c})" + "".join(parts)


@st.composite
def abnormality(draw: st.DrawFn) -> str:
    """A numerical or structural abnormality with optional sign, uncertainty, multiplier, constitutional mark."""
    kind = draw(st.integers(0, 10))
    if kind == 10:
        out = "+r" if draw(st.booleans()) else "inc"
    elif kind <= 3:
        out = draw(st.sampled_from("+-")) + ("?" if draw(st.integers(0, 6)) == 0 else "") + draw(chromosome)
        if draw(st.integers(0, 5)) == 0:
            out += f"x{draw(st.integers(2, 3))}"
    elif kind == 4:
        n = draw(st.integers(1, 3))
        out = "+" + ("" if n == 1 else str(n)) + "mar"
    elif kind == 5:
        out = f"{draw(st.integers(1, 20))}dmin" if draw(st.booleans()) else "dmin"
    else:
        out = draw(structural())
        if draw(st.integers(0, 4)) == 0:
            out = "?" + out
        elif draw(st.integers(0, 4)) == 0:
            out = "+" + out
    if (
        draw(st.integers(0, 12)) == 0
        and not out.endswith(("dmin", "inc"))
        and out[0] in "+-?" + "abcdefghijklmnopqrstuvwxyz"
    ):
        out += draw(st.sampled_from(["c", "?c", "mat"]))
    return out


@st.composite
def cell_line(draw: st.DrawFn, reference: str | None = None) -> str:
    """One clone: count, sex chromosomes (or a reference), abnormalities and a cell count."""
    lo = draw(st.integers(24, 95))
    count = str(lo)
    if draw(st.integers(0, 6)) == 0:
        count += f"~{lo + draw(st.integers(1, 3))}"
    head = reference or draw(st.sampled_from(["XX", "XY", "X", "XXY", "XXc"]))
    items = draw(st.lists(abnormality(), max_size=6))
    cp = "cp" if draw(st.integers(0, 5)) == 0 else ""
    doubled = reference is None and draw(st.integers(0, 9)) == 0
    if cp and items and not doubled and draw(st.booleans()):  # composite, per-abnormality cell counts
        items = [f"{item}[{draw(st.integers(1, 9))}]" for item in items]
    if doubled:  # ISCN doubling notation
        inner = ",".join([str(lo // 2 or 1), head, *items])
        return f"{lo}({inner})x2,+{draw(autosome)}[{cp}{draw(st.integers(1, 30))}]"
    return ",".join([count, head, *items]) + f"[{cp}{draw(st.integers(1, 30))}]"


@st.composite
def karyotypes(draw: st.DrawFn) -> str:
    """A whole karyotype: 1-4 clones (idem/sl/sdl sidelines, a normal clone), optional FISH tail."""
    lines = [draw(cell_line())]
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(cell_line(draw(st.sampled_from(["idem", "sl", "sl1", "sdl1", "sdl", "idemx2"])))))
    if draw(st.booleans()):
        lines.append(f"46,XX[{draw(st.integers(1, 20))}]")
    text = "/".join(lines)
    if draw(st.integers(0, 4)) == 0:
        text += ".nuc ish(ABL1,BCR)x3[200]"
    return text
