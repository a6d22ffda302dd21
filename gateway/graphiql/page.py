"""The GraphiQL page served on a browser GET of ``/graphql`` (demo and development; off in production).

It loads GraphiQL from the assets shipped in the package (:mod:`gateway.graphiql.assets`; an npm CDN only when
``cdn`` is given, pinned by subresource integrity) and keeps the ``Authorization`` header in the header editor,
never in the URL. The fetcher is @graphiql/toolkit's ``createGraphiQLFetcher`` (``GraphiQL.createFetcher``) for
queries and mutations; subscriptions (the ``ShipmentMilestones`` tab) stream over GraphQL over SSE with the header
editor's headers. In demo mode it opens the example operations (:mod:`gateway.operations`) as tabs, each with its
story variables, and the header editor holds a hint for a dev token (``silkgraph token``).
"""

from __future__ import annotations

import json

from gateway.graphiql.assets import ASSETS
from gateway.operations import example_operations

__all__ = ["example_tabs", "graphiql_page"]

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Silkgraph · GraphiQL</title>
  {styles}
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql" role="main" aria-label="GraphiQL">Loading GraphiQL…</div>
  {scripts}
  <script>
    const config = {config};
    const http = GraphiQL.createFetcher({{
      url: window.location.pathname,
      // graphql-ws (bundled with GraphiQL) for subscriptions once the gateway serves them
      subscriptionUrl: config.subscriptionUrl || undefined,
      headers: {{ "Apollo-Require-Preflight": "true" }},
    }});
    // subscriptions stream over GraphQL over SSE, with the header editor's Authorization like every request
    async function* sse(params, opts) {{
      const response = await fetch(window.location.pathname, {{
        method: "POST",
        headers: {{
          "content-type": "application/json",
          accept: "text/event-stream",
          ...((opts && opts.headers) || {{}}),
        }},
        body: JSON.stringify(params),
      }});
      if (!(response.headers.get("content-type") || "").startsWith("text/event-stream")) {{
        yield await response.json();
        return;
      }}
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {{
        const {{ value, done }} = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\\n\\n")) >= 0) {{
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "", data = "";
          for (const line of block.split("\\n")) {{
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }}
          if (event === "next") yield JSON.parse(data);
          else if (event === "complete") return;
        }}
      }}
    }}
    const isSubscription = (query) => /(^|\\n)\\s*subscription\\b/.test((query || "").replace(/#[^\\n]*/g, ""));
    const fetcher = (params, opts) => (isSubscription(params.query) ? sse(params, opts) : http(params, opts));
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      defaultTabs: config.tabs,
      shouldPersistHeaders: false,
    }}));
  </script>
</body>
</html>
"""

_DEFAULT_QUERY = """# Welcome to Silkgraph: one graph over the trade platform's legacy systems.
# The other tabs are the example operations: the trade dossier by company, shipment and vehicle, a
# declaration, a barter contract, an invoice check and a mutation. Run one with the ▶ button.
# Authenticate: run `silkgraph token` for a dev token and put it in the Headers editor below as
#   {"Authorization": "Bearer <token>"}
{
  countries {
    code
    name
    currencies { code minorUnits }
  }
}
"""


def example_tabs() -> list[dict[str, str]]:
    """A welcome tab, then one GraphiQL tab per example operation with its variables."""
    tabs = [{"query": _DEFAULT_QUERY}]
    for op in example_operations().values():
        tabs.append({"query": op.text, "variables": op.variables_json})
    return tabs


def _asset_tags(cdn: str | None) -> tuple[str, str]:
    styles, scripts = [], []
    for asset in ASSETS:
        if cdn:
            src = asset.cdn_url(cdn)
            extra = f' integrity="{asset.integrity}" crossorigin="anonymous"'
        else:
            src, extra = asset.local_url(), ""
        if asset.name.endswith(".css"):
            styles.append(f'<link rel="stylesheet" href="{src}"{extra}>')
        else:
            scripts.append(f'<script src="{src}"{extra}></script>')
    return "\n  ".join(styles), "\n  ".join(scripts)


def graphiql_page(
    *,
    demo: bool,
    tabs: list[dict[str, str]] | None = None,
    headers_hint: str = "",
    cdn: str | None = None,
    subscription_url: str | None = None,
) -> str:
    """The page; in demo mode (and without explicit ``tabs``) it opens the example operations as tabs.

    ``cdn`` (an npm CDN such as ``https://unpkg.com``) loads the same pinned assets from there instead of from the
    gateway; ``subscription_url`` (a ``ws://`` or path) turns on subscriptions in GraphiQL's fetcher.
    """
    config = {
        "subscriptionUrl": subscription_url,
        "defaultQuery": _DEFAULT_QUERY,
        # empty: anonymous reads work in demo mode, and a placeholder token would be refused as invalid (401);
        # the welcome tab says how to paste a real one from `silkgraph token`
        "defaultHeaders": headers_hint,
        "tabs": tabs if tabs is not None else (example_tabs() if demo else []),
    }
    # JSON inside a <script>: escape "</" so a string can never close the element
    text = json.dumps(config).replace("</", "<\\/")
    styles, scripts = _asset_tags(cdn)
    return _TEMPLATE.format(config=text, styles=styles, scripts=scripts)
