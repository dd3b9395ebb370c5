"""``python -m codespaces_secrets``: the command-line tool."""

from .process import cli

raise SystemExit(cli())
