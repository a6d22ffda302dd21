"""SOAP machinery shared by the customs and tax adapters and their sandboxes.

Sandbox side: :class:`SoapService` (Starlette + lxml endpoint: WSDL, WS-Security, dispatch, XSD validation,
faults). Adapter side: :class:`SoapClient` (zeep over httpx with hardened parsing, retries, error mapping).
Both parse through :func:`parse_document`, which refuses DTDs, entities, deep nesting and oversized documents.
"""

from adapters.soap.client import Scope, SoapClient, SoapEndpoint
from adapters.soap.envelope import FaultKind, SoapFault, SoapVersion
from adapters.soap.parsing import HostileXML, MalformedXML, UnsafeXML, parse_document
from adapters.soap.service import DEFAULT_PASSWORD, DEFAULT_USER, Call, SoapService, SoapSwitches, validation_fault
from adapters.soap.wssecurity import UsernameTokenVerifier, password_digest, username_token

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "Call",
    "FaultKind",
    "HostileXML",
    "MalformedXML",
    "Scope",
    "SoapClient",
    "SoapEndpoint",
    "SoapFault",
    "SoapService",
    "SoapSwitches",
    "SoapVersion",
    "UnsafeXML",
    "UsernameTokenVerifier",
    "parse_document",
    "password_digest",
    "username_token",
    "validation_fault",
]
