"""Container entry point: run the action and exit with its status."""

from codespaces_secrets.action import main

if __name__ == "__main__":
    raise SystemExit(main())
