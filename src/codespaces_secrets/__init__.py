"""Create, update and delete GitHub organization secrets, from a workflow or a terminal."""

__version__ = "1.0.0"
