"""Supply-chain pins: the hashed lock files CI installs agree with the pins, and every
GitHub Action is pinned by a full commit SHA with its version beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {
    # lock file: (the requirement files it was compiled from, the constraints it must match)
    "requirements.lock": (("requirements.txt",), "constraints.txt"),
    "requirements-test.lock": (("requirements.txt", "requirements-test.txt"), "constraints.txt"),
    "requirements-docs.lock": (("requirements-docs.txt",), "constraints-docs.txt"),
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normal(match[1])] = match[2]
    return found


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """``name -> (version, [sha256, ...])`` from a pip-compile --generate-hashes file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = normal(match[1])
            entries[current] = (match[2], [])
        elif current and (digest := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            entries[current][1].append(digest[1])
        elif not line.startswith(" "):
            current = None
    return entries


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_file_has_a_hash_for_every_package_and_matches_the_pins(lock):
    sources, constraints_file = LOCKS[lock]
    entries = locked(ROOT / lock)
    assert entries, f"{lock} lists no package"
    assert not [name for name, (_version, hashes) in entries.items() if not hashes]
    constraints = pins(ROOT / constraints_file)
    differ = {name: (version, constraints.get(name)) for name, (version, _hashes) in entries.items()
              if constraints.get(name) != version}
    assert differ == {}, f"{lock} and {constraints_file} disagree (run `make lock`): {differ}"
    for source in sources:
        for name, version in pins(ROOT / source).items():
            assert entries.get(name, (None,))[0] == version, (
                f"{source} pins {name}=={version} but {lock} has {entries.get(name, (None,))[0]}; "
                "run `make lock`")


def test_ci_installs_with_hashes():
    assert re.search(r"^make test LOCKED=1$", (ROOT / ".ci" / "run").read_text(), re.M)
    makefile = (ROOT / "Makefile").read_text()
    for lock in LOCKS:
        assert f"--require-hashes -r {lock}" in makefile
    publish = (ROOT / ".github" / "workflows" / "publish.yml").read_text()
    assert "make publish LOCKED=1" in publish


def workflow_steps():
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                yield path, step


def test_every_action_is_pinned_by_full_commit_sha_with_its_version():
    lines = [
        (path.name, line.strip())
        for path in sorted((ROOT / ".github" / "workflows").glob("*.yml"))
        for line in path.read_text().splitlines()
        if re.match(r"\s*-?\s*uses:", line)
    ]
    assert len(lines) == sum(1 for _path, step in workflow_steps() if "uses" in step) > 0
    for name, line in lines:
        assert re.fullmatch(r"-?\s*uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), (name, line)


def test_release_workflow_publishes_on_a_version_tag_with_trusted_publishing():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert on["push"]["tags"] == ["faq-citations-v*"]
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["needs"] == "build"
    assert any(step.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for step in publish["steps"])
    build_runs = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert "--require-hashes" in build_runs and "python -m build" in build_runs
    assert "twine check --strict" in build_runs
    assert workflow["permissions"] == {"contents": "read"}
