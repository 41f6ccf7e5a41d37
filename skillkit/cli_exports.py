"""Commands of the CLI that live beside `cli.py` (registered there): placeholder."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
