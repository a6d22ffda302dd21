"""The one mapping from exceptions to GraphQL error extensions."""

from __future__ import annotations

import pytest

from gateway.errors import (
    BadUserInput,
    CompositionError,
    ConfigError,
    Conflict,
    Forbidden,
    LimitExceeded,
    NotFound,
    SilkgraphError,
    SubgraphError,
    SupergraphError,
    Unauthenticated,
    UpstreamFault,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
    is_public,
    to_graphql_extensions,
)


@pytest.mark.parametrize(
    "error",
    [ValueError("db password is hunter2"), KeyError("x"), RuntimeError(), None],
)
def test_non_silkgraph_exceptions_are_masked(error: BaseException | None) -> None:
    assert to_graphql_extensions(error) == ("Internal server error", {"code": "INTERNAL_SERVER_ERROR"})
    assert not is_public(error)


@pytest.mark.parametrize(
    "error",
    [
        ConfigError("adapters.customs.url", "must be an http(s) URL"),
        CompositionError(["Company.name: tax and customs both define it"]),
        SupergraphError("join v0.9 is not supported"),
    ],
)
def test_start_up_errors_are_masked_if_they_ever_reach_a_client(error: SilkgraphError) -> None:
    assert to_graphql_extensions(error) == ("Internal server error", {"code": "INTERNAL_SERVER_ERROR"})


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (BadUserInput("AWB fails the check digit", field="awb"), "BAD_USER_INPUT", 400),
        (Unauthenticated("token expired"), "UNAUTHENTICATED", 401),
        (Forbidden("needs scope payments:write"), "FORBIDDEN", 403),
        (NotFound("no such declaration"), "NOT_FOUND", 404),
        (Conflict("idempotency key reused with another payload"), "CONFLICT", 409),
        (LimitExceeded("depth 12 > 10", code="MAX_DEPTH_LIMIT", limit=10), "MAX_DEPTH_LIMIT", 400),
    ],
)
def test_request_errors_keep_their_message_code_and_status(error: SilkgraphError, code: str, status: int) -> None:
    message, extensions = to_graphql_extensions(error)
    assert message == error.message
    assert extensions["code"] == code
    assert error.http_status == status


def test_bad_user_input_names_the_field() -> None:
    _, extensions = to_graphql_extensions(BadUserInput("VIN must be 17 characters", field="input.vin"))
    assert extensions == {"code": "BAD_USER_INPUT", "field": "input.vin"}


def test_limit_exceeded_reports_the_limit() -> None:
    _, extensions = to_graphql_extensions(LimitExceeded("too many aliases", code="MAX_ALIASES_LIMIT", limit=15))
    assert extensions == {"code": "MAX_ALIASES_LIMIT", "limit": 15}


@pytest.mark.parametrize(
    ("cls", "code", "status"),
    [
        (SubgraphError, "SUBREQUEST_FAILED", 502),
        (UpstreamTimeout, "UPSTREAM_TIMEOUT", 504),
        (UpstreamUnavailable, "UPSTREAM_UNAVAILABLE", 503),
        (UpstreamFault, "UPSTREAM_FAULT", 502),
        (UpstreamProtocolError, "UPSTREAM_PROTOCOL_ERROR", 502),
    ],
)
def test_subgraph_errors_name_the_service(cls: type[SubgraphError], code: str, status: int) -> None:
    error = cls("the customs system did not answer in 10 s", service="customs")
    message, extensions = to_graphql_extensions(error)
    assert message == "the customs system did not answer in 10 s"
    assert extensions == {"code": code, "service": "customs", "serviceName": "customs"}
    assert error.http_status == status
    assert isinstance(error, SubgraphError)


def test_non_json_extension_values_are_dropped() -> None:
    error = UpstreamFault("soap:Client fault", service="tax", fault_code="soap:Client", raw=object())
    _, extensions = to_graphql_extensions(error)
    assert extensions == {"code": "UPSTREAM_FAULT", "service": "tax", "serviceName": "tax", "fault_code": "soap:Client"}


def test_code_can_be_overridden_per_instance() -> None:
    error = SubgraphError("breaker open", service="payments", code="CIRCUIT_OPEN")
    assert to_graphql_extensions(error)[1]["code"] == "CIRCUIT_OPEN"
    assert SubgraphError.code == "SUBREQUEST_FAILED"


def test_config_error_message_names_key_and_reason() -> None:
    error = ConfigError("gateway.port", "must be a TCP port (0-65535), got 70000")
    assert str(error) == "config gateway.port: must be a TCP port (0-65535), got 70000"
    assert (error.key, error.reason) == ("gateway.port", "must be a TCP port (0-65535), got 70000")
