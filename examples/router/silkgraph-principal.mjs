// The Silkgraph-Principal header for a JavaScript router (Hive Gateway's plugin in gateway.config.ts uses it):
// node:crypto only, no dependencies. Format: docs/security.md, "Subgraphs trust only the gateway";
// principal-vector.json is a worked example to check it against.
import { createHash, createHmac, randomBytes } from 'node:crypto'

const b64url = (data) => Buffer.from(data).toString('base64url')

// RFC 8785 for a value from JSON.parse: keys sorted by UTF-16 code units, ECMAScript number and string forms.
// What RFC 8785 cannot represent throws, and the caller hashes the body as sent, as Silkgraph's verifier does:
// a number JSON cannot hold (1e999 parses to Infinity) and a lone surrogate in a string or key.
export function canonical(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('not an RFC 8785 number')
  if (typeof value === 'string' && !value.isWellFormed()) throw new RangeError('a lone surrogate')
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${canonical(k)}:${canonical(v)}`).join(',')}}`
}

// JSON's strings and numbers, in order; in valid JSON a string is matched whole before its digits could be
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g
const SAFE = 2n ** 53n - 1n

// Whether the JSON text writes an integer past 2**53 - 1, which JSON.parse would round: Silkgraph's verifier
// refuses to canonicalise those (two such bodies must not share a digest) and hashes the body as sent
function roundsAnInteger(text) {
  for (const [token] of text.matchAll(TOKENS)) {
    if (token[0] === '"' || /[.eE]/.test(token)) continue
    if ((token[0] === '-' ? -BigInt(token) : BigInt(token)) > SAFE) return true
  }
  return false
}

// base64url SHA-256 of the body's RFC 8785 form; a body that has none (not JSON, or see above) is hashed as sent
export function bodyDigest(body) {
  let form = body
  try {
    if (!roundsAnInteger(body)) form = canonical(JSON.parse(body))
  } catch {
    form = body
  }
  return b64url(createHash('sha256').update(form).digest())
}

// The principal a router signs for verified token claims: roles and scope as arrays or space-separated words
export function principalOf(claims) {
  const words = (v) => (typeof v === 'string' ? v.split(' ').filter(Boolean) : Array.isArray(v) ? v : [])
  return {
    agency: typeof claims?.agency === 'string' ? claims.agency : null,
    roles: [...words(claims?.roles)].sort(),
    scopes: [...words(claims?.scope)].sort(),
    sub: typeof claims?.sub === 'string' ? claims.sub : 'anonymous',
  }
}

// The header value for one subgraph request of `body` (a string) on behalf of `claims`
export function signPrincipal(secret, claims, body, { now = Date.now(), nonce = b64url(randomBytes(16)) } = {}) {
  const payload = b64url(canonical(principalOf(claims)))
  const ts = String(Math.floor(now / 1000))
  const mac = createHmac('sha256', secret).update(`v1.${ts}.${nonce}.${payload}.${bodyDigest(body)}`).digest()
  return `v1.${ts}.${nonce}.${payload}.${b64url(mac)}`
}
