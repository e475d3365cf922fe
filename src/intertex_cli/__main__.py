"""Entry point: ``intertex`` and ``python -m intertex_cli``.

Imports nothing heavy before it knows what to do: ``--version`` answers at once.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import gc

    # A command reads, prints and exits: the cyclic collector would only walk, again
    # and again, the modules being imported and the catalogue being read (a sixth of
    # the start-up time). Off for the run; the wizard turns it on (memory.py).
    gc.disable()
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from . import __version__

        print(f"intertex {__version__}")
        return 0
    from .cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
