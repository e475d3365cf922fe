"""Entry point: ``intertex`` and ``python -m intertex_cli``.

Imports nothing heavy before it knows what to do: ``--version`` answers at once.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from . import __version__

        print(f"intertex {__version__}")
        return 0
    import gc

    # Full collections rare: a command builds its catalogue's objects and keeps them to
    # the end, and each full collection walks them all (at 5,000 cards, about 40 % of
    # check's CPU time, a fifth of list's); young cycles are still collected.
    gc.set_threshold(700, 10, 1000)
    from .text.sanitize import degrade_streams

    degrade_streams()  # a stdout that is not UTF-8 gets plain letters, never a crash
    from .cli import run

    code = run(args)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away after the last write: a normal end
        from .cli import _silence_stdout

        _silence_stdout()
    except (OSError, ValueError, AttributeError):
        pass
    return code


def entry() -> None:
    """The ``intertex`` command: ``main``, then the process ends at once.

    Everything the command writes is written and closed by then (files atomically,
    safeio.py); what remains is the interpreter freeing, one by one, every object
    of the run and every module: a tenth of a second after a 5,000-scheme check,
    a few milliseconds after any command. Standard output and error are flushed,
    then ``os._exit`` ends the process with the command's exit code."""
    import os

    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away: a normal end
            pass
        except (OSError, ValueError, AttributeError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    entry()
