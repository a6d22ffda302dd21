// Real npm clients of Silkgraph's live protocols, driven by tests/e2e/test_live_clients.py.
//   node clients.mjs MODE URL TOKEN QUERY [VARIABLES]
// MODE: ws (graphql-ws), sse (graphql-sse), apollo-subscription (Apollo Client, multipart subscription),
//       apollo-defer (Apollo Client watchQuery of a query with @defer).
// Prints one JSON line per result the client hands to its user, then exits.
import WebSocket from "ws";
import { createClient as createWsClient } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";

const [mode, url, token, query, variablesText] = process.argv.slice(2);
const variables = variablesText ? JSON.parse(variablesText) : {};
const authorization = `Bearer ${token}`;
const print = (value) => console.log(JSON.stringify(value));
const fail = (error) => {
  console.error(error instanceof Error ? error.stack : JSON.stringify(error));
  process.exit(1);
};
setTimeout(() => fail(new Error("no result within 60 s")), 60_000).unref();

if (mode === "ws") {
  const client = createWsClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: authorization },
  });
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        print(result);
        client.dispose();
        process.exit(0);
      },
      error: fail,
      complete: () => {},
    },
  );
} else if (mode === "sse") {
  const client = createSseClient({ url, headers: { Authorization: authorization } });
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        print(result);
        client.dispose();
        process.exit(0);
      },
      error: fail,
      complete: () => {},
    },
  );
} else if (mode === "apollo-subscription" || mode === "apollo-defer") {
  const client = new ApolloClient({
    link: new HttpLink({ uri: url, headers: { authorization } }),
    cache: new InMemoryCache(),
  });
  if (mode === "apollo-subscription") {
    client.subscribe({ query: gql(query), variables }).subscribe({
      next: (result) => {
        print(result);
        process.exit(0);
      },
      error: fail,
    });
  } else {
    // what a UI renders: every state of the query's result, the deferred fields filled in when they arrive
    client.watchQuery({ query: gql(query), variables, fetchPolicy: "network-only" }).subscribe({
      next: (result) => {
        print({ data: result.data, loading: result.loading, networkStatus: result.networkStatus });
        const shipment = result.data && result.data.shipment;
        if (shipment && shipment.route && shipment.customs) process.exit(0);
      },
      error: fail,
    });
  }
} else {
  fail(new Error(`unknown mode ${mode}`));
}
