"""One federated graph: parse → limits → validate → coerce variables → plan → execute → shape.

:class:`FederatedGraph` is what the HTTP layer calls. Parsing, validation and plans are cached by document text,
so a repeated operation costs a dictionary lookup before execution. Request errors (parse, validation, variables,
unknown operation) come back with ``request_error=True`` and no ``data``; the HTTP layer picks the status code.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    experimental_execute_incrementally,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.validation import NoSchemaIntrospectionCustomRule

from gateway.errors import PlanningError, RequestError, SilkgraphError, to_graphql_extensions
from gateway.federation.executor import FetchRecord, PlanExecutor, Transport
from gateway.federation.incremental import without_defer
from gateway.federation.input_errors import literal_field, variable_field
from gateway.federation.plan import QueryPlan
from gateway.federation.planning import QueryPlanner, operation_of, plan_cache_key
from gateway.federation.response import ShapeCache, shape_response
from gateway.federation.supergraph import Supergraph
from gateway.sdk.context import RequestContext

__all__ = [
    "Authorization",
    "Authorizer",
    "FederatedGraph",
    "GraphQLRequest",
    "GraphQLResponse",
    "OperationCheck",
    "PlannedOperation",
    "PreValidationCheck",
]

#: A cheap check that runs on the parsed document before validation (limits); raises RequestError to reject.
PreValidationCheck = Callable[[DocumentNode], None]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Authorization:
    """What the caller may run: the document to plan, and the removed fields (``id(FieldNode)`` → error)."""

    document: DocumentNode
    denied: Mapping[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: distinguishes this rewrite in the plan cache (same text, different removed fields)
    key: str = ""


#: Runs after validation, before planning: removes the fields the caller may not see (gateway.policy.authz).
Authorizer = Callable[[DocumentNode, OperationDefinitionNode, RequestContext], Authorization]
#: Runs after variable coercion, before planning (demand control); raises RequestError to reject.
OperationCheck = Callable[
    [OperationDefinitionNode, Mapping[str, FragmentDefinitionNode], Mapping[str, Any], RequestContext], None
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class GraphQLRequest:
    query: str
    variables: Mapping[str, Any] | None = None
    operation_name: str | None = None
    extensions: Mapping[str, Any] | None = None
    #: operation types this transport allows (GET: queries only)
    allowed_operations: frozenset[str] = frozenset({"query", "mutation"})


@dataclasses.dataclass(kw_only=True)
class GraphQLResponse:
    data: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    extensions: dict[str, Any] | None = None
    request_error: bool = False
    #: HTTP status the error asks for (405 mutation over GET...), if not the default
    status: int | None = None
    plan: QueryPlan | None = None
    operation_type: str | None = None
    operation_name: str | None = None
    fetches: list[FetchRecord] = dataclasses.field(default_factory=list)
    document_hash: str | None = None
    #: extra HTTP response headers (Retry-After, WWW-Authenticate)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.errors:
            out["errors"] = self.errors
        if not self.request_error:
            out["data"] = self.data
        if self.extensions:
            out["extensions"] = self.extensions
        return out


@dataclasses.dataclass(kw_only=True, slots=True)
class PlannedOperation:
    """An operation that passed every check and has its plan: what execution (or a stream) starts from."""

    response: GraphQLResponse
    plan: QueryPlan
    operation: OperationDefinitionNode
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    authorization: Authorization
    shapes: ShapeCache
    data: dict[str, Any]
    errors: list[dict[str, Any]]


@dataclasses.dataclass(slots=True)
class _Prepared:
    document: DocumentNode | None
    errors: list[dict[str, Any]]
    shapes: ShapeCache = dataclasses.field(default_factory=ShapeCache)


def _error(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


def _graphql_error(error: GraphQLError, code: str) -> dict[str, Any]:
    out = error.formatted
    ext = dict(out.get("extensions") or {})
    original = error.original_error
    if isinstance(original, SilkgraphError):
        message, public = to_graphql_extensions(original)
        ext.update(public)
        out["message"] = f"{error.message}" if message in error.message else f"{error.message}: {message}"
    ext.setdefault("code", code)
    out["extensions"] = ext
    return dict(out)


class FederatedGraph:
    """Plans and executes client operations over one supergraph."""

    def __init__(
        self,
        supergraph: Supergraph,
        transports: Mapping[str, Transport],
        *,
        introspection: bool = True,
        max_tokens: int | None = 2000,
        plan_cache_size: int = 512,
        document_cache_size: int = 1024,
        include_subgraph_errors: bool = True,
        deduplicate_fetches: bool = True,
        request_timeout: float | None = None,
        pre_validation: list[PreValidationCheck] | None = None,
        authorize: Authorizer | None = None,
        operation_checks: list[OperationCheck] | None = None,
        hide_suggestions: bool = False,
    ) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.api_schema
        self.planner = QueryPlanner(supergraph, plan_cache_size)
        self.executor = PlanExecutor(
            transports,
            include_subgraph_errors=include_subgraph_errors,
            deduplicate=deduplicate_fetches,
            deadline=request_timeout,
        )
        self.transports = transports
        self.introspection = introspection
        self.max_tokens = max_tokens
        self.pre_validation = list(pre_validation or ())
        self.authorize = authorize
        self.operation_checks = list(operation_checks or ())
        #: keep "Did you mean ...?" out of validation errors (the schema stays private in production)
        self.hide_suggestions = hide_suggestions
        self._rules = list(specified_rules) + ([] if introspection else [NoSchemaIntrospectionCustomRule])
        self._documents: OrderedDict[str, _Prepared] = OrderedDict()
        self._document_cache_size = document_cache_size

    # ------------------------------------------------------------------------------------------- preparation
    def prepare(self, query: str) -> _Prepared:
        """Parse, check limits and validate once per document text."""
        cached = self._documents.get(query)
        if cached is not None:
            self._documents.move_to_end(query)
            return cached
        prepared = self._prepare(query)
        self._documents[query] = prepared
        if len(self._documents) > self._document_cache_size:
            self._documents.popitem(last=False)
        return prepared

    def _prepare(self, query: str) -> _Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as exc:
            error = _graphql_error(exc, _parse_error_code(exc.message))
            if error["extensions"]["code"] == "MAX_TOKENS_LIMIT":
                error["extensions"]["limit"] = self.max_tokens
            return _Prepared(None, [error])
        except RecursionError:
            return _Prepared(None, [_error("Document is nested too deeply to parse", "GRAPHQL_PARSE_FAILED")])
        try:
            for check in self.pre_validation:
                check(document)
        except RequestError as exc:
            message, extensions = to_graphql_extensions(exc)
            return _Prepared(None, [{"message": message, "extensions": extensions}])
        problems = validate(self.schema, document, self._rules, hide_suggestions=self.hide_suggestions)
        if problems:
            errors = [_graphql_error(p, "GRAPHQL_VALIDATION_FAILED") for p in problems]
            for error, problem in zip(errors, problems, strict=True):
                if error["extensions"]["code"] == "BAD_USER_INPUT":  # a literal a scalar's rule refused
                    error["extensions"].setdefault("field", literal_field(document, problem))
            return _Prepared(None, errors)
        return _Prepared(document, [])

    # ---------------------------------------------------------------------------------------------- execution
    async def execute(self, request: GraphQLRequest, context: RequestContext) -> GraphQLResponse:
        planned = await self.plan_request(request, context)
        if isinstance(planned, GraphQLResponse):
            return planned
        response = planned.response
        outcome = await self.executor.execute(planned.plan, planned.variables, context, planned.data)
        planned.errors.extend(outcome.errors)
        response.fetches = outcome.fetches
        response.data = self.shape(planned, outcome.data, planned.errors)
        response.errors = planned.errors
        return response

    def shape(self, planned: PlannedOperation, data: Mapping[str, Any], errors: list[dict[str, Any]]) -> Any:
        """Shape merged data for the client (null propagation, aliases, denied fields)."""
        return shape_response(
            self.schema,
            planned.operation,
            planned.fragments,
            planned.variables,
            data,
            errors,
            planned.shapes,
            denied=planned.authorization.denied,
            supergraph_schema=self.supergraph.schema,
        )

    async def plan_request(
        self, request: GraphQLRequest, context: RequestContext
    ) -> GraphQLResponse | PlannedOperation:
        """Everything before execution: a planned operation, or the response refusing it."""
        prepared = self.prepare(request.query)
        if prepared.document is None:
            return GraphQLResponse(errors=prepared.errors, request_error=True)
        document = prepared.document
        if "@defer" in request.query:  # one complete response (incremental delivery splits before: incremental.py)
            document = without_defer(document)
        try:
            operation = operation_of(document, request.operation_name)
        except PlanningError as exc:
            return GraphQLResponse(errors=[_error(exc.message, "BAD_REQUEST")], request_error=True)
        kind = operation.operation.value
        name = operation.name.value if operation.name else None
        response = GraphQLResponse(operation_type=kind, operation_name=name)
        if kind not in request.allowed_operations:
            response.errors = [_error(_refused_kind(kind), "BAD_REQUEST")]
            response.request_error = True
            response.status = 405
            return response
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), dict(request.variables or {}))
        if isinstance(coerced, list):
            response.errors = [_graphql_error(e, "BAD_USER_INPUT") for e in coerced]
            for err, problem in zip(response.errors, coerced, strict=True):
                err["extensions"]["code"] = "BAD_USER_INPUT"
                err["extensions"]["field"] = variable_field(problem)
                if self.hide_suggestions:
                    err["message"] = _SUGGESTION.sub("", err["message"])
            response.request_error = True
            return response
        variables = _raw_variables(operation, request.variables or {}, coerced.coerced)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        try:
            for check in self.operation_checks:
                check(operation, fragments, variables, context)
        except RequestError as exc:
            message, extensions = to_graphql_extensions(exc)
            response.errors = [{"message": message, "extensions": extensions}]
            response.request_error = True
            response.status = None if exc.http_status == 400 else exc.http_status
            return response
        authorization = (
            self.authorize(document, operation, context) if self.authorize else Authorization(document=document)
        )
        planned = authorization.document
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if _has_introspection(operation):
            await self._introspect(document, operation, variables, data, errors)
        labels = context.override_labels
        plan_text = request.query + (f"\n# authz {authorization.key}" if authorization.denied else "")
        try:
            plan = self.planner.plan(
                planned,
                name if request.operation_name else None,
                labels,
                plan_cache_key(plan_text, request.operation_name, labels),
            )
        except PlanningError as exc:
            response.errors = [_error(exc.message, exc.code)]
            response.data = None
            return response
        response.plan = plan
        return PlannedOperation(
            response=response,
            plan=plan,
            operation=operation,
            fragments=fragments,
            variables=variables,
            authorization=authorization,
            shapes=prepared.shapes,
            data=data,
            errors=errors,
        )

    async def _introspect(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        data: dict[str, Any],
        errors: list[dict[str, Any]],
    ) -> None:
        selections = tuple(
            s
            for s in operation.selection_set.selections
            if not isinstance(s, FieldNode) or s.name.value in ("__schema", "__type", "__typename")
        )
        only = OperationDefinitionNode(
            operation=operation.operation,
            name=operation.name,
            variable_definitions=operation.variable_definitions,
            directives=operation.directives,
            selection_set=SelectionSetNode(selections=selections),
        )
        definitions = (*(d for d in document.definitions if not isinstance(d, OperationDefinitionNode)), only)
        # the API schema declares @defer (served by gateway.federation.incremental): graphql-core executes such a
        # schema through its incremental entry point; the introspection document itself defers nothing
        outcome = experimental_execute_incrementally(
            self.schema, DocumentNode(definitions=definitions), variable_values=dict(variables)
        )
        if inspect.isawaitable(outcome):
            outcome = await outcome
        result = outcome if isinstance(outcome, ExecutionResult) else outcome.initial_result
        if result.data:
            data.update(result.data)
        for e in result.errors or ():
            errors.append(_graphql_error(e, "INTERNAL_SERVER_ERROR"))

    def stats(self) -> dict[str, Any]:
        return {
            "plan_cache_hits": self.planner.hits,
            "plan_cache_misses": self.planner.misses,
            "documents_cached": len(self._documents),
            "at": time.time(),
        }


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _refused_kind(kind: str) -> str:
    if kind == "subscription":
        return (
            "subscription operations stream: use graphql-ws (WebSocket, subprotocol graphql-transport-ws), "
            'Accept: text/event-stream (GraphQL over SSE) or Accept: multipart/mixed;subscriptionSpec="1.0"'
        )
    return f"{kind} operations are not allowed over this request method (use POST)"


def _parse_error_code(message: str) -> str:
    """The code of a parse error: the parser's own guards (token count, nesting) are limits, not syntax errors."""
    lowered = message.lower()
    if "token limit" in lowered or ("more than" in lowered and "tokens" in lowered):
        return "MAX_TOKENS_LIMIT"
    if "nested too deeply" in lowered:
        return "MAX_DEPTH_LIMIT"
    return "GRAPHQL_PARSE_FAILED"


def _has_introspection(operation: OperationDefinitionNode) -> bool:
    return any(
        isinstance(s, FieldNode) and s.name.value in ("__schema", "__type") for s in operation.selection_set.selections
    )


def _raw_variables(
    operation: OperationDefinitionNode, provided: Mapping[str, Any], coerced: Mapping[str, Any]
) -> dict[str, Any]:
    """Variables forwarded to subgraphs: the client's JSON values (validated), defaults filled in."""
    out: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in provided:
            out[name] = provided[name]
        elif name in coerced:
            value = coerced[name]
            out[name] = value if _jsonable(value) else provided.get(name)
    return out


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)
