"""The GraphiQL page served on a browser GET of ``/graphql`` (demo and development; off in production).

It loads GraphiQL from a CDN (no front-end build in the gateway) and keeps the ``Authorization`` header in the
header editor, never in the URL. In demo mode it opens the example operations (:mod:`gateway.operations`) as
tabs, each with its story variables, and the header editor holds a hint for a dev token (``silkgraph token``).
Subscriptions (the ``ShipmentMilestones`` tab) stream over GraphQL over SSE with the header editor's headers.
"""

from __future__ import annotations

import json

from gateway.operations import example_operations

__all__ = ["example_tabs", "graphiql_page"]

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Silkgraph · GraphiQL</title>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css" crossorigin="anonymous">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql" role="main" aria-label="GraphiQL">Loading GraphiQL…</div>
  <script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js" crossorigin="anonymous"></script>
  <script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js" crossorigin="anonymous"></script>
  <script src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js" crossorigin="anonymous"></script>
  <script>
    const config = {config};
    const http = GraphiQL.createFetcher({{
      url: window.location.pathname,
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


def graphiql_page(*, demo: bool, tabs: list[dict[str, str]] | None = None, headers_hint: str = "") -> str:
    """The page; in demo mode (and without explicit ``tabs``) it opens the example operations as tabs."""
    config = {
        "defaultQuery": _DEFAULT_QUERY,
        # empty: anonymous reads work in demo mode, and a placeholder token would be refused as invalid (401);
        # the welcome tab says how to paste a real one from `silkgraph token`
        "defaultHeaders": headers_hint,
        "tabs": tabs if tabs is not None else (example_tabs() if demo else []),
    }
    # JSON inside a <script>: escape "</" so a string can never close the element
    text = json.dumps(config).replace("</", "<\\/")
    return _TEMPLATE.format(config=text)
