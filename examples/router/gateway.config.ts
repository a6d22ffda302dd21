// Hive Gateway in front of Silkgraph's standalone subgraphs, running schema/supergraph.graphql unchanged.
//
//   SILKGRAPH_SUBGRAPH_SECRET=... npx hive-gateway supergraph ../../schema/supergraph.graphql --config gateway.config.ts
//
// The subgraph URLs come from the supergraph's join__Graph values (ports 4200-4206, gateway/runtime.py).
// The subgraphs trust only a principal the gateway signed: the plugin below signs the verified JWT's claims
// into Silkgraph-Principal (format: docs/security.md, "Subgraphs trust only the gateway";
// principal-vector.json is a worked example to check an implementation against).
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway'

const secret = process.env.SILKGRAPH_SUBGRAPH_SECRET ?? ''

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url')

// RFC 8785 for JSON from JSON.parse: sorted keys, ECMAScript number and string forms
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

export function signPrincipal(claims: Record<string, unknown> | undefined, body: string, now = Date.now()): string {
  const words = (v: unknown) => (typeof v === 'string' ? v.split(' ').filter(Boolean) : Array.isArray(v) ? v : [])
  const principal = {
    agency: typeof claims?.agency === 'string' ? claims.agency : null,
    roles: [...words(claims?.roles)].sort(),
    scopes: [...words(claims?.scope)].sort(),
    sub: typeof claims?.sub === 'string' ? claims.sub : 'anonymous',
  }
  const payload = b64url(canonical(principal))
  const ts = String(Math.floor(now / 1000))
  const nonce = b64url(randomBytes(16))
  const digest = b64url(createHash('sha256').update(canonical(JSON.parse(body))).digest())
  const mac = createHmac('sha256', secret).update(`v1.${ts}.${nonce}.${payload}.${digest}`).digest()
  return `v1.${ts}.${nonce}.${payload}.${b64url(mac)}`
}

function useSilkgraphPrincipal(): GatewayPlugin {
  return {
    onFetch({ context, options, setOptions }) {
      const claims = (context as { jwt?: { payload?: Record<string, unknown> } } | undefined)?.jwt?.payload
      const headers = new Headers(options.headers as HeadersInit)
      headers.delete('x-agency-id') // never a client's own tenant
      headers.set('silkgraph-principal', signPrincipal(claims, String(options.body ?? '{}')))
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
    tokenLookupLocations: [{ type: 'header', name: 'authorization', prefix: 'Bearer' }],
    signingKeyProviders: [{ type: 'remote', url: 'https://idp.example/.well-known/jwks.json' }],
    reject: { missingToken: false, invalidToken: true },
  },
  // enforce the supergraph's @authenticated / @requiresScopes
  genericAuth: { mode: 'protect-granular', resolveUserFn: ({ context }) => (context as { jwt?: unknown }).jwt },
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return { traceparent: request.headers.get('traceparent') ?? undefined }
    },
  },
  plugins: () => [useSilkgraphPrincipal()],
})
