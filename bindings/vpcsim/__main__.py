"""`python -m vpcsim ...`: the same as the `vpcsim` command."""

from vpcsim.cli import entry

entry()
