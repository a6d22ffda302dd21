"""Client tooling: GraphQL Code Generator types the platform schema and every example operation.

``@graphql-codegen/cli`` with the ``typescript`` and ``typescript-operations`` plugins (versions pinned in
``tests/e2e/codegen/package.json``, installed with npm on first run) generates TypeScript from
``schema/platform.graphql`` and ``gateway/operations/*.graphql``; then the TypeScript compiler checks the result
in strict mode together with every example's own variables, typed as the generated ``…Variables``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from gateway.operations import example_operations
from tests.e2e.npm import npm_install

CODEGEN_DIR = Path(__file__).parent / "codegen"

pytestmark = pytest.mark.slow


def _node_or_skip() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("SILKGRAPH_REQUIRE_SERVICES"):
            pytest.fail("node and npm are required for the GraphQL Code Generator check in CI")
        pytest.skip("node/npm not installed: GraphQL Code Generator needs them")


async def _run(*cmd: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        cwd=CODEGEN_DIR,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


def _type_name(name: str, kind: str) -> str:
    return name + kind.capitalize()


@pytest.mark.timeout(300)
async def test_codegen_types_the_schema_and_every_example_operation(tmp_path: Path) -> None:
    _node_or_skip()
    await npm_install(CODEGEN_DIR, ".bin/graphql-codegen")
    generated = tmp_path / "operations.ts"
    code, out = await _run(
        str(CODEGEN_DIR / "node_modules" / ".bin" / "graphql-codegen"),
        "--config",
        "codegen.cjs",
        env={"CODEGEN_OUT": str(generated)},
    )
    assert code == 0, out
    text = generated.read_text(encoding="utf-8")
    operations = example_operations()
    for op in operations.values():
        assert f"export type {_type_name(op.name, op.kind)} = " in text
        assert f"export type {_type_name(op.name, op.kind)}Variables = " in text

    # every example's own variables must type-check as the generated variables type
    usage = tmp_path / "examples.ts"
    names = ", ".join(_type_name(op.name, op.kind) + "Variables" for op in operations.values())
    lines = [f'import type {{ {names} }} from "./operations";', ""]
    for op in operations.values():
        lines.append(f"export const {op.name}: {_type_name(op.name, op.kind)}Variables = {json.dumps(op.variables)};")
    usage.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = await _run(
        str(CODEGEN_DIR / "node_modules" / ".bin" / "tsc"),
        "--strict",
        "--noEmit",
        "--target",
        "es2020",
        "--module",
        "es2020",
        "--moduleResolution",
        "node",
        str(generated),
        str(usage),
    )
    assert code == 0, out
