"""Authorization rules as an adapter declares them in its Strawberry schema.

Silkgraph is closed by default (:mod:`gateway.policy.authz`): a field of the API schema is open only when a rule
covers it — ``@authenticated`` / ``@requiresScopes`` / ``@policy`` on the field, on its type or on the type it
returns — or when it is reference data tagged ``@tag(name: "public")``. The scope names come from
:mod:`gateway.policy.scopes`::

    @strawberry.federation.type(keys=["id"], requires_scopes=needs(CUSTOMS_READ))   # every field of the type
    class CustomsDeclaration: ...

    @strawberry.federation.field(requires_scopes=needs(CUSTOMS_SUBMIT))             # one field
    async def submit_declaration(...) -> SubmitDeclarationPayload: ...

    name: str = public_field()                                                       # reference data only
"""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.policy.scopes import PUBLIC_TAG

__all__ = ["PUBLIC_TAG", "needs", "public_field"]


def needs(*scopes: str) -> list[list[str]]:
    """``requires_scopes=`` for a rule that needs every one of ``scopes``."""
    return [list(scopes)]


def public_field(**kwargs: Any) -> Any:
    """A field everyone may read, tokens or not: only for reference data."""
    return strawberry.federation.field(tags=[PUBLIC_TAG], **kwargs)
