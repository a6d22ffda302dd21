"""GraphiQL's pinned front-end assets, shipped in ``static/`` and served at ``/graphiql/…``.

Each asset names the npm package and version it comes from, its path inside that package (the path an npm CDN
serves) and the SRI hash of its bytes. Large files are stored gzip-compressed and sent as they are to clients
that accept gzip (browsers all do). ``scripts/graphiql-assets.sh`` refreshes them from npm; the test
``tests/gateway/test_graphiql.py`` checks every stored file against its hash.
"""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Awaitable, Callable
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["ASSETS", "Asset", "asset_routes"]

#: the prefix the gateway serves the assets under
PREFIX = "/graphiql"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Asset:
    name: str
    package: str
    version: str
    #: path inside the npm package (what an npm CDN serves at ``/{package}@{version}/{path}``)
    path: str
    media_type: str
    #: subresource integrity of the uncompressed bytes
    integrity: str
    gzipped: bool = False
    licence: str = ""

    def cdn_url(self, cdn: str) -> str:
        return f"{cdn}/{self.package}@{self.version}/{self.path}"

    def local_url(self) -> str:
        return f"{PREFIX}/{self.name}"

    def stored(self) -> bytes:
        """The bytes as shipped (gzip-compressed when :attr:`gzipped`)."""
        stored_name = self.name + (".gz" if self.gzipped else "")
        return (resources.files(__package__) / "static" / stored_name).read_bytes()


ASSETS: tuple[Asset, ...] = (
    Asset(
        name="react.production.min.js",
        package="react",
        version="18.3.1",
        path="umd/react.production.min.js",
        media_type="text/javascript; charset=utf-8",
        integrity="sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
        licence="LICENSE.react.txt",
    ),
    Asset(
        name="react-dom.production.min.js",
        package="react-dom",
        version="18.3.1",
        path="umd/react-dom.production.min.js",
        media_type="text/javascript; charset=utf-8",
        integrity="sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
        licence="LICENSE.react-dom.txt",
    ),
    Asset(
        name="graphiql.min.js",
        package="graphiql",
        version="3.8.3",
        path="graphiql.min.js",
        media_type="text/javascript; charset=utf-8",
        integrity="sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
        gzipped=True,
        licence="LICENSE.graphiql.txt",
    ),
    Asset(
        name="graphiql.min.css",
        package="graphiql",
        version="3.8.3",
        path="graphiql.min.css",
        media_type="text/css; charset=utf-8",
        integrity="sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
        gzipped=True,
        licence="LICENSE.graphiql.txt",
    ),
)

_LICENCES = ("LICENSE.graphiql.txt", "LICENSE.react.txt", "LICENSE.react-dom.txt", "THIRD-PARTY.txt")
Endpoint = Callable[[Request], Awaitable[Response]]


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00"):
            return True
    return False


def _serve(plain: bytes, media_type: str, gzipped: bytes | None = None) -> Endpoint:
    # caching: the app's own headers (no-store) apply, as to every response of the gateway
    headers = {"vary": "accept-encoding"}

    async def endpoint(request: Request) -> Response:
        if gzipped is not None and _accepts_gzip(request):
            return Response(gzipped, media_type=media_type, headers={**headers, "content-encoding": "gzip"})
        return Response(plain, media_type=media_type, headers=headers)

    return endpoint


def asset_routes() -> list[Route]:
    """Routes for every asset and licence file, read once at start-up."""
    routes = []
    for asset in ASSETS:
        stored = asset.stored()
        if asset.gzipped:
            endpoint = _serve(gzip.decompress(stored), asset.media_type, stored)
        else:
            endpoint = _serve(stored, asset.media_type)
        routes.append(Route(asset.local_url(), endpoint, methods=["GET"]))
    for licence in _LICENCES:
        text = (resources.files(__package__) / "static" / licence).read_bytes()
        routes.append(Route(f"{PREFIX}/{licence}", _serve(text, "text/plain; charset=utf-8"), methods=["GET"]))
    return routes
