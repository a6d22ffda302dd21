"""Subgraphs using ``@context`` / ``@fromContext``, shared by the composer, planner and execution tests.

``accounts`` sets context ``owner`` on ``User`` and ``Org`` (two parent types, each giving the value from its
own field) and ``region`` on the ``Node`` interface; ``ledger``'s ``Transaction.amount`` reads both. ``notes``
adds a plain field to ``Transaction`` so plans mix contextual and ordinary entity fields.
"""

from __future__ import annotations

from gateway.federation.compose import SubgraphSource

from .composing import source

IMPORTS = ("@key", "@context", "@fromContext", "@shareable", "@tag")

ACCOUNTS = """
type Query { user(id: ID!): User  users: [User!]!  org: Org  nodes: [Node!]! }
interface Node @context(name: "region") { id: ID! }
type User implements Node @key(fields: "id") @context(name: "owner") {
  id: ID!
  currency: Currency!
  region: String
  transactions: [Transaction!]!
}
type Org implements Node @key(fields: "id") @context(name: "owner") {
  id: ID!
  treasury: Currency!
  region: String
  ledger: [Transaction!]!
}
type Currency @shareable { iso: String! }
type Transaction @key(fields: "id") {
  id: ID!
  cents: Int!
  amount(
    precision: Int
    currency: String @fromContext(field: "$owner ... on User { currency { iso } } ... on Org { treasury { iso } }")
    region: String @fromContext(field: "$region ... on User { region } ... on Org { region }")
  ): String
}
"""

NOTES = """
type Query { noteCount: Int }
type Transaction @key(fields: "id") { id: ID! note: String }
"""


def context_sources(version: str = "2.8") -> list[SubgraphSource]:
    return [
        source("accounts", ACCOUNTS, imports=IMPORTS, version=version),
        source("notes", NOTES, imports=IMPORTS, version=version),
    ]
