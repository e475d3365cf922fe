"""How fresh the catalogue's evidence is: what an editor checks before a release.

A status with no source or no date of evidence is a warning, not an error (the guide's
data stay valid; only what became of the scheme is unproven). The oldest evidence of
the catalogue says which card to look at first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Warning_:
    scheme: str
    message: str


def check(catalog) -> tuple[list[Warning_], tuple[str, str] | None]:
    """(warnings, (oldest evidence date, scheme id) or None)."""
    warnings: list[Warning_] = []
    dated: list[tuple[str, str]] = []
    for s in list(catalog.schemes.values()) + list(catalog.agencies.values()):
        st = s.status
        if st is None:
            warnings.append(Warning_(s.id, "no status"))
            continue
        if not st.sources:
            warnings.append(Warning_(s.id, f"status {st.value!r} has no source"))
        if not st.evidence_date:
            warnings.append(Warning_(s.id, f"status {st.value!r} has no date of evidence"))
        else:
            dated.append((st.evidence_date, s.id))
        for src in st.sources:
            if not src.date:
                warnings.append(Warning_(s.id, f"source {src.url} is undated"))
    return warnings, (min(dated) if dated else None)
