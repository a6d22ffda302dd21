"""``python -m bench.peers --compat``: the checked-in supergraph on other routers, answers diffed against Silkgraph's.

Starts every built-in adapter's legacy sandbox and the adapter as a standalone subgraph (``silkgraph sandbox``,
``silkgraph subgraph``, as examples/router/ documents, on ports 14720–14759), then four routers over the same
subgraphs:

- Silkgraph: ``silkgraph serve --supergraph`` on ``schema/supergraph.graphql`` with the subgraph URLs moved to
  this run's ports (nothing else changed), in demo mode, called with a demo token;
- Hive Gateway, plain and with ``--hive-router-runtime``: the same moved supergraph file, as is;
- Grafbase (``grafbase dev``): it composes from the subgraphs' own SDL (``schema/subgraphs/*.graphql``, the files
  the checked-in supergraph was composed from), as it takes no supergraph file.

The routers forward the tenancy header the harness sends (the part an authenticating router plays: it sets the
header from the verified token, see examples/router/README.md). Every example query (gateway/operations/) runs
on each router with its own variables and the answers' ``data`` and error messages must be identical.
Mutations are left out: each run would create another record, so answers differ by design.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.loadgen import ROOT
from bench.peers.gateways import Peer, grafbase_binary, npm_folder
from bench.peers.report import differences
from gateway.operations import example_operations

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SUBGRAPH_SDL = ROOT / "schema" / "subgraphs"
JOIN_GRAPH = re.compile(r'@join__graph\(name: "(\w+)", url: "([^"]+)"\)')
SANDBOX_PORT, SUBGRAPH_PORT, GATEWAY_PORT = 14730, 14720, 14760
#: the header the subgraphs scope records by, set by the router from the verified token
TENANCY_HEADER = "x-agency-id"


def moved_supergraph(text: str, urls: dict[str, str]) -> str:
    """The supergraph with each ``join__Graph`` URL replaced by ``urls[name]`` and nothing else changed."""

    def move(match: re.Match[str]) -> str:
        name = match.group(1)
        return f'@join__graph(name: "{name}", url: "{urls.get(name, match.group(2))}")'

    return JOIN_GRAPH.sub(move, text)


def subgraph_config(sandboxes: dict[str, int], work: Path) -> str:
    """``silkgraph subgraph --config`` settings: examples/router/subgraphs.toml with this run's sandbox ports."""
    text = (ROOT / "examples" / "router" / "subgraphs.toml").read_text(encoding="utf-8")
    for default, port in sandboxes.items():
        text = text.replace(f"http://127.0.0.1:{default}", f"http://127.0.0.1:{port}")
    return text.replace("sqlite:///var/", f"sqlite:///{work}/")


def hive_config() -> str:
    """Hive Gateway's config: forward the tenancy header (the supergraph, host and port go on its command line)."""
    return (
        "export const gatewayConfig = {\n"
        "  propagateHeaders: {\n"
        "    fromClientToSubgraphs({ request }) {\n"
        f"      return {{ '{TENANCY_HEADER}': request.headers.get('{TENANCY_HEADER}') ?? undefined }}\n"
        "    },\n  },\n}\n"
    )


def grafbase_config(urls: dict[str, str]) -> str:
    lines = ["[[headers]]", 'rule = "forward"', f'name = "{TENANCY_HEADER}"', ""]
    for name, url in urls.items():
        lines += [f"[subgraphs.{name}]", f'url = "{url}"', f'schema_path = "{SUBGRAPH_SDL / name}.graphql"', ""]
    return "\n".join(lines)


@contextlib.contextmanager
def _processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for proc in started:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


