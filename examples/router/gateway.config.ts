// Hive Gateway in front of Silkgraph's standalone subgraphs, running schema/supergraph.graphql unchanged.
//
//   SILKGRAPH_SUBGRAPH_SECRET=... npx hive-gateway supergraph ../../schema/supergraph.graphql -c gateway.config.ts
//
// The subgraph URLs come from the supergraph's join__Graph values (ports 4200-4206, gateway/runtime.py).
// The subgraphs trust only a principal the gateway signed: the plugin below signs the verified JWT's claims
// into Silkgraph-Principal (format: docs/security.md, "Subgraphs trust only the gateway";
// principal-vector.json is a worked example to check an implementation against). The signing itself is in
// silkgraph-principal.mjs, next to this file.
import {
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  extractFromHeader,
  type GatewayPlugin,
} from '@graphql-hive/gateway'
// plain JavaScript with node:crypto only, so bench.peers --compat and the tests run it with Node as it is
import { signPrincipal } from './silkgraph-principal.mjs'

const secret = process.env.SILKGRAPH_SUBGRAPH_SECRET ?? ''

function useSilkgraphPrincipal(): GatewayPlugin {
  return {
    onFetch({ context, options, setOptions }) {
      const claims = (context as { jwt?: { payload?: Record<string, unknown> } } | undefined)?.jwt?.payload
      const headers = new Headers(options.headers as HeadersInit)
      headers.delete('x-agency-id') // never a client's own tenant
      headers.set('silkgraph-principal', signPrincipal(secret, claims, String(options.body ?? '{}')))
      setOptions({ ...options, headers })
    },
  }
}

export const gatewayConfig = defineConfig({
  supergraph: '../../schema/supergraph.graphql',
  port: 4000,
  graphqlEndpoint: '/graphql',
  // verify the client's token; its payload reaches the plugin as context.jwt.payload
  jwt: {
    tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
    signingKeyProviders: [
      createRemoteJwksSigningKeyProvider({ jwksUri: process.env.IDP_JWKS_URL ?? 'https://idp.example/.well-known/jwks.json' }),
    ],
    reject: { missingToken: false, invalidToken: true },
  },
  // enforce the supergraph's @authenticated / @requiresScopes on the token's claims (`scope`: space-separated)
  genericAuth: {
    mode: 'protect-granular',
    resolveUserFn: (context) => (context as { jwt?: { payload?: Record<string, unknown> } }).jwt?.payload,
  },
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return { traceparent: request.headers.get('traceparent') ?? undefined }
    },
  },
  plugins: () => [useSilkgraphPrincipal()],
})
