"""One lesion's call (present / absent / unknown) and the rule a call follows by default."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from allnav.knowledge import RuleRef

LESION = RuleRef("gen.lesion_call")


class LesionCall(NamedTuple):
    """One lesion: ``present`` True / False / None (None = not tested or undecided, never normal).

    Immutable (a named tuple: a dozen are built per case).
    """

    present: bool | None
    evidence: Sequence[str]
    inputs: Sequence[dict[str, Any]]
    rule: str = LESION
    label: str = ""
    conflict: bool = False
    transcript: str | None = None


#: A :class:`LesionCall` from a tuple of all seven fields in order, skipping the keyword and default
#: handling of the generated constructor (a third cheaper; a dozen calls are built per case).
new_call = functools.partial(tuple.__new__, LesionCall)
