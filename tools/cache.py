"""Values the reporting tools would otherwise recompute on every run, kept as JSON in
``cache/tools/`` (beside Pelican's and the citation plugin's caches; git ignores it).

    settings = json_cached("settings", [read(conf), pelican_version], compute)

A value is stored under a name and the SHA-256 of everything it is computed from
(``key``: the files' bytes, versions, and the source of the code that computes it), so
any change to one of them is a new key and the value is computed again: nothing is
keyed by time. Writing is atomic (a temporary file, then ``os.replace``), older values
of the same name are removed, and a missing, unreadable or corrupt file is only a miss.
The value must be JSON (no pickle: reading the cache runs no code).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE_DIR = os.path.join(ROOT, "cache", "tools")


def digest(key: Iterable[bytes | str]) -> str:
    """SHA-256 of the parts, each length-prefixed (so ``["ab", "c"]`` differs from ``["a", "bc"]``)."""
    sha = hashlib.sha256()
    for part in key:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        sha.update(len(data).to_bytes(8, "big") + data)
    return sha.hexdigest()


def file_bytes(path: str) -> bytes:
    """A file's bytes for a key (a missing file is a key of its own)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b"\0missing\0" + path.encode("utf-8", "surrogateescape")


def json_cached(name: str, key: Iterable[bytes | str], compute: Callable[[], object],
                folder: str = CACHE_DIR):
    """``compute()``'s value for ``key``, from ``folder`` when it was computed before."""
    path = os.path.join(folder, f"{name}-{digest(key)[:40]}.json")
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = compute()
    text = json.dumps({"value": value}, ensure_ascii=False, sort_keys=True)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
        for old in glob.glob(os.path.join(glob.escape(folder), f"{glob.escape(name)}-*.json")):
            if old != path:
                os.remove(old)
    except OSError:
        pass  # a read-only checkout: the value still serves this run
    return json.loads(text)["value"]  # what a later run reads back, so both runs agree
