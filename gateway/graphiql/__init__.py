"""GraphiQL, served by the gateway itself: the page on a browser GET of ``/graphql`` and its pinned assets.

The assets (GraphiQL's standalone build with React and ReactDOM) ship inside the package with their licences
(``static/``, :mod:`gateway.graphiql.assets`), so the page loads offline and references no outside host; a CDN is
used only when ``gateway.graphiql_cdn`` says so, with subresource integrity pinning the same bytes.
"""

from __future__ import annotations

from gateway.graphiql.assets import ASSETS, asset_routes
from gateway.graphiql.page import example_tabs, graphiql_page

__all__ = ["ASSETS", "asset_routes", "example_tabs", "graphiql_page"]
