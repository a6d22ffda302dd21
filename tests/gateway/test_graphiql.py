"""GraphiQL is served by the gateway itself: pinned assets in the package, a page that names no outside host."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html.parser
import urllib.parse

import pytest

from gateway.config import load_settings
from gateway.errors import ConfigError
from gateway.graphiql import ASSETS, graphiql_page
from tests.gateway.test_http import running


class _Refs(html.parser.HTMLParser):
    """Every URL the page loads (script src, link href, img src)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in ("src", "href"):
            if attributes.get(name):
                self.urls.append((str(attributes[name]), attributes))


def _refs(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Refs()
    parser.feed(page)
    return parser.urls


def test_every_shipped_asset_matches_its_pinned_integrity_hash() -> None:
    for asset in ASSETS:
        stored = asset.stored()
        plain = gzip.decompress(stored) if asset.gzipped else stored
        digest = base64.b64encode(hashlib.sha384(plain).digest()).decode()
        assert asset.integrity == f"sha384-{digest}", asset.name


def test_the_page_references_no_outside_host_unless_a_cdn_is_configured() -> None:
    for demo in (True, False):
        urls = _refs(graphiql_page(demo=demo))
        assert sorted(u for u, _ in urls) == sorted(a.local_url() for a in ASSETS)
        assert all(not urllib.parse.urlsplit(u).netloc for u, _ in urls)
    cdn = _refs(graphiql_page(demo=True, cdn="https://unpkg.com"))
    assert {u for u, _ in cdn} == {a.cdn_url("https://unpkg.com") for a in ASSETS}
    assert {attrs["integrity"] for _, attrs in cdn} == {a.integrity for a in ASSETS}


def test_a_cdn_must_be_an_https_url() -> None:
    with pytest.raises(ConfigError, match=r"gateway\.graphiql_cdn"):
        load_settings(None, overrides={"gateway.graphiql_cdn": "http://unpkg.com"})
    settings = load_settings(None, overrides={"gateway.graphiql_cdn": "https://cdn.jsdelivr.net/npm/"})
    assert settings.gateway.graphiql_cdn == "https://cdn.jsdelivr.net/npm"


async def test_the_gateway_serves_the_assets_gzip_to_those_who_accept_it_and_plain_to_others() -> None:
    async with running() as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        for url, _ in _refs(page.text):
            asset = next(a for a in ASSETS if a.local_url() == url)
            zipped = await client.get(url, headers={"accept-encoding": "gzip"})
            plain = await client.get(url, headers={"accept-encoding": "identity"})
            assert zipped.status_code == plain.status_code == 200
            assert zipped.content == plain.content  # httpx decodes the gzip body
            assert zipped.headers["content-type"] == asset.media_type
            assert zipped.headers.get("content-encoding") == ("gzip" if asset.gzipped else None)
            assert "content-encoding" not in plain.headers
        licence = await client.get("/graphiql/LICENSE.graphiql.txt")
        assert licence.status_code == 200 and "MIT License" in licence.text


async def test_production_serves_no_graphiql_assets() -> None:
    async with running(mode="production") as client:
        for asset in ASSETS:
            assert (await client.get(asset.local_url())).status_code == 404


async def test_a_configured_cdn_leaves_the_gateway_serving_no_assets() -> None:
    async with running(**{"gateway.graphiql_cdn": "https://unpkg.com"}) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert "https://unpkg.com/graphiql@3.8.3/graphiql.min.js" in page.text
        response = await client.get(ASSETS[0].local_url())
        assert response.status_code == 404
