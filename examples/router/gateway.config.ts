// Hive Gateway in front of Silkgraph's standalone subgraphs, running schema/supergraph.graphql unchanged.
//
//   npx hive-gateway supergraph ../../schema/supergraph.graphql --config gateway.config.ts
//
// The subgraph URLs come from the supergraph's join__Graph values (ports 4200-4206, gateway/runtime.py).
import { defineConfig } from '@graphql-hive/gateway'

export const gatewayConfig = defineConfig({
  supergraph: '../../schema/supergraph.graphql',
  port: 4000,
  graphqlEndpoint: '/graphql',
  // Tenancy: subgraphs scope records by X-Agency-Id. Set it from the verified token only, never from the
  // client's own headers.
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return { traceparent: request.headers.get('traceparent') ?? undefined }
    },
  },
})
