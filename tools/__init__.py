"""Developer and writer tools, run from the repository root as ``python -m tools.<name>``
(the Makefile does). Tools may import the plugins and each other, never tests/."""
