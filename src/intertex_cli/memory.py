"""The cyclic garbage collector: off while a command runs, on while a person answers.

``__main__`` turns it off: a command reads, prints and exits, and the collector would
only walk, again and again, the modules being imported and the catalogue being read.
The wizard waits for a person and may run for long: before it starts, what is loaded
is frozen (moved out of the collector's sight: it stays) and collection comes back.
"""

from __future__ import annotations

import gc


def long_lived() -> None:
    gc.freeze()
    gc.enable()
