"""The GraphiQL page served on a browser GET of ``/graphql`` (demo and development; off in production).

It loads GraphiQL from a CDN (no front-end build in the gateway) and keeps the ``Authorization`` header in the
header editor, never in the URL.
"""

from __future__ import annotations

import json

__all__ = ["graphiql_page"]

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
    const fetcher = GraphiQL.createFetcher({{
      url: window.location.pathname,
      headers: {{ "Apollo-Require-Preflight": "true" }},
    }});
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
# Try the example tabs, or:
{
  countries {
    code
    name
    currencies { code minorUnits }
  }
}
"""


def graphiql_page(*, demo: bool, tabs: list[dict[str, str]] | None = None, headers_hint: str = "") -> str:
    config = {
        "defaultQuery": _DEFAULT_QUERY,
        "defaultHeaders": headers_hint
        or ('{\n  "Authorization": "Bearer <token from `silkgraph token`>"\n}' if demo else ""),
        "tabs": tabs or [],
    }
    # JSON inside a <script>: escape "</" so a string can never close the element
    text = json.dumps(config).replace("</", "<\\/")
    return _TEMPLATE.format(config=text)
