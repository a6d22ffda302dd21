"""``python -m bench.peers --compat``: the checked-in supergraph on other routers, answers diffed against Silkgraph's.

Starts every built-in adapter's legacy sandbox and the adapter as a standalone subgraph (``silkgraph sandbox``,
``silkgraph subgraph``, as examples/router/ documents, on ports 14720–14759), then three routers over the same
subgraphs:

- Silkgraph: ``silkgraph serve --supergraph`` on ``schema/supergraph.graphql`` with the subgraph URLs moved to
  this run's ports (nothing else changed), in demo mode, called with a demo token;
- Hive Gateway, plain and with ``--hive-router-runtime``: the same moved supergraph file, as is, with a plugin
  that signs each subgraph request's principal over its body (``Silkgraph-Principal``), as the standalone
  subgraphs answer nothing else. The harness hands it the caller's claims in a header, standing in for the
  router's own token verification.

Grafbase is not among them: ``grafbase dev`` can forward headers but not compute an HMAC over each subgraph
request's body, which the subgraphs require since they stopped trusting a plain tenant header.

Every example query (gateway/operations/) runs on each router, as the platform front end and as one partner
agency, and the answers' ``data`` and error messages must be identical. Mutations are left out: each run would
create another record, so answers differ by design.
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
from bench.peers.gateways import Peer, npm_folder
from bench.peers.report import differences
from gateway.operations import example_operations

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SUBGRAPH_SDL = ROOT / "schema" / "subgraphs"
JOIN_GRAPH = re.compile(r'@join__graph\(name: "(\w+)", url: "([^"]+)"\)')
SANDBOX_PORT, SUBGRAPH_PORT, GATEWAY_PORT = 14730, 14720, 14760
#: demo mode: the gateway and ``silkgraph subgraph`` share the secret kept in this file (gateway.policy)
SUBGRAPH_KEY_FILE = ROOT / "var" / "dev-subgraph-key"
#: the signing a JavaScript router does (examples/router/), shared by the Hive plugin here and the tests
PRINCIPAL_JS = ROOT / "examples" / "router" / "silkgraph-principal.mjs"


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
    """Hive Gateway's config: the plugin of examples/router/ (its ``silkgraph-principal.mjs``, imported as is)
    signing each subgraph request's principal over the request body, with the secret the demo gateway and
    ``silkgraph subgraph`` share; the claims come from the harness's ``x-compat-principal`` header, standing in
    for the router's own token verification."""
    return f"""import {{ readFileSync }} from 'node:fs'
import {{ signPrincipal }} from '{PRINCIPAL_JS.as_uri()}'

const secret = readFileSync(process.env.SILKGRAPH_SUBGRAPH_KEY_FILE, 'utf8').trim()

export const gatewayConfig = {{
  plugins: () => [
    {{
      onFetch({{ options, setOptions, context }}) {{
        const claims = context?.request?.headers?.get('x-compat-principal')
        if (!claims) return
        const signed = signPrincipal(secret, JSON.parse(claims), String(options.body ?? ''))
        setOptions({{ ...options, headers: {{ ...(options.headers ?? {{}}), 'silkgraph-principal': signed }} }})
      }},
    }},
  ],
}}
"""


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
            {"SILKGRAPH_SUBGRAPH_KEY_FILE": str(SUBGRAPH_KEY_FILE)},
        )
        hive_router = Peer(
            "Hive Gateway (router runtime)",
            [*hive.command[:-1], str(GATEWAY_PORT + 3), "--hive-router-runtime"],
            GATEWAY_PORT + 3,
            work,
            {"SILKGRAPH_SUBGRAPH_KEY_FILE": str(SUBGRAPH_KEY_FILE)},
        )
        routers = [silkgraph, hive, hive_router]
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


#: every read scope of the checked-in supergraph: the example queries read across all subgraphs
READ_SCOPES = ("barter:read", "cargo:read", "customs:read", "payments:read", "tax:read", "vehicles:read")
#: who asks: an operator reading across agencies (its grant), then one partner agency (its records only)
PRINCIPALS = (
    ("operator (platform:read-all)", None, [*READ_SCOPES, "platform:read-all"]),
    ("partner kz-trade-agency", "kz-trade-agency", list(READ_SCOPES)),
)


def token_args(agency: str | None, scopes: list[str]) -> list[str]:
    role = ["--role", "partner", "--agency", agency] if agency else ["--role", "operator"]
    return [*role, *(a for s in scopes for a in ("--scope", s))]


def claims(agency: str | None, scopes: list[str]) -> dict[str, object]:
    """The verified claims of the demo token :func:`token_args` describes, as a router hands them to its plugin."""
    return {
        "sub": "dev-user",
        "agency": agency,
        "roles": ["partner" if agency else "operator"],
        "scope": " ".join(scopes),
    }


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
    for who, agency, scopes in PRINCIPALS:
        token = await asyncio.to_thread(demo_token, token_args(agency, scopes))
        headers = {"authorization": f"Bearer {token}", "accept": "application/graphql-response+json"}
        headers["x-compat-principal"] = json.dumps(claims(agency, scopes))  # the Hive plugin signs these (hive_config)
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
