"""The peer gateways of bench.peers: npm install into a cache folder outside the source tree, start, stop, CPU.

Every gateway is one process (Hive Gateway with ``--fork 1``, Silkgraph with one worker) serving the same
supergraph over the same subgraph URLs, with in-flight deduplication off where a gateway has it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.loadgen import ROOT, cpu_seconds, rss_mb

HERE = Path(__file__).resolve().parent
#: npm packages land here, never in the source tree (override with SILKGRAPH_BENCH_CACHE)
CACHE = Path(os.environ.get("SILKGRAPH_BENCH_CACHE", Path.home() / ".cache" / "silkgraph-bench"))


#: production mode as the peers run (no client authentication: the peers have none configured either). Production
#: refuses to start without an identity provider and a subgraph secret, so both are named; the JWKS is never
#: fetched because no request carries a token, and the mock subgraphs ignore the signed principal header.
PRODUCTION = {
    "SILKGRAPH_GATEWAY__MODE": "production",
    "SILKGRAPH_AUTH__REQUIRED": "false",
    "SILKGRAPH_AUTH__JWKS_URL": "https://127.0.0.1:9/bench-jwks.json",
    "SILKGRAPH_AUTH__ISSUER": "https://bench.invalid/",
    "SILKGRAPH_AUTH__AUDIENCE": "silkgraph-bench",
    "SILKGRAPH_AUTH__SUBGRAPH_SECRET": "bench-only-secret-bench-only-secret-0123",
}


def npm_folder() -> Path:
    """The cache folder with ``package.json``/``package-lock.json`` of this folder installed (``npm ci``)."""
    folder = CACHE / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    lock = (HERE / "package-lock.json").read_bytes()
    installed = folder / "node_modules" / ".silkgraph-lock"
    if not installed.exists() or installed.read_bytes() != lock:
        if shutil.which("npm") is None:
            raise SystemExit("npm is not installed: bench.peers runs the JavaScript gateways from npm")
        for name in ("package.json", "package-lock.json", "apollo.mjs"):
            shutil.copyfile(HERE / name, folder / name)
        print(f"npm ci in {folder} …", file=sys.stderr, flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)
        installed.write_bytes(lock)
    shutil.copyfile(HERE / "apollo.mjs", folder / "apollo.mjs")
    return folder


def grafbase_binary(folder: Path) -> Path:
    return folder / "node_modules" / "@grafbase" / "cli-x86_64-unknown-linux-musl" / "grafbase"


@dataclasses.dataclass
class Peer:
    """One gateway under test: its command line, environment and the working folder it starts in."""

    name: str
    command: list[str]
    port: int
    cwd: Path = ROOT
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self, log_dir: Path) -> None:
        log = (log_dir / f"{self.name.replace('/', '_').replace(' ', '_')}.log").open("wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)

    def pids(self) -> list[int]:
        """The gateway process and every process below it (workers, forks), whose CPU counts too."""
        assert self.process is not None
        return process_tree(self.process.pid)

    def cpu(self) -> float:
        assert self.process is not None
        return tree_cpu(self.process.pid)

    def rss(self) -> float:
        """Peak resident memory of the process tree, MB (VmHWM summed)."""
        return sum(_or_zero(rss_mb, p) for p in self.pids())


def _or_zero(read: Callable[[int], float], pid: int) -> float:
    try:
        return read(pid)
    except (FileNotFoundError, ProcessLookupError):  # a process that ended between listing and reading
        return 0.0


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and every process below it."""
    return sum(_or_zero(cpu_seconds, p) for p in process_tree(pid))


def process_tree(pid: int) -> list[int]:
    found, queue = [pid], [pid]
    while queue:
        parent = queue.pop()
        out = subprocess.run(["pgrep", "-P", str(parent)], check=False, capture_output=True, text=True).stdout
        children = [int(p) for p in out.split()]
        found += children
        queue += children
    return found


def grafbase_toml(subgraph_urls: dict[str, str]) -> str:
    """grafbase.toml for ``grafbase dev``: each subgraph by URL; no in-flight deduplication (a fair run)."""
    lines = ["[traffic_shaping]", "inflight_deduplication = false", ""]
    for name, url in subgraph_urls.items():
        lines += [f"[subgraphs.{name}]", f'url = "{url}"', f'introspection_url = "{url}"', ""]
    return "\n".join(lines)


def peers(
    supergraph: Path, subgraph_urls: dict[str, str], base_port: int, work: Path, silkgraph_workers: int = 1
) -> list[Peer]:
    """Silkgraph and the four peers, on ports ``base_port``… (one process each unless ``silkgraph_workers``)."""
    folder = npm_folder()
    bin_dir = folder / "node_modules" / ".bin"
    (work / "grafbase.toml").write_text(grafbase_toml(subgraph_urls))
    node_env = {"NODE_ENV": "production"}
    hive = [str(bin_dir / "hive-gateway"), "supergraph", str(supergraph), "--host", "127.0.0.1", "--fork", "1"]
    return [
        Peer(
            "Silkgraph",
            [
                *(sys.executable, "-m", "gateway.cli", "serve", "--supergraph", str(supergraph)),
                *("--port", str(base_port), "--workers", str(silkgraph_workers)),
            ],
            base_port,
            env={
                **PRODUCTION,
                "SILKGRAPH_GATEWAY__LOG_LEVEL": "error",
                "SILKGRAPH_AUDIT__ENABLED": "false",
                "SILKGRAPH_GATEWAY__DEDUPLICATE_FETCHES": "false",
            },
        ),
        Peer(
            "@apollo/gateway",
            ["node", "apollo.mjs", str(supergraph), str(base_port + 1)],
            base_port + 1,
            folder,
            node_env,
        ),
        Peer("Hive Gateway", [*hive, "--port", str(base_port + 2)], base_port + 2, folder, node_env),
        Peer(
            "Hive Gateway (router runtime)",
            [*hive, "--port", str(base_port + 3), "--hive-router-runtime"],
            base_port + 3,
            folder,
            node_env,
        ),
        Peer(
            "Grafbase",
            [
                str(grafbase_binary(folder)),
                "dev",
                "--config",
                str(work / "grafbase.toml"),
                "--port",
                str(base_port + 4),
            ],
            base_port + 4,
            work,
            {"GRAFBASE_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"},
        ),
    ]
