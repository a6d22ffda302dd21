"""``silkgraph new-adapter`` writes a package that passes its own tests (and lint) straight away."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.errors import ConfigError
from gateway.scaffold import AdapterNames, scaffold

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_new_adapter_scaffolds_a_package_that_passes_its_own_tests(tmp_path: Path) -> None:
    assert main(["new-adapter", "rail_freight", "--dir", str(tmp_path)]) == 0
    package = tmp_path / "silkgraph-rail-freight"
    pyproject = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["silkgraph.adapters"] == {
        "rail_freight": "rail_freight.adapter:RailFreightAdapter"
    }
    # not pip-installed: the package is importable from its directory, Silkgraph from this checkout
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package), str(ROOT)])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", str(package / "tests")],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "10 passed" in run.stdout  # the contract (with its authorization-rule check) and packaging
    assert "silkgraph adapters:" in run.stdout  # the pytest11 entry point loaded the silkgraph plugin


def test_the_scaffold_is_lint_clean(tmp_path: Path) -> None:
    package = scaffold("astana_rail", tmp_path)
    ruff = Path(sys.executable).parent / "ruff"
    for args in (["check", "."], ["format", "--check", "."]):
        run = subprocess.run([str(ruff), *args], cwd=package, capture_output=True, text=True, check=False, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("name", ["Rail", "1rail", "rail-freight", "rail__x", "customs"])
def test_bad_or_taken_names_are_refused(name: str) -> None:
    with pytest.raises(ConfigError):
        AdapterNames(name)


def test_an_existing_directory_is_not_overwritten(tmp_path: Path) -> None:
    scaffold("rail_freight", tmp_path)
    with pytest.raises(ConfigError, match="already exists"):
        scaffold("rail_freight", tmp_path)
