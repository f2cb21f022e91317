"""The `tracker` command line: parse arguments, call the services, print. Nothing else.

One module per command group; `root` holds the group and the entry point."""

from tracker.cli.root import cli, main

__all__ = ["cli", "main"]
