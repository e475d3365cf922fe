"""A company profile as the engine sees it: known answers and the keys answered "je ne sais pas"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Known answers and the keys explicitly answered as unknown."""

    answers: dict
    skipped: frozenset = frozenset()

    def open(self, key: str) -> bool:
        """No value known: an answer could still be given (even after "je ne sais pas")."""
        if key in self.answers:
            return False
        if key == "region":  # derived from the département, unless that is unknown
            return "department" in self.skipped
        return True

    def askable(self, key: str) -> bool:
        """Open and not answered "je ne sais pas": the wizard may ask it."""
        return self.open(key) and key not in self.skipped
