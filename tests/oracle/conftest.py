"""The oracle tests import their harness (``pandoc_oracle``) from this folder:
pytest's default ``prepend`` import mode puts a test's folder first on the path."""
