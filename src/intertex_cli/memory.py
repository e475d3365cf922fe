"""The cyclic garbage collector: off while a command runs, on while a person answers.

``__main__`` turns it off: a command reads, prints and exits, and the collector would
only walk, again and again, the modules being imported and the catalogue being read.
The wizard waits for a person and may run for long: before it starts, what is loaded
is frozen (moved out of the collector's sight: it stays) and collection comes back,
less often than Python's default (every 50,000 allocations rather than 700): the
planner's first question at 5,000 schemes allocates a great deal, all of it kept.
"""

from __future__ import annotations

import gc


def long_lived() -> None:
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    gc.enable()
