"""WS-Security UsernameToken with PasswordDigest, as SOAP sandboxes verify it (domain.md §2.4).

``PasswordDigest = Base64(SHA-1(nonce_bytes + created + password))``. A token is accepted when

* the ``wsse:Security`` header and its ``UsernameToken`` are present (else ``wsse:InvalidSecurity``);
* the password type is PasswordDigest, with a Base64 ``Nonce`` and a ``wsu:Created`` timestamp;
* ``Created`` lies within ``window`` of the service's clock (stale or future tokens are refused);
* the nonce has not been seen within the window (replays are refused);
* the digest matches the user's password (else ``wsse:FailedAuthentication``).

:func:`username_token` builds such a header; tests use it to craft replays and stale tokens by hand.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import os
from collections import OrderedDict
from collections.abc import Callable, Mapping

from lxml import etree

from adapters.soap.envelope import WSSE_NS, WSU_NS, FaultKind, SoapFault

__all__ = [
    "PASSWORD_DIGEST",
    "UsernameTokenVerifier",
    "password_digest",
    "username_token",
]

PASSWORD_DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
BASE64_BINARY = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

Clock = Callable[[], dt.datetime]


def password_digest(nonce: bytes, created: str, password: str) -> str:
    return base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()


def username_token(
    username: str,
    password: str,
    *,
    nonce: bytes | None = None,
    created: dt.datetime | None = None,
) -> etree._Element:
    """A ``wsse:Security`` header element carrying a digest UsernameToken."""
    nonce = os.urandom(16) if nonce is None else nonce
    stamp = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    security = etree.Element(f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS, "wsu": WSU_NS})
    token = etree.SubElement(security, f"{{{WSSE_NS}}}UsernameToken")
    etree.SubElement(token, f"{{{WSSE_NS}}}Username").text = username
    pw = etree.SubElement(token, f"{{{WSSE_NS}}}Password", Type=PASSWORD_DIGEST)
    pw.text = password_digest(nonce, stamp, password)
    nonce_el = etree.SubElement(token, f"{{{WSSE_NS}}}Nonce", EncodingType=BASE64_BINARY)
    nonce_el.text = base64.b64encode(nonce).decode()
    etree.SubElement(token, f"{{{WSU_NS}}}Created").text = stamp
    return security


def _invalid(message: str) -> SoapFault:
    return SoapFault(FaultKind.CLIENT, message, subcode=(WSSE_NS, "InvalidSecurity"))


def _failed(message: str) -> SoapFault:
    return SoapFault(FaultKind.CLIENT, message, subcode=(WSSE_NS, "FailedAuthentication"))


class UsernameTokenVerifier:
    """Checks UsernameTokens against ``users`` (name → password) with a clock and a replay cache."""

    def __init__(
        self,
        users: Mapping[str, str],
        *,
        clock: Clock | None = None,
        window: dt.timedelta = dt.timedelta(minutes=5),
        max_nonces: int = 100_000,
    ) -> None:
        self._users = dict(users)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._window = window
        self._max_nonces = max_nonces
        self._seen: OrderedDict[str, dt.datetime] = OrderedDict()

    def verify(self, header: etree._Element | None) -> str:
        """The authenticated user name, or a :class:`SoapFault` saying what is wrong with the token."""
        security = None if header is None else header.find(f"{{{WSSE_NS}}}Security")
        if security is None:
            raise _invalid("missing wsse:Security header: send a WS-Security UsernameToken (PasswordDigest)")
        token = security.find(f"{{{WSSE_NS}}}UsernameToken")
        if token is None:
            raise _invalid("wsse:Security header carries no UsernameToken")
        username = (token.findtext(f"{{{WSSE_NS}}}Username") or "").strip()
        password = token.find(f"{{{WSSE_NS}}}Password")
        nonce_text = token.findtext(f"{{{WSSE_NS}}}Nonce")
        created_text = token.findtext(f"{{{WSU_NS}}}Created")
        if password is None or password.get("Type") != PASSWORD_DIGEST:
            raise _invalid("UsernameToken must use Password Type=PasswordDigest")
        if not nonce_text or not created_text:
            raise _invalid("UsernameToken with PasswordDigest needs wsse:Nonce and wsu:Created")
        try:
            nonce = base64.b64decode(nonce_text.strip(), validate=True)
        except binascii.Error:
            raise _invalid("wsse:Nonce is not Base64") from None
        created = _timestamp(created_text.strip())
        now = self._clock()
        if abs(now - created) > self._window:
            raise _failed(
                f"wsu:Created {created_text.strip()} is outside ±{int(self._window.total_seconds())} s of the "
                "service clock: the token is stale (or the client clock is wrong)"
            )
        expected = self._users.get(username)
        digest = (password.text or "").strip()
        if expected is None or not hmac.compare_digest(password_digest(nonce, created_text.strip(), expected), digest):
            raise _failed("the security token could not be authenticated: unknown user or wrong password")
        self._remember(nonce_text.strip(), now)
        return username

    def _remember(self, nonce: str, now: dt.datetime) -> None:
        horizon = now - 2 * self._window
        while self._seen and next(iter(self._seen.values())) < horizon:
            self._seen.popitem(last=False)
        if nonce in self._seen:
            raise _failed("wsse:Nonce was already used: replayed security token refused")
        self._seen[nonce] = now
        while len(self._seen) > self._max_nonces:
            self._seen.popitem(last=False)


def _timestamp(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(f"wsu:Created {text!r} is not an xsd:dateTime") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
