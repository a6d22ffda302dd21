"""Standalone subgraphs give every error its extensions.code and mask internal exceptions."""

import strawberry

from gateway.errors import UpstreamTimeout
from gateway.sdk import federation_schema
from gateway.sdk.scalars import AWB


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, awb: AWB) -> str:
        return awb

    @strawberry.field
    def slow(self) -> str:
        raise UpstreamTimeout("rail timed out", service="payments")

    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("secret internals at 0xdeadbeef")


SCHEMA = federation_schema(query=Query)


async def _error(query: str, variables: dict[str, object] | None = None) -> tuple[str, dict[str, object]]:
    result = await SCHEMA.execute(query, variable_values=variables)
    assert result.errors
    return result.errors[0].message, dict(result.errors[0].extensions or {})


async def test_invalid_scalar_variable_is_bad_user_input_naming_the_rule() -> None:
    message, ext = await _error("query($a: AWB!) { echo(awb: $a) }", {"a": "020-12345676"})
    assert ext["code"] == "BAD_USER_INPUT"
    assert "check digit" in message


async def test_invalid_scalar_literal_is_bad_user_input() -> None:
    _, ext = await _error('{ echo(awb: "12") }')
    assert ext["code"] == "BAD_USER_INPUT"


async def test_silkgraph_errors_keep_their_code_and_service() -> None:
    message, ext = await _error("{ slow }")
    assert (message, ext["code"], ext["service"]) == ("rail timed out", "UPSTREAM_TIMEOUT", "payments")


async def test_internal_exceptions_are_masked() -> None:
    message, ext = await _error("{ boom }")
    assert "secret" not in message and ext["code"] == "INTERNAL_SERVER_ERROR"


async def test_validation_errors_are_coded() -> None:
    _, ext = await _error("{ nope }")
    assert ext["code"] == "GRAPHQL_VALIDATION_FAILED"
