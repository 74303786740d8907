"""``python -m akile_cli``: the same as the ``akile`` command."""

from akile_cli.main import main

raise SystemExit(main())
