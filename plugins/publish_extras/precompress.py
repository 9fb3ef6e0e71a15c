"""Pre-compressed `.gz` copies for hosts that serve them (nginx `gzip_static`, Caddy
`precompressed`, Apache with a rewrite rule).

The gzip header carries no file name and a zero timestamp, so two builds of the same
site give byte-identical `.gz` files and a deploy that compares checksums (rsync -c)
uploads only what changed.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable


def deterministic_gzip(data: bytes) -> bytes:
    """gzip ``data`` at level 9 with mtime 0 and no file name in the header."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def precompress_tree(root: str, extensions: Iterable[str]) -> list[str]:
    """Write `name.gz` beside every file under ``root`` ending in one of ``extensions``.

    Returns the relative paths of the files compressed, sorted.
    """
    suffixes = tuple(ext.lower() if ext.startswith(".") else f".{ext.lower()}" for ext in extensions)
    written = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.lower().endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as source:
                compressed = deterministic_gzip(source.read())
            with open(path + ".gz", "wb") as target:
                target.write(compressed)
            written.append(os.path.relpath(path, root))
    return written
