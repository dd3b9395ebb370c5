"""``python -m codespaces_secrets``: the command-line tool."""

from .cli import main

raise SystemExit(main())