def _silkgraph(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def _wait(
    client: httpx.AsyncClient, url: str, proc: subprocess.Popen[bytes], seconds: float = 120, any_status: bool = False
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the process exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            r = await (client.get(url) if any_status else client.post(url, json={"query": "{ __typename }"}))
            if r.status_code < 500 or any_status:
                return
        await asyncio.sleep(0.3)
    raise SystemExit(f"{url} did not come up within {seconds:.0f} s")


async def compat() -> int:
    folder = npm_folder()
    work = Path(tempfile.mkdtemp(prefix="silkgraph-compat-"))
    names = sorted(JOIN_GRAPH.findall(SUPERGRAPH.read_text(encoding="utf-8")))
    urls = {name: f"http://127.0.0.1:{SUBGRAPH_PORT + i}/graphql" for i, (name, _) in enumerate(names)}
    with _processes() as procs:
        sandboxes: dict[str, int] = {}
        port = SANDBOX_PORT
        for name in urls:
            if name == "reference":
                continue
            procs.append(_silkgraph(["sandbox", name, "--port", str(port)], work / f"sandbox-{name}.log"))
            count = 2 if name == "cargo" else 1  # ONE Record and Cargo-XML
            for i in range(count):
                sandboxes[_default_sandbox_port(name, i)] = port + i
            port += count
        config = work / "subgraphs.toml"
        config.write_text(subgraph_config(sandboxes, work))
        for name, url in urls.items():
            port_s = url.rsplit(":", 1)[1].split("/")[0]
            procs.append(
                _silkgraph(["subgraph", name, "--port", port_s, "--config", str(config)], work / f"{name}.log")
            )
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(moved_supergraph(SUPERGRAPH.read_text(encoding="utf-8"), urls), encoding="utf-8")
        (work / "gateway.config.mjs").write_text(hive_config())
        (work / "grafbase.toml").write_text(grafbase_config(urls))
        silkgraph = Peer(
            "Silkgraph",
            [
                sys.executable,
                "-m",
                "gateway.cli",
                "serve",
                "--supergraph",
                str(supergraph),
                "--port",
                str(GATEWAY_PORT),
            ],
            GATEWAY_PORT,
            env={"SILKGRAPH_GATEWAY__LOG_LEVEL": "error", "SILKGRAPH_AUDIT__STORE": "memory"},
        )
        hive = Peer(
            "Hive Gateway",
            [
                *(str(folder / "node_modules" / ".bin" / "hive-gateway"), "supergraph", str(supergraph)),
                *("-c", str(work / "gateway.config.mjs"), "--host", "127.0.0.1", "--port", str(GATEWAY_PORT + 1)),
            ],
            GATEWAY_PORT + 1,
            work,
        )
        hive_router = Peer(
            "Hive Gateway (router runtime)",
            [*hive.command[:-1], str(GATEWAY_PORT + 3), "--hive-router-runtime"],
            GATEWAY_PORT + 3,
            work,
        )
        grafbase = Peer(
            "Grafbase",
            [str(grafbase_binary(folder)), "dev", "-c", str(work / "grafbase.toml"), "--port", str(GATEWAY_PORT + 2)],
            GATEWAY_PORT + 2,
            work,
        )
        routers = [silkgraph, hive, hive_router, grafbase]
        try:
            async with httpx.AsyncClient(timeout=60) as client:
                for name, url in urls.items():
                    await _wait(client, url, procs[-len(urls) + list(urls).index(name)])
                for router in routers:
                    router.start(work)
                for router in routers:
                    assert router.process is not None
                    await _wait(client, router.url, router.process)
                for port in sandboxes.values():
                    await _wait(client, f"http://127.0.0.1:{port}/", procs[0], any_status=True)
                return await _diff_all(client, routers)
        finally:
            for router in routers:
                router.stop()
            print(f"logs in {work}", file=sys.stderr)


def _default_sandbox_port(name: str, index: int) -> int:
    from gateway.sdk.adapter import AdapterSettings
    from gateway.sdk.registry import load_adapter_class

    specs = list(load_adapter_class(name)(AdapterSettings(name=name)).sandboxes())
    return specs[index].default_port


#: who asks: the platform's own front end (all agencies), then one partner agency (its records only)
PRINCIPALS = (
    ("front end", ["--role", "frontend", "--scope", "payments:initiate"], None),
    ("partner kz-trade-agency", ["--role", "partner", "--agency", "kz-trade-agency"], "kz-trade-agency"),
)


def demo_token(args: list[str]) -> str:
    """A demo bearer token for Silkgraph (the other routers check none: the harness plays their auth step)."""
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "token", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def _answered(payload: bytes) -> bool:
    """An answer with data and no errors: identical refusals would prove nothing."""
    body = json.loads(payload)
    return isinstance(body, dict) and bool(body.get("data")) and not body.get("errors")


async def _diff_all(client: httpx.AsyncClient, routers: list[Peer]) -> int:
    failed = 0
    for who, token_args, agency in PRINCIPALS:
        token = await asyncio.to_thread(demo_token, token_args)
        headers = {"authorization": f"Bearer {token}", "accept": "application/graphql-response+json"}
        if agency:
            headers[TENANCY_HEADER] = agency  # what an authenticating router sets from the verified token
        for op in example_operations().values():
            if op.kind != "query":
                print(f"{who} · {op.name}: skipped (a mutation)")
                continue
            body = {"query": op.text, "variables": op.variables, "operationName": op.name}
            answers = {r.name: (await client.post(r.url, json=body, headers=headers)).content for r in routers}
            found = differences(answers)
            if not _answered(answers["Silkgraph"]):
                found["Silkgraph"] = f"no data or errors: {answers['Silkgraph'][:300]!r}"
            failed += bool(found)
            sizes = ", ".join(f"{k} {len(v):,} B" for k, v in answers.items())
            print(f"{who} · {op.name}: {'identical' if not found else 'DIFFERENT'} ({sizes})")
            for name, why in found.items():
                print(f"  {name}: {why}")
    print(f"{failed} answers differed or were empty")
    return 1 if failed else 0
