"""The pure parts of bench.peers: answer comparison, ratios over shapes, the closing line, the grafbase config."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bench.peers.compat import (
    JOIN_GRAPH,
    PRINCIPAL_JS,
    SUPERGRAPH,
    claims,
    hive_config,
    moved_supergraph,
    subgraph_config,
    token_args,
)
from bench.peers.gateways import grafbase_toml
from bench.peers.report import Row, Sample, canonical, differences, median_row, ratios, summary, table


def _row(gateway: str, rps: float, cpu_ms: float) -> Row:
    return Row(gateway, rps, 1.0, 2.0, 0, cpu_ms, 0.1, 100.0)


def test_answers_compare_by_data_and_error_messages_not_extensions_or_number_spelling() -> None:
    ours = b'{"data": {"rates": [{"code": "CNY", "value": 1.0}]}, "extensions": {"cost": 3}}'
    theirs = b'{"data":{"rates":[{"code":"CNY","value":1}]}}'
    assert canonical(ours) == canonical(theirs)
    assert differences({"Silkgraph": ours, "Other": theirs}) == {}


def test_a_different_value_key_order_or_error_is_reported_with_where_it_starts() -> None:
    ours = b'{"data": {"a": 1, "b": "x"}}'
    answers = {
        "Silkgraph": ours,
        "same": ours,
        "value": b'{"data": {"a": 1, "b": "y"}}',
        "order": b'{"data": {"b": "x", "a": 1}}',
        "error": b'{"data": {"a": 1, "b": "x"}, "errors": [{"message": "boom"}]}',
        "html": b"<html>502</html>",
    }
    found = differences(answers)
    assert set(found) == {"value", "order", "error", "html"}
    assert "not JSON" in found["html"]
    assert "'y'" in found["value"] or '"y"' in found["value"]


def test_median_row_takes_the_median_round_and_cpu_per_request() -> None:
    samples = [
        Sample(rps=100, p50_ms=5, p99_ms=9, errors=0, requests=1000, gateway_cpu_s=1.0, subgraph_cpu_s=0.5),
        Sample(rps=300, p50_ms=3, p99_ms=7, errors=1, requests=3000, gateway_cpu_s=2.4, subgraph_cpu_s=0.3),
        Sample(rps=200, p50_ms=4, p99_ms=8, errors=0, requests=2000, gateway_cpu_s=1.8, subgraph_cpu_s=0.2),
    ]
    row = median_row("Silkgraph", samples, 90.0)
    assert (row.rps, row.p50_ms, row.p99_ms, row.errors) == (200, 4, 8, 1)
    assert round(row.cpu_ms, 3) == 0.9  # 1.0, 0.8, 0.9 ms per request
    assert round(row.subgraph_cpu_ms, 3) == 0.1  # 0.5, 0.1, 0.1


def test_ratios_are_req_per_s_against_js_gateways_and_cpu_against_grafbase() -> None:
    rows = [
        _row("Silkgraph", 2000, 0.6),
        _row("@apollo/gateway", 1000, 1.0),
        _row("Hive Gateway", 500, 2.0),
        _row("Grafbase", 5000, 0.2),
    ]
    got = ratios(rows)
    assert got == {"@apollo/gateway": 2.0, "Hive Gateway": 4.0, "Grafbase": 0.6 / 0.2}


def test_summary_takes_the_worst_shape_for_each_peer_and_the_worst_hive_variant() -> None:
    per_shape = {
        "ping": [
            _row("Silkgraph", 2000, 0.5),
            _row("@apollo/gateway", 1000, 1.0),
            _row("Hive Gateway", 800, 1.0),
            _row("Hive Gateway (router runtime)", 900, 1.0),
            _row("Grafbase", 4000, 0.25),
        ],
        "list": [
            _row("Silkgraph", 300, 3.0),
            _row("@apollo/gateway", 200, 4.0),
            _row("Hive Gateway", 100, 8.0),
            _row("Hive Gateway (router runtime)", 250, 2.0),
            _row("Grafbase", 900, 0.6),
        ],
    }
    assert summary(per_shape) == (
        "min ratio vs @apollo/gateway: 1.50; vs Hive Gateway: 1.20; max CPU per request vs Grafbase: 5.00x"
    )
    assert "| Hive Gateway (router runtime) | 250 |" in table("list", per_shape["list"])


def test_grafbase_config_lists_every_subgraph_and_turns_deduplication_off() -> None:
    config = tomllib.loads(grafbase_toml({"orders": "http://127.0.0.1:1/graphql", "ledger": "http://h:2/graphql"}))
    assert config["traffic_shaping"] == {"inflight_deduplication": False}
    assert config["subgraphs"]["ledger"] == {"url": "http://h:2/graphql", "introspection_url": "http://h:2/graphql"}
    assert set(config["subgraphs"]) == {"orders", "ledger"}


def test_compat_moves_only_the_subgraph_urls_of_the_supergraph() -> None:
    text = SUPERGRAPH.read_text(encoding="utf-8")
    names = [n for n, _ in JOIN_GRAPH.findall(text)]
    moved = moved_supergraph(text, {n: f"http://127.0.0.1:{14720 + i}/graphql" for i, n in enumerate(names)})
    assert [u for _, u in JOIN_GRAPH.findall(moved)] == [
        f"http://127.0.0.1:{14720 + i}/graphql" for i in range(len(names))
    ]
    assert JOIN_GRAPH.sub("", moved) == JOIN_GRAPH.sub("", text)


def test_compat_subgraph_settings_point_at_this_runs_sandboxes(tmp_path: Path) -> None:
    config = tomllib.loads(subgraph_config({4103: 14730, 4104: 14731, 4105: 14732}, tmp_path))
    assert config["adapters"]["tax"]["url"] == "http://127.0.0.1:14730"
    assert (config["adapters"]["cargo"]["url"], config["adapters"]["cargo"]["legacy_url"]) == (
        "http://127.0.0.1:14731",
        "http://127.0.0.1:14732",
    )
    assert config["adapters"]["payments"]["idempotency_store"].startswith(f"sqlite:///{tmp_path}/")


def test_compat_signs_what_the_demo_token_says() -> None:
    js = hive_config()  # the plugin is examples/router's signing, imported, not a copy that could drift
    assert f"import {{ signPrincipal }} from '{PRINCIPAL_JS.as_uri()}'" in js and "createHmac" not in js
    assert "'silkgraph-principal': signed" in js and PRINCIPAL_JS.is_file()
    assert token_args("kz-trade-agency", ["tax:read"]) == [
        *("--role", "partner", "--agency", "kz-trade-agency", "--scope", "tax:read")
    ]
    assert claims("kz-trade-agency", ["tax:read"]) == {
        "sub": "dev-user",
        "agency": "kz-trade-agency",
        "roles": ["partner"],
        "scope": "tax:read",
    }
    assert claims(None, [])["roles"] == ["operator"] and "--agency" not in token_args(None, [])
