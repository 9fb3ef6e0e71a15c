"""Reproducible builds: two clean builds of the same commit are byte-identical.

The two builds differ in everything that must not matter: the output folder,
the hash seed (set and dict ordering), and the moment they run (a second apart
at least, so a timestamp taken from the clock shows up). The first of each pair
is the run's shared build (support.REAL_BUILDS, hash seed 1), so this costs one
build per command, not two.
"""

from __future__ import annotations

import difflib
import time

import pytest

from support import HASH_SEED, REAL_BUILDS, build, shared_build, snapshot


@pytest.mark.parametrize("how", sorted(REAL_BUILDS))
def test_two_clean_builds_are_byte_identical(tmp_path_factory, tmp_path, how):
    first, _ = shared_build(tmp_path_factory, how)
    second = tmp_path / "two" / "output"
    options = dict(REAL_BUILDS[how])
    env = options.pop("env", {})
    assert HASH_SEED != "2"
    time.sleep(1.1)  # at least a second after the shared build, however fast this run is
    result = build(second, **options, env={**env, "PYTHONHASHSEED": "2"})
    assert result.returncode == 0, result.stderr
    one, two = snapshot(first), snapshot(second)
    assert sorted(one) == sorted(two), f"different files: {sorted(set(one) ^ set(two))}"
    differing = [name for name in one if one[name] != two[name]]
    details = []
    for name in differing[:5]:
        try:
            a, b = one[name].decode().splitlines(), two[name].decode().splitlines()
        except UnicodeDecodeError:
            details.append(f"{name}: binary files differ")
            continue
        details.append("\n".join(list(difflib.unified_diff(a, b, name, name, n=0, lineterm=""))[:8]))
    assert not differing, f"{len(differing)} file(s) differ between two builds:\n" + "\n".join(details)
