"""The package registers its adapter where Silkgraph looks for it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kz_customs_partner import KzCustomsAdapter


def test_the_entry_point_names_the_adapter_class() -> None:
    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = pyproject["project"]["entry-points"]["silkgraph.adapters"]
    assert entry_points == {"kz_customs": "kz_customs_partner.adapter:KzCustomsAdapter"}
    assert KzCustomsAdapter.name == "kz_customs"
