"""Reading FHIR R4 input: Bundles (collection, transaction, searchset, batch, document), single
resources, and Bulk Data NDJSON, each resource checked with the fhir.resources R4B models.

A resource that is not valid FHIR is not dropped silently: it is returned in ``invalid`` with the
reason, and the importer lists it in the mapping report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from allnav.errors import InteropError

BUNDLE_TYPES = frozenset(
    {"collection", "transaction", "searchset", "batch", "document", "transaction-response"}
)


@dataclass
class ReadResult:
    """Resources read from the input, and those refused with a reason.

    ``aliases`` maps each Bundle entry's ``fullUrl`` (``urn:uuid:...`` in transactions, or an absolute URL)
    to ``Type/id``, so references written either way resolve to the same resource.
    """

    resources: list[dict[str, Any]] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)


def _label(res: dict[str, Any]) -> str:
    return f"{res.get('resourceType', '?')}/{res.get('id', '?')}"


def _validate(res: dict[str, Any], out: ReadResult, origin: str) -> None:
    rtype = res.get("resourceType")
    if not isinstance(rtype, str):
        out.invalid.append({"resource": f"?/{res.get('id', '?')}", "why": f"{origin}: no resourceType"})
        return
    try:
        model = get_fhir_model_class(rtype)
    except ValueError:
        out.invalid.append({"resource": _label(res), "why": f"{origin}: unknown resourceType {rtype!r}"})
        return
    try:
        model.model_validate(res)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        out.invalid.append(
            {"resource": _label(res), "why": f"{origin}: not valid FHIR R4 at {where}: {first.get('msg')}"}
        )
        return
    out.resources.append(res)


def _add(obj: Any, out: ReadResult, origin: str) -> None:
    if not isinstance(obj, dict):
        out.invalid.append({"resource": "?", "why": f"{origin}: a FHIR resource must be a JSON object"})
        return
    if obj.get("resourceType") == "Bundle":
        btype = obj.get("type")
        if btype not in BUNDLE_TYPES:
            out.invalid.append(
                {"resource": _label(obj), "why": f"{origin}: unsupported Bundle type {btype!r}"}
            )
            return
        for i, entry in enumerate(obj.get("entry") or []):
            res = entry.get("resource") if isinstance(entry, dict) else None
            full_url = entry.get("fullUrl") if isinstance(entry, dict) else None
            if isinstance(res, dict) and isinstance(full_url, str):
                if "id" not in res and full_url.startswith("urn:uuid:"):
                    # a transaction's new resource has no id yet: its uuid stands in (a valid FHIR id)
                    res = {**res, "id": full_url.removeprefix("urn:uuid:")}
                if isinstance(res.get("resourceType"), str) and "id" in res:
                    out.aliases[full_url] = f"{res['resourceType']}/{res['id']}"
            if res is None:
                out.invalid.append(
                    {"resource": f"Bundle/{obj.get('id', '?')}#entry{i}", "why": "entry without resource"}
                )
                continue
            _add(res, out, f"{origin} entry {i}")
        return
    _validate(obj, out, origin)


def read_fhir_text(text: str, origin: str = "input") -> ReadResult:
    """Read one JSON document (a Bundle or a resource) or NDJSON (one resource per line)."""
    out = ReadResult()
    stripped = text.strip()
    if not stripped:
        raise InteropError(f"{origin}: empty input")
    try:
        _add(json.loads(stripped), out, origin)
        return out
    except json.JSONDecodeError:
        pass
    for lineno, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InteropError(
                f"{origin} line {lineno}: not JSON or NDJSON ({exc.msg} at column {exc.colno})"
            ) from exc
        _add(obj, out, f"{origin} line {lineno}")
    return out


def read_fhir_texts(texts: Iterable[tuple[str, str]]) -> ReadResult:
    """Read several documents given as (origin, text) pairs into one result."""
    total = ReadResult()
    for origin, text in texts:
        part = read_fhir_text(text, origin)
        total.resources.extend(part.resources)
        total.invalid.extend(part.invalid)
        total.aliases.update(part.aliases)
    return total
