"""read_body: the whole decoded body, whatever the piece sizes, never more than the limit after decoding."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.bodies import BodyTooLarge, BodyUndecodable, read_body
from gateway.sdk.testing.hostile import gzip_bomb


async def _pieces(data: bytes, cuts: list[int]) -> AsyncIterator[bytes]:
    at = 0
    for cut in sorted(set(cuts)):
        yield data[at:cut]
        at = cut
    yield data[at:]


def _deflate_raw(data: bytes) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


ENCODERS = {
    "identity": lambda b: b,
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "deflate-raw": _deflate_raw,
    "gzip, gzip": lambda b: gzip.compress(gzip.compress(b)),
    "deflate, gzip": lambda b: gzip.compress(zlib.compress(b)),
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    body=st.binary(max_size=5000) | st.builds(lambda n: b"ab" * n, st.integers(0, 20000)),
    coding=st.sampled_from(sorted(ENCODERS)),
    cuts=st.lists(st.integers(0, 6000), max_size=8),
)
async def test_any_body_in_any_pieces_comes_back_whole(body: bytes, coding: str, cuts: list[int]) -> None:
    wire = ENCODERS[coding](body)
    header = "deflate" if coding == "deflate-raw" else coding
    got = await read_body(_pieces(wire, [c % (len(wire) + 1) for c in cuts]), limit=len(body), encoding=header)
    assert got == body


@pytest.mark.parametrize("coding", sorted(ENCODERS))
async def test_one_byte_over_the_limit_is_refused_after_decoding(coding: str) -> None:
    body = bytes(range(256)) * 40
    wire = ENCODERS[coding](body)
    header = "deflate" if coding == "deflate-raw" else coding
    with pytest.raises(BodyTooLarge):
        await read_body(_pieces(wire, [len(wire) // 2]), limit=len(body) - 1, encoding=header)
    assert await read_body(_pieces(wire, []), limit=len(body), encoding=header) == body


async def test_a_gzip_bomb_stops_at_the_limit_not_at_its_size() -> None:
    bomb = gzip_bomb(100 << 20)  # ~100 KB that inflates to 100 MiB
    assert len(bomb) < 200_000
    produced: list[int] = []

    async def wire() -> AsyncIterator[bytes]:
        for at in range(0, len(bomb), 65536):
            produced.append(at)
            yield bomb[at : at + 65536]

    with pytest.raises(BodyTooLarge) as caught:
        await read_body(wire(), limit=2_000_000, encoding="gzip")
    assert caught.value.limit == 2_000_000
    assert len(produced) == 1  # the first wire piece already inflates past the limit: nothing more is read


async def test_an_announced_length_over_the_limit_is_refused_before_reading() -> None:
    async def never() -> AsyncIterator[bytes]:
        raise AssertionError("the body must not be read")
        yield b""  # pragma: no cover

    with pytest.raises(BodyTooLarge) as caught:
        await read_body(never(), limit=10, announced="11")
    assert caught.value.announced == 11


@pytest.mark.parametrize(("coding", "wire"), [("br", b"\x1b\x00"), ("zstd", b"x"), ("gzip", b"not gzip at all")])
async def test_an_encoding_not_asked_for_or_corrupt_data_is_undecodable(coding: str, wire: bytes) -> None:
    with pytest.raises(BodyUndecodable):
        await read_body(_pieces(wire, []), limit=100, encoding=coding)
