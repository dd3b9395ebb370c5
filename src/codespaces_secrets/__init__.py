"""Create, update and delete GitHub organization secrets, from a workflow or a terminal."""

__version__ = "0.1.0"
