"""``akile``: the AK AI Gateway from a terminal: ``models``, ``chat`` and ``doctor``.

Built on ``akile_core`` and the standard library only (argparse, ANSI colour on terminals), so
it starts fast and installs with the package: the ``cli`` extra pulls in nothing more.
"""
