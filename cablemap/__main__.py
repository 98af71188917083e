"""``python -m cablemap`` and the ``cablemap`` command: import the command line, run it.

Importing the command line creates some 40,000 objects (click, the commands and their
options, the modules) that live until the process ends and are never garbage. The cyclic
garbage collector is paused while they are created, and they are then moved to its
oldest generation, so no young collection walks them again: about 1% of a route
answer's work (5 M of 647 M instructions), measured in ``docs/performance.md``.
"""

import gc


def run() -> None:
    """Run the command line (the ``cablemap`` console script's entry point)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from cablemap.cli import main
    finally:
        if gc.get_freeze_count() == 0:  # freeze, then unfreeze: to the oldest generation
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()
    main()


if __name__ == "__main__":
    run()
