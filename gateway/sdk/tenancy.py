"""Fail-closed tenancy: which agencies' records a principal may read, decided in one place.

* A principal with a valid agency reads that agency's records only.
* A principal without an agency reads **no** tenant-scoped record — ``None`` never means "all".
* Reading across agencies takes the platform grant: a platform role (``operator`` or ``auditor``) **and** the
  ``platform:read-all`` scope. The grant is named in every audit record of the operation it allowed.

Legacy systems learn the tenant from the ``X-Agency-Id`` header; a request without it is a platform read there.
So the header is never left to an adapter: :class:`gateway.sdk.calls.LegacyTransport` stamps it from the
principal of the operation being served on every legacy request, refuses the request before it leaves when the
principal may see nothing, and drops the header only for the platform grant. Adapters that cache per tenant key
their cache with :attr:`Tenancy.key`.
"""

from __future__ import annotations

import dataclasses
import re

from gateway.errors import Forbidden
from gateway.policy.scopes import PLATFORM_READ_ALL, PLATFORM_ROLES
from gateway.sdk.context import Principal

__all__ = ["AGENCY_HEADER", "AGENCY_PATTERN", "NoTenant", "Tenancy", "tenancy_of", "valid_agency"]

#: the header legacy systems read the tenant from
AGENCY_HEADER = "X-Agency-Id"
#: what an agency id looks like (a claim outside it is refused with 401 at authentication)
AGENCY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def valid_agency(value: object) -> bool:
    return isinstance(value, str) and AGENCY_PATTERN.fullmatch(value) is not None


class NoTenant(Forbidden):
    """The caller has no agency and no platform grant: tenant-scoped records are closed to it."""

    def __init__(self, what: str = "") -> None:
        super().__init__(
            "your token carries no agency and no platform grant, so it sees no tenant records"
            + (f" ({what})" if what else "")
            + "; use a token with an agency claim, or the operator/auditor role with the platform:read-all scope"
        )


@dataclasses.dataclass(frozen=True)
class Tenancy:
    """Whose records a caller sees: one agency, every agency (``grant``), or nobody's."""

    agency: str | None = None
    #: the platform grant that lets this caller read across agencies, e.g. ``"operator+platform:read-all"``
    grant: str | None = None

    @property
    def nothing(self) -> bool:
        return self.agency is None and self.grant is None

    @property
    def key(self) -> str:
        """A cache partition: never shared between an agency, the platform grant and a caller who sees nothing."""
        if self.agency is not None:
            return "agency:" + self.agency
        return "platform" if self.grant is not None else "none"

    def sees(self, agencies: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        """Whether a record owned by ``agencies`` is visible."""
        if self.agency is not None:
            return self.agency in agencies
        return self.grant is not None


def tenancy_of(principal: Principal) -> Tenancy:
    if not principal.authenticated:
        return Tenancy()
    if principal.agency is not None:
        return Tenancy(agency=principal.agency) if valid_agency(principal.agency) else Tenancy()
    if principal.has_scope(PLATFORM_READ_ALL):
        for role in PLATFORM_ROLES:
            if principal.has_role(role):
                return Tenancy(grant=f"{role}+{PLATFORM_READ_ALL}")
    return Tenancy()
