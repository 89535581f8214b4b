"""``python -m babelwire``: the ``babelwire`` command, for environments without its script on PATH."""

from babelwire.cli import main

main()
