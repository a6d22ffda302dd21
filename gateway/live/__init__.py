"""Live data on ``/graphql``: graphql-ws, GraphQL over SSE and multipart subscriptions (see each module)."""

from __future__ import annotations

from gateway.live.graphql_ws import SUBPROTOCOL, graphql_ws_endpoint
from gateway.live.http_streams import stream_kind, streaming_endpoint
from gateway.live.service import LiveService

__all__ = ["SUBPROTOCOL", "LiveService", "graphql_ws_endpoint", "stream_kind", "streaming_endpoint"]
