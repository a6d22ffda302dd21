"""docker-compose.yml (not runnable here): it parses, and everything it names exists and fits together."""

from __future__ import annotations

import re
import shlex
import urllib.parse
from pathlib import Path
from typing import Any

import yaml

from gateway.config import load_settings
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.registry import load_adapter_class

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def test_builds_and_mounts_name_files_that_exist() -> None:
    for name, service in compose()["services"].items():
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).is_file(), f"{name}: {source}"


def test_two_gateway_replicas_behind_the_load_balancer_share_one_config() -> None:
    services = compose()["services"]
    gateways = sorted(n for n, s in services.items() if s.get("command", [None])[0] == "serve")
    assert gateways == ["gateway-1", "gateway-2"]
    configs = [[v for v in services[g]["volumes"] if v.startswith("./")] for g in gateways]
    assert configs[0] == configs[1]  # one config
    spools = [
        [v.split(":")[0] for v in services[g]["volumes"] if v.endswith(":/var/lib/silkgraph/var/audit-spool")]
        for g in gateways
    ]
    assert spools == [["audit-spool-1"], ["audit-spool-2"]]  # an audit spool each, on a named volume
    assert {"audit-spool-1", "audit-spool-2"} <= set(compose()["volumes"])
    nginx = (ROOT / "examples" / "compose" / "nginx.conf").read_text(encoding="utf-8")
    assert re.findall(r"server (gateway-\d):4000", nginx) == gateways
    assert {"postgres", "redis"} <= set(services)


def test_the_sample_config_loads_and_points_each_adapter_at_a_sandbox_service() -> None:
    services = compose()["services"]
    gateway_env = {k: str(v) for k, v in compose()["x-gateway"]["environment"].items()}
    # the file's { env = ... } credentials are exactly what docker-compose.yml passes to the gateway
    settings = load_settings(ROOT / "examples" / "compose" / "silkgraph.toml", environ=gateway_env)
    assert urllib.parse.urlsplit(settings.audit.store).hostname in services
    sandboxes = {s["command"][1]: n for n, s in services.items() if s.get("command", [None])[0] == "sandbox"}
    for name, adapter_settings in settings.adapters.items():
        specs = load_adapter_class(name)(AdapterSettings(name=name)).sandboxes()
        assert bool(specs) == (name in sandboxes), name
        for spec in specs:
            url = adapter_settings.url if spec.setting == "url" else adapter_settings.option(spec.setting)
            parts = urllib.parse.urlsplit(url)
            assert (parts.hostname, parts.port) == (sandboxes[name], spec.default_port), (name, spec.name)
    for name, service in services.items():
        if service.get("command", [None])[0] == "sandbox":
            assert shlex.join(service["command"][2:]) == "--host 0.0.0.0", name
