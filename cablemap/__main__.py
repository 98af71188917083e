"""``python -m cablemap``: the same as the ``cablemap`` command."""

from cablemap.cli import main

if __name__ == "__main__":
    main()
