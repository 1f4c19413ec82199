"""The public karyotype API: :func:`parse_karyotype`, :class:`Karyotype` and :func:`features_of`.

>>> k = parse_karyotype("46,XX,t(9;22)(q34;q11.2)[18]/46,XX[2]")
>>> k.features()["recurrent"]["t_9_22"]
True
>>> k.format()
'46,XX,t(9;22)(q34;q11.2)[18]/46,XX[2]'
"""

from __future__ import annotations

from typing import Any, Final

from allnav.cytogenetics.features import compute
from allnav.cytogenetics.formatting import format_karyotype
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.model import CellLine, ParsedKaryotype, SetAside
from allnav.cytogenetics.normalise import MAX_INPUT_LENGTH, normalise
from allnav.cytogenetics.recurrent import RECURRENT_KEYS
from allnav.cytogenetics.scanner import scan
from allnav.errors import KaryotypeSyntaxError

#: Feature keys that are null for an invalid karyotype (``features_of``).
FEATURE_KEYS: Final = (
    "modal_number",
    "ploidy_class",
    "sex_chromosomes",
    "clone_count",
    "normal",
    "abnormality_count",
    "complex",
    "recurrent",
    "clones",
    "recurrent_evidence",
    "warnings",
    "normalised",
    "set_aside",
    "complex_convention",
    "abnormalities",
)


class Karyotype:
    """A parsed karyotype: the original text, what normalisation changed, and the cell lines.

    Immutable, compared and hashed by value like a frozen dataclass; its fields are read-only properties
    (a frozen dataclass's ``__init__`` costs more than normalising a common karyotype).
    """

    __slots__ = ("_input", "_normalised", "_parsed")

    def __init__(self, input: str, parsed: ParsedKaryotype, normalised: tuple[str, ...] = ()) -> None:
        self._input = input
        self._parsed = parsed
        self._normalised = normalised

    @property
    def input(self) -> str:
        """The text as given."""
        return self._input

    @property
    def parsed(self) -> ParsedKaryotype:
        """The grammar-level result."""
        return self._parsed

    @property
    def normalised(self) -> tuple[str, ...]:
        """What normalisation changed, in plain words."""
        return self._normalised

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Karyotype):
            return NotImplemented
        return (self._input, self._parsed, self._normalised) == (
            other._input,
            other._parsed,
            other._normalised,
        )

    def __hash__(self) -> int:
        return hash((self._input, self._parsed, self._normalised))

    def __repr__(self) -> str:
        return f"Karyotype(input={self._input!r}, parsed={self._parsed!r}, normalised={self._normalised!r})"

    @property
    def cell_lines(self) -> tuple[CellLine, ...]:
        """The clones in written order."""
        return self.parsed.cell_lines

    @property
    def set_aside(self) -> SetAside | None:
        """The trailing in situ / array result, if any."""
        return self.parsed.set_aside

    def features(self) -> dict[str, Any]:
        """The contract section-2 feature dict (computed afresh on each call)."""
        return compute(self._parsed, self._input, self._normalised)

    def format(self) -> str:
        """Canonical ISCN text; ``parse_karyotype(k.format())`` has the same features."""
        return format_karyotype(self._parsed)


def _check_length(text: str) -> None:
    if len(text) > MAX_INPUT_LENGTH:
        raise KaryotypeSyntaxError(
            f"the input is {len(text)} characters long; karyotypes over {MAX_INPUT_LENGTH} are refused",
            text=text[:200],
            position=MAX_INPUT_LENGTH,
            expected=[f"at most {MAX_INPUT_LENGTH} characters"],
            code="K004",
        )
    if not text.strip():
        raise KaryotypeSyntaxError(
            "the karyotype is empty", text=text, position=0, expected=["a chromosome count"], code="K004"
        )


def parse_karyotype(text: object) -> Karyotype:
    """Parse an ISCN karyotype; raises :class:`allnav.errors.KaryotypeSyntaxError` when it is malformed
    (also for a value that is not text, hence the ``object`` annotation: the check is done at run time).

    >>> parse_karyotype("47,XY,+21[20]").features()["modal_number"]
    47
    """
    if not isinstance(text, str):
        raise KaryotypeSyntaxError(
            f"a karyotype must be text, not {type(text).__name__}",
            text=repr(text)[:200],
            position=0,
            code="K004",
        )
    _check_length(text)
    norm = normalise(text)
    parsed = scan(norm)
    if parsed is None:
        try:
            parsed = lark_parse(norm)
        except KaryotypeSyntaxError:
            raise
        except RecursionError:  # pragma: no cover - LALR parsing is iterative; kept as a guard
            raise KaryotypeSyntaxError(
                "the karyotype is nested too deeply", text=text, position=0, code="K001"
            ) from None
    return Karyotype(text, parsed, norm.notes)


def invalid_features(text: str, error: KaryotypeSyntaxError) -> dict[str, Any]:
    """The feature dict of an invalid karyotype: ``valid`` false, the error, every other key null."""
    out: dict[str, Any] = {
        "input": text,
        "valid": False,
        "error": {
            "code": error.code,
            "message": error.message,
            "position": error.position,
            "expected": list(error.expected),
            "excerpt": error.excerpt,
        },
    }
    out.update(dict.fromkeys(FEATURE_KEYS))
    return out


def features_of(text: object) -> dict[str, Any]:
    """Features of a karyotype, or for an invalid one ``{"input", "valid": False, "error": {...}, ...}``.

    Never raises for bad input.

    >>> features_of("46,XY,t(9;22)(q34;q11.2")["error"]["code"]
    'K002'
    """
    try:
        return parse_karyotype(text).features()
    except KaryotypeSyntaxError as exc:
        return invalid_features(text if isinstance(text, str) else repr(text), exc)


__all__ = ["RECURRENT_KEYS", "Karyotype", "features_of", "parse_karyotype"]
