// The jose types our public API names, restated here rather than imported. jose is ESM-only, and a
// `.d.cts` that imports it fails a CommonJS TypeScript consumer (`module: node16`, `skipLibCheck: false`)
// with TS1479. The bundled declarations drop `resolution-mode` import attributes, so the few types are
// spelled out instead: structurally the same as jose 6's, so jose's values (a `createRemoteJWKSet()`,
// an `exportJWK()` result, a `KeyObject`) fit them and they pass back into jose unchanged.

/** The runtime's Web Crypto `CryptoKey` (as jose defines it, with the same structural fallback). */
export type CryptoKey = typeof globalThis extends {
  crypto: { subtle: { generateKey(...args: never[]): Promise<infer R> } }
}
  ? Extract<R, { type: string }>
  : {
      readonly algorithm: { name: string }
      readonly extractable: boolean
      readonly type: string
      readonly usages: string[]
    }

/** A Node.js `KeyObject`. */
export interface KeyObject {
  type: string
}

/** A JSON Web Key (RFC 7517). A type alias, so it fits the platform's `JsonWebKey` too. */
export type JWK = {
  kty?: string
  alg?: string
  key_ops?: string[]
  ext?: boolean
  use?: string
  x5c?: string[]
  x5t?: string
  'x5t#S256'?: string
  x5u?: string
  kid?: string
  crv?: string
  x?: string
  y?: string
  d?: string
  n?: string
  e?: string
  p?: string
  q?: string
  dp?: string
  dq?: string
  qi?: string
  oth?: Array<{ d?: string; r?: string; t?: string }>
  k?: string
  pub?: string
  priv?: string
}

/** A JSON Web Key Set (RFC 7517, section 5). */
export interface JSONWebKeySet {
  keys: JWK[]
}

/** A JWS protected header as a key resolver sees it. */
export interface JWSHeaderParameters {
  alg?: string
  kid?: string
  typ?: string
  [propName: string]: unknown
}

/** The token a key resolver is asked about; none of it verified yet. */
export interface FlattenedJWSInput {
  header?: JWSHeaderParameters
  payload: string | Uint8Array
  protected?: string
  signature: string
}

/** A key resolver, such as jose's `createRemoteJWKSet()` or `createLocalJWKSet()`. */
export type JWTVerifyGetKey = (
  protectedHeader: JWSHeaderParameters & { alg: string },
  token: FlattenedJWSInput,
) => Promise<CryptoKey | KeyObject | JWK | Uint8Array> | CryptoKey | KeyObject | JWK | Uint8Array

/** JWT claims (RFC 7519, section 4). */
export interface JWTPayload {
  iss?: string
  sub?: string
  aud?: string | string[]
  jti?: string
  nbf?: number
  exp?: number
  iat?: number
  [propName: string]: unknown
}
