"""The ``silkgraph`` command.

::

    silkgraph demo [--host H] [--port P]              every sandbox + the gateway with every built-in adapter
    silkgraph serve --config FILE [--supergraph FILE] production gateway
    silkgraph sandbox NAME [--port N]                 one adapter's legacy sandbox(es)
    silkgraph subgraph NAME [--port N]                one adapter as a standalone Federation v2 subgraph
    silkgraph compose [--check] [--out DIR]           write schema/ (supergraph, API schema, subgraph SDLs)
    silkgraph plan 'QUERY' [--operation-name N]       print the query plan
    silkgraph audit verify|export|tail|prove|keygen   check and read the audit log (see gateway/audit/cli.py)
    silkgraph token --role R [--agency A] [--scope S] a demo bearer token (refused in production mode)
    silkgraph manifest [--operations DIR] [--out F]   write the persisted-query manifest (safelist)
    silkgraph new-adapter NAME [--dir PATH]           scaffold a partner adapter package
    silkgraph version
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import difflib
import json
import os
import sys
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from gateway import __version__
from gateway.config import load_settings
from gateway.demo import DEFAULT_PORT, demo_audit_overrides, sandbox_port
from gateway.errors import ConfigError, SilkgraphError
from gateway.sdk.adapter import Adapter, AdapterSettings
from gateway.sdk.registry import ENTRY_POINT_GROUP, available_adapters, load_adapter_class, make_adapter
from gateway.sdk.sandbox import SandboxConfig, serve_sandbox

__all__ = ["main"]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def builtin_adapters() -> list[str]:
    """Installed adapters that ship with Silkgraph (their code lives in the ``adapters`` package).

    One that fails to import stops the command with the reason (e.g. a dependency missing from a stale
    virtualenv): ``silkgraph compose`` must never write a supergraph that silently lacks a subgraph.
    """
    names = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.value.startswith("adapters."))
    for name in names:
        load_adapter_class(name)  # ConfigError naming the adapter and the import error
    return names


# ------------------------------------------------------------------------------------------------ servers


async def _serve_app(app: Any, host: str, port: int) -> None:
    import uvicorn

    from gateway.gc_tuning import tune_for_serving

    app = tune_for_serving(app)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    await server.serve()


@contextlib.asynccontextmanager
async def _start_sandboxes(
    names: Sequence[str],
    *,
    quiet: bool = False,
    config: SandboxConfig | None = None,
    gateway_port: int | None = DEFAULT_PORT,
    sandbox_options: Mapping[str, Mapping[str, Any]] | None = None,
) -> AsyncIterator[dict[str, AdapterSettings]]:
    """Start every sandbox of the named adapters; yield each adapter's settings pointing at them.

    ``config`` (faults, seed) applies to every sandbox, ``sandbox_options`` adds options to the named sandboxes
    (e.g. the Cargo-XML airline's own milestone clock); ports derive from ``gateway_port``
    (:func:`gateway.demo.sandbox_port`), free ones when it is ``None`` or the derived port is taken.
    """
    config = config or SandboxConfig()
    async with contextlib.AsyncExitStack() as stack:
        settings: dict[str, AdapterSettings] = {}
        for name in names:
            probe = load_adapter_class(name)(AdapterSettings(name=name))
            adapter_settings = AdapterSettings(name=name)
            options: dict[str, Any] = {}
            for spec in probe.sandboxes():
                own = (sandbox_options or {}).get(spec.name)
                spec_config = (
                    dataclasses.replace(config, options={**config.options, **own}) if own is not None else config
                )
                try:
                    server = await stack.enter_async_context(
                        serve_sandbox(spec.factory, spec_config, port=sandbox_port(spec.default_port, gateway_port))
                    )
                except (OSError, SystemExit):
                    server = await stack.enter_async_context(serve_sandbox(spec.factory, spec_config))
                url = server.url + spec.base_path
                if not quiet:
                    _say(f"  ▸ sandbox {spec.name:<16} {url}")
                if spec.setting == "url":
                    adapter_settings = dataclasses.replace(adapter_settings, url=url)
                else:
                    options[spec.setting] = url
            settings[name] = dataclasses.replace(adapter_settings, options={**options})
        yield settings


def _examples_banner() -> str:
    """The example operations GraphiQL opens as tabs, one line each (gateway/operations/*.graphql)."""
    from gateway.operations import example_operations

    lines = ["Example operations (GraphiQL tabs; files in gateway/operations/):"]
    for op in example_operations().values():
        summary = op.description.split(": ", 1)[0].split(". ", 1)[0]
        lines.append(f"  {op.name:<18} {summary}")
    return "\n".join(lines)


#: the demo moves by itself: the Cargo-XML airline reports a milestone every few seconds, the cargo adapter
#: reads the airlines' status messages every two (ShipmentMilestones streams them)
DEMO_SANDBOX_OPTIONS: dict[str, dict[str, Any]] = {"cargo-xml": {"milestone_seconds": 4}}
DEMO_ADAPTER_OPTIONS: dict[str, dict[str, Any]] = {"cargo": {"poll_seconds": 2}}


async def _demo(host: str, port: int) -> None:
    from gateway.app import create_app
    from gateway.observability import configure_logging
    from gateway.policy.demo import demo_tokens_banner
    from gateway.policy.devkeys import DevKey

    configure_logging("warning")
    names = builtin_adapters()
    _say(f"Silkgraph {__version__} demo: starting {len(names)} adapters ({', '.join(names)})")
    audit = demo_audit_overrides(port)
    async with _start_sandboxes(names, gateway_port=port, sandbox_options=DEMO_SANDBOX_OPTIONS) as adapter_settings:
        for name, extra in DEMO_ADAPTER_OPTIONS.items():
            if name in adapter_settings:
                own = adapter_settings[name]
                adapter_settings[name] = dataclasses.replace(own, options={**own.options, **extra})
        settings = load_settings(
            None, overrides={"gateway.host": host, "gateway.port": port, "gateway.mode": "demo", **audit}
        )
        settings = dataclasses.replace(settings, adapters=adapter_settings)
        adapters = [make_adapter(s) for s in adapter_settings.values()]
        app = create_app(settings, adapters=adapters)
        _say(f"  ▸ gateway              http://{host}:{port}/graphql  (GraphiQL in a browser)")
        _say(f"  ▸ audit console        http://{host}:{port}/console  (the auditor token below)")
        _say(f"  ▸ audit log            {settings.audit.store}  (after the demo: {_verify_command(port)})")
        _say("")
        _say(_examples_banner())
        _say("")
        _say("Try:")
        _say(f"  curl -s http://{host}:{port}/graphql -H 'content-type: application/json' \\")
        _say('    -d \'{"query":"{ countries { code name currencies { code minorUnits } } }"}\'')
        _say(demo_tokens_banner(DevKey.load_or_create(settings.auth.demo_key_file)))
        _say("  more: silkgraph token --role partner --agency qingdao-broker --scope customs:read (docs/security.md)")
        _say(f"`silkgraph` lives in {Path(sys.executable).parent}; put it on the PATH of this shell:")
        _say(f'  export PATH="{Path(sys.executable).parent}:$PATH"')
        _say("Live (graphql-ws, SSE or multipart on /graphql; GraphiQL's ShipmentMilestones tab streams it):")
        _say(
            "  TOKEN=$(silkgraph token --role partner --agency qingdao-broker --scope cargo:read --scope customs:read)"
        )
        _say("Press Ctrl+C to stop.")
        await _serve_app(app, host, port)


def _verify_command(port: int) -> str:
    if port == DEFAULT_PORT:
        return "silkgraph audit verify"
    folder = f"var/demo-{port}"
    return f"silkgraph audit --store sqlite:///{folder}/audit.sqlite3 verify --checkpoints-dir {folder}/checkpoints"


def _serve_overrides(host: str | None, port: int | None, supergraph: str | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if host:
        overrides["gateway.host"] = host
    if port is not None:
        overrides["gateway.port"] = port
    if supergraph:
        overrides["gateway.supergraph"] = supergraph
    return overrides


def worker_app() -> Any:
    """The app of one `silkgraph serve --workers N` worker process (uvicorn's factory): same config, own state."""
    from gateway.app import create_app
    from gateway.gc_tuning import tune_for_serving
    from gateway.observability import configure_logging
    from gateway.reload import ReloadOptions

    config = os.environ.get("SILKGRAPH_CONFIG") or None
    overrides = json.loads(os.environ.get("SILKGRAPH_SERVE_OVERRIDES", "{}"))
    from gateway.shutdown import with_shutdown_watchdog

    settings = load_settings(config, overrides=overrides)
    configure_logging(settings.gateway.log_level)
    reload = ReloadOptions(load_settings=lambda: load_settings(config, overrides=overrides))
    app = tune_for_serving(create_app(settings, reload=reload))
    return with_shutdown_watchdog(app, settings.stores.shutdown_grace)


def _serve_workers(config: str | None, overrides: dict[str, Any], workers: int) -> None:
    """Several worker processes on one port (uvicorn's supervisor); shared state belongs in PostgreSQL/Redis."""
    import uvicorn

    settings = load_settings(config, overrides=overrides)
    os.environ["SILKGRAPH_CONFIG"] = config or ""
    os.environ["SILKGRAPH_SERVE_OVERRIDES"] = json.dumps(overrides)
    _say(
        f"Silkgraph {__version__} serving on http://{settings.gateway.host}:{settings.gateway.port}/graphql "
        f"with {workers} workers"
    )
    uvicorn.run(
        "gateway.cli:worker_app",
        factory=True,
        host=settings.gateway.host,
        port=settings.gateway.port,
        workers=workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=max(1, int(settings.stores.shutdown_grace / 2)),
    )


async def _serve(config: str | None, host: str | None, port: int | None, supergraph: str | None) -> None:
    from gateway.app import create_app
    from gateway.observability import configure_logging
    from gateway.reload import ReloadOptions

    overrides = _serve_overrides(host, port, supergraph)
    settings = load_settings(config, overrides=overrides)
    configure_logging(settings.gateway.log_level)
    # config or supergraph file changes (and SIGHUP) rebuild the graph without a restart
    reload = ReloadOptions(load_settings=lambda: load_settings(config, overrides=overrides))
    app = create_app(settings, reload=reload)
    _say(f"Silkgraph {__version__} serving on http://{settings.gateway.host}:{settings.gateway.port}/graphql")
    from gateway.gc_tuning import tune_for_serving
    from gateway.shutdown import GracefulServer, graceful_config

    grace = settings.stores.shutdown_grace
    config_ = graceful_config(tune_for_serving(app), settings.gateway.host, settings.gateway.port, grace)
    await GracefulServer(config_, grace).serve()


async def _sandbox(name: str, port: int | None, host: str = "127.0.0.1") -> None:
    cls = load_adapter_class(name)
    specs = list(cls(AdapterSettings(name=name)).sandboxes())
    if not specs:
        raise SilkgraphError(f"adapter {name!r} has no sandbox")
    async with contextlib.AsyncExitStack() as stack:
        for i, spec in enumerate(specs):
            server = await stack.enter_async_context(
                serve_sandbox(spec.factory, SandboxConfig(), host=host, port=(port + i) if port else spec.default_port)
            )
            _say(f"sandbox {spec.name} listening on {server.url}{spec.base_path}")
        await asyncio.Event().wait()


async def _subgraph(name: str, port: int | None, config: str | None, host: str = "127.0.0.1") -> None:
    from gateway.policy.signed_principal import PrincipalVerifier, subgraph_secret
    from gateway.runtime import SUBGRAPH_PORTS
    from gateway.subgraph_server import create_subgraph_app

    settings = load_settings(config)
    auth = settings.auth
    secret = subgraph_secret(auth.subgraph_secret, auth.demo_subgraph_key_file, production=settings.gateway.production)
    if secret is None:
        raise ConfigError(
            "auth.subgraph_secret",
            'is required to serve a subgraph in production: set it to { env = "SILKGRAPH_SUBGRAPH_SECRET" }, '
            "the secret the gateway signs the caller's principal with",
        )
    adapter_settings = settings.adapters.get(name) or AdapterSettings(name=name)
    adapter = make_adapter(adapter_settings)
    listen = port or SUBGRAPH_PORTS.get(name, 4300)
    _say(f"subgraph {name} on http://{host}:{listen}/graphql (legacy system: {adapter.settings.url or 'none'})")
    _say("  answers only requests whose principal the gateway signed (Silkgraph-Principal, auth.subgraph_secret)")
    verifier = PrincipalVerifier(secret, max_age=auth.subgraph_max_age)
    await _serve_app(create_subgraph_app(adapter, verifier), host, listen)


# ------------------------------------------------------------------------------------------------ schema


def _compose_builtin(*, with_audit: bool = False) -> tuple[str, dict[str, str]]:
    from gateway.federation.compose import SubgraphSource
    from gateway.runtime import compose_sources, subgraph_url

    adapters: list[Adapter] = [make_adapter(AdapterSettings(name=n)) for n in builtin_adapters()]
    if with_audit:
        from gateway.audit.subgraph import AuditSubgraph

        adapters.append(AuditSubgraph(None))  # its SDL only: no log is read
    sdls = {a.name: a.sdl() for a in adapters}
    sources = [SubgraphSource(name=n, url=subgraph_url(n), sdl=s) for n, s in sdls.items()]
    return compose_sources(sources), sdls


def schema_files() -> dict[str, str]:
    """The files ``silkgraph compose`` writes, relative to the schema directory."""
    from graphql import print_schema

    from gateway.federation.supergraph import load_supergraph
    from gateway.policy.authz import require_rules

    supergraph_sdl, sdls = _compose_builtin()
    supergraph = load_supergraph(supergraph_sdl)
    require_rules(supergraph)  # closed by default at run time too; the gap is fixed before review
    # platform.graphql is the graph Silkgraph's gateway serves: the built-in subgraphs plus its own audit subgraph
    # (on with the audit log). supergraph.graphql leaves the audit subgraph out: it lives inside the gateway, so
    # another router running that file has no audit subgraph to call.
    served_sdl, served_sdls = _compose_builtin(with_audit=True)
    served = load_supergraph(served_sdl)
    require_rules(served)
    files = {
        "supergraph.graphql": supergraph_sdl,
        "platform.graphql": print_schema(served.api_schema) + "\n",
    }
    sdls["audit"] = served_sdls["audit"]
    for name, sdl in sdls.items():
        files[f"subgraphs/{name}.graphql"] = sdl if sdl.endswith("\n") else sdl + "\n"
    return files


def _compose(out: str, check: bool) -> int:
    root = Path(out)
    files = schema_files()
    stale = []
    for rel, text in files.items():
        path = root / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(rel)
        if check:
            diff = difflib.unified_diff(
                (current or "").splitlines(),
                text.splitlines(),
                f"{rel} (checked in)",
                f"{rel} (composed now)",
                lineterm="",
                n=1,
            )
            _say("\n".join(list(diff)[:40]))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        _say(f"schema/ is stale ({', '.join(stale)}): run `silkgraph compose` and commit the result")
        return 1
    _say("schema/ is up to date" if not stale else f"wrote {', '.join(stale)}")
    return 0


def _plan(query: str, operation_name: str | None, supergraph_file: str | None) -> None:
    from graphql import parse

    from gateway.federation.planning import QueryPlanner
    from gateway.federation.supergraph import load_supergraph

    sdl = Path(supergraph_file).read_text(encoding="utf-8") if supergraph_file else _compose_builtin()[0]
    planner = QueryPlanner(load_supergraph(sdl))
    print(planner.plan(parse(query), operation_name))


# ------------------------------------------------------------------------------------------------ security


def _token(args: argparse.Namespace) -> int:
    from gateway.policy.devkeys import DEMO_AUDIENCE, DEMO_ISSUER, DevKey

    settings = load_settings(args.config)
    if settings.gateway.production:
        _say(
            "silkgraph token: refused — the configuration is in production mode; get tokens from the identity provider"
        )
        return 1
    auth = settings.auth
    key = DevKey.load_or_create(auth.demo_key_file)
    print(
        key.token(
            subject=args.subject,
            roles=args.role,
            agency=args.agency,
            scopes=[s for scope in args.scope for s in scope.split()] or _role_scopes(args.role),
            ttl=args.ttl,
            issuer=auth.issuer or DEMO_ISSUER,
            audience=auth.audience or DEMO_AUDIENCE,
            agency_claim=auth.agency_claim,
            roles_claim=auth.roles_claim,
        )
    )
    return 0


def _role_scopes(roles: list[str]) -> list[str]:
    """Without --scope, a token gets the scopes its roles usually carry (gateway/policy/scopes.py ROLES)."""
    from gateway.policy.scopes import ROLES

    return sorted({scope for role in roles for scope in ROLES.get(role, (frozenset(), ""))[0]})


def _manifest(operations: str, out: str | None) -> int:
    import json

    from gateway.policy.persisted import build_manifest

    folder = Path(operations)
    files = {str(p): p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.graphql"))}
    if not files:
        _say(f"silkgraph manifest: no *.graphql files in {folder}")
        return 1
    manifest = build_manifest(files)
    text = json.dumps(manifest, indent=2) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
        _say(f"wrote {out} ({len(manifest['operations'])} operations)")
    else:
        sys.stdout.write(text)
    return 0


def _new_adapter(name: str, directory: str) -> None:
    from gateway.scaffold import scaffold

    root = scaffold(name, directory)
    _say(f"created {root}")
    _say(f"  cd {root} && pip install -e . && pytest   # the adapter contract, green from the start")
    _say(f"  silkgraph sandbox {name}   # its legacy sandbox; then configure [adapters.{name}] in silkgraph.toml")


# -------------------------------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="silkgraph",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="run every sandbox and the gateway with every built-in adapter")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="gateway port; the sandboxes listen beside it (+101..+107)"
    )
    serve = sub.add_parser("serve", help="run the gateway from a config file")
    serve.add_argument("--config", help="path to silkgraph.toml (SILKGRAPH_* environment overrides apply)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--supergraph", help="run this supergraph file over remote subgraphs only")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (one per core; see docs/resilience.md, Sizing)"
    )
    sandbox = sub.add_parser("sandbox", help="run one adapter's legacy sandbox(es)")
    sandbox.add_argument("name", help="adapter name (see `silkgraph version`)")
    sandbox.add_argument("--port", type=int)
    sandbox.add_argument("--host", default="127.0.0.1", help="interface to listen on (0.0.0.0 in a container)")
    subgraph = sub.add_parser("subgraph", help="serve one built-in adapter as a standalone Federation v2 subgraph")
    subgraph.add_argument("name")
    subgraph.add_argument("--port", type=int)
    subgraph.add_argument("--host", default="127.0.0.1", help="interface to listen on (0.0.0.0 in a container)")
    subgraph.add_argument("--config", help="silkgraph.toml with [adapters.NAME] (legacy URL, credentials)")
    compose = sub.add_parser("compose", help="compose the built-in subgraphs and write schema/")
    compose.add_argument("--out", default="schema")
    compose.add_argument("--check", action="store_true", help="fail if schema/ differs from a fresh composition")
    plan = sub.add_parser("plan", help="print the query plan of an operation")
    plan.add_argument("query")
    plan.add_argument("--operation-name")
    plan.add_argument("--supergraph", help="plan against this supergraph file instead of the built-in subgraphs")
    token = sub.add_parser("token", help="print a demo bearer token signed with the local dev key")
    token.add_argument("--role", action="append", default=[], help="role (repeatable): frontend, partner, auditor...")
    token.add_argument("--agency", help="partner agency id: scopes every adapter's data to that agency")
    token.add_argument(
        "--scope",
        action="append",
        default=[],
        help="scope (repeatable), e.g. payments:initiate; default: the scopes of the role(s) (docs/security.md)",
    )
    token.add_argument("--subject", default="dev-user")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    token.add_argument("--config", help="silkgraph.toml (its [auth] claim names, issuer, audience and key file)")
    manifest = sub.add_parser("manifest", help="write the persisted-query manifest from the example operations")
    manifest.add_argument("--operations", default=str(Path(__file__).parent / "operations"))
    manifest.add_argument("--out", help="file to write (default: stdout)")
    new_adapter = sub.add_parser("new-adapter", help="scaffold a partner adapter package that passes its own tests")
    new_adapter.add_argument("name", help="adapter name: lower-case letters, digits, underscores (e.g. rail_freight)")
    new_adapter.add_argument("--dir", default=".", help="where to create the package directory (default: here)")
    sub.add_parser("version", help="print the version and the installed adapters")
    from gateway.audit.cli import add_audit_parser

    add_audit_parser(sub)
    return parser


def _run_server(main: Coroutine[Any, Any, None]) -> None:
    """Run a server on uvloop where it is installed (as uvicorn's own workers do), else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # not on Windows, or not installed
        asyncio.run(main)
        return
    uvloop.run(main)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            _run_server(_demo(args.host, args.port))
        elif args.command == "serve":
            if args.workers > 1:
                _serve_workers(args.config, _serve_overrides(args.host, args.port, args.supergraph), args.workers)
            else:
                _run_server(_serve(args.config, args.host, args.port, args.supergraph))
        elif args.command == "sandbox":
            _run_server(_sandbox(args.name, args.port, args.host))
        elif args.command == "subgraph":
            _run_server(_subgraph(args.name, args.port, args.config, args.host))
        elif args.command == "compose":
            return _compose(args.out, args.check)
        elif args.command == "plan":
            _plan(args.query, args.operation_name, args.supergraph)
        elif args.command == "audit":
            from gateway.audit.cli import run_audit

            return run_audit(args)
        elif args.command == "token":
            return _token(args)
        elif args.command == "manifest":
            return _manifest(args.operations, args.out)
        elif args.command == "new-adapter":
            _new_adapter(args.name, args.dir)
        elif args.command == "version":
            print(f"silkgraph {__version__}")
            print("adapters: " + (", ".join(available_adapters()) or "none"))
        else:
            _parser().print_help()
            return 2
    except SilkgraphError as exc:
        _say(f"silkgraph: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
