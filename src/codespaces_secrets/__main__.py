"""``python -m codespaces_secrets``: the command-line tool."""

from .runtime import cli

raise SystemExit(cli())
