"""What the diagnosis needs from the genetic profile (the real one is built in :mod:`allnav.genetics`).

Lesion ids used here: ``igh_il3`` (IGH::IL3, R-A8), ``t_8_14`` and ``myc_r`` (MYC rearrangement,
including t(8;14); Burkitt features, R-A9).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class LesionCallLike(Protocol):
    """One lesion's call: present True / False / None (not tested), with the evidence used."""

    @property
    def present(self) -> bool | None: ...

    @property
    def evidence(self) -> Sequence[str]: ...


class GeneticProfileLike(Protocol):
    """A genetic profile that can be asked about one lesion by id."""

    def call(self, lesion_id: str) -> LesionCallLike:
        """The call for ``lesion_id`` (unknown ids: present None)."""
