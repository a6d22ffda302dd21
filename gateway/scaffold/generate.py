"""Render the new-adapter templates (``templates/``) into a package directory.

The package holds a pyproject registering the adapter in ``silkgraph.adapters``, the adapter, a Federation v2
subgraph with one entity, a REST sandbox with seed data, DataLoader-backed ``resolve_reference``, contract tests
and a README. Templates use :class:`string.Template` placeholders (``${module}``, ``${Type}``...).
"""

from __future__ import annotations

import dataclasses
import re
import string
import zlib
from pathlib import Path

from gateway.errors import ConfigError

__all__ = ["AdapterNames", "scaffold"]

TEMPLATES = Path(__file__).parent / "templates"
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
#: names the platform already uses; a partner adapter with one of them could not be installed next to it
_TAKEN = frozenset({"reference", "tax", "customs", "payments", "cargo", "barter", "vehicles"})


@dataclasses.dataclass(frozen=True)
class AdapterNames:
    """Every spelling of the adapter's name the templates need, derived from ``name`` (``rail_freight``)."""

    name: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or self.name.endswith("_") or "__" in self.name:
            raise ConfigError(
                "new-adapter NAME",
                f"{self.name!r} is not an adapter name: use lower-case letters, digits and single underscores, "
                "starting with a letter (e.g. rail_freight)",
            )
        if self.name in _TAKEN:
            raise ConfigError("new-adapter NAME", f"{self.name!r} is a built-in adapter's name; pick another")

    @property
    def camel(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def values(self) -> dict[str, str]:
        lower_camel = self.camel[0].lower() + self.camel[1:]
        return {
            "name": self.name,
            "module": self.name,
            "dashed": self.name.replace("_", "-"),
            "dist": "silkgraph-" + self.name.replace("_", "-"),
            "Class": self.camel,
            "Type": f"{self.camel}Record",
            "field": f"{lower_camel}Record",
            "list_field": f"{lower_camel}Records",
            "field_py": f"{self.name}_record",
            "list_field_py": f"{self.name}_records",
            "title": " ".join(part.capitalize() for part in self.name.split("_")),
            "prefix": "".join(part[0] for part in self.name.split("_")).upper()[:3].ljust(2, "X"),
            "port": str(4400 + zlib.crc32(self.name.encode()) % 500),
        }


def scaffold(name: str, directory: str | Path = ".") -> Path:
    """Write the package for adapter ``name`` under ``directory``; return the package's root directory."""
    names = AdapterNames(name)
    values = names.values()
    root = Path(directory) / values["dist"]
    if root.exists() and any(root.iterdir()):
        raise ConfigError("new-adapter --dir", f"{root} already exists and is not empty; choose another --dir")
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATES).with_suffix("")
        parts = [values["module"] if p == "package" else p for p in relative.parts]
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(string.Template(template.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
    return root
