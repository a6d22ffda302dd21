"""The documentation's links: every relative link in README.md and docs/ resolves to a file inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "examples").rglob("*.md")])
#: [text](target) and [text]: target, outside code spans and fenced blocks
_INLINE = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")


def _links(text: str) -> list[str]:
    prose = _CODE.sub("", _FENCE.sub("", text))
    return _INLINE.findall(prose) + _REFERENCE.findall(prose)


def _relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")


def test_there_are_documents_and_links_to_check() -> None:
    assert ROOT / "README.md" in DOCUMENTS and len(DOCUMENTS) >= 5
    assert sum(len(_links(d.read_text(encoding="utf-8"))) for d in DOCUMENTS) >= 10


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(document: Path) -> None:
    broken = []
    for target in _links(document.read_text(encoding="utf-8")):
        if not _relative(target):
            continue
        path = (document.parent / target.split("#", 1)[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)} links to what is not in the repository: {broken}"


def test_the_readme_links_every_guide_in_docs() -> None:
    readme = ROOT / "README.md"
    linked = {(ROOT / t.split("#", 1)[0]).resolve() for t in _links(readme.read_text(encoding="utf-8")) if _relative(t)}
    missing = [p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in linked]
    assert not missing, f"README.md does not link {missing}"


#: paths the docs name that live elsewhere on purpose, with where
_ELSEWHERE = {"tests/test_contract.py": "inside the package `silkgraph new-adapter` writes (docs/partners.md)"}
_PATH_SPAN = re.compile(r"`((?:gateway|adapters|tests|schema|docs|examples|bench|scripts)/[\w./*{},-]*)`")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_path_the_prose_names_exists(document: Path) -> None:
    """Paths in code spans (`gateway/operations/*.graphql`) name files that are here, not in another project."""
    missing = []
    for span in _PATH_SPAN.findall(_FENCE.sub("", document.read_text(encoding="utf-8"))):
        pattern = span.split(":", 1)[0].rstrip(".,")
        if "{" in pattern or pattern in _ELSEWHERE:
            continue
        found = list(ROOT.glob(pattern)) if "*" in pattern else [ROOT / pattern]
        if not any(p.exists() for p in found):
            missing.append(span)
    assert not missing, f"{document.relative_to(ROOT)} names paths that are not in the repository: {missing}"
