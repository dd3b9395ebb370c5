"""Container entry point: run the action and exit with its status."""

from codespaces_secrets.process import action

if __name__ == "__main__":
    raise SystemExit(action())
