import { CurfewError } from '@curfew/core'
import { createLocalJWKSet, createRemoteJWKSet, importJWK } from 'jose'
import { ASYMMETRIC_ALGORITHMS, algorithmOfJwk, algorithmOfKey, allowList } from './algorithms'
import type { CryptoKey, JSONWebKeySet, JWK, JWTVerifyGetKey, KeyObject } from './joseTypes'

/** Where verification keys come from: exactly one of `secret`, `publicKey` or `jwks`. */
export interface VerificationKeyOptions {
  /** Shared HMAC secret (at least 32 bytes). Allows HS256 only, unless `algorithms` says otherwise. */
  secret?: string | Uint8Array
  /** One public key (CryptoKey, Node KeyObject or JWK). */
  publicKey?: CryptoKey | KeyObject | JWK
  /**
   * A key set: the URL of a JWKS (fetched with jose's `createRemoteJWKSet`, cached per URL), a local
   * `{ keys: [...] }` set, or a key function such as one returned by `createRemoteJWKSet`.
   */
  jwks?: string | URL | JSONWebKeySet | JWTVerifyGetKey
  /** Longest wait for a remote JWKS fetch (ms). Default 5000. */
  jwksTimeout?: number
  /** Allow-list of JWS algorithms. Default: derived from the key; `none` is never accepted. */
  algorithms?: readonly string[]
}

type VerifyKey = CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey

export interface ResolvedVerificationKey {
  algorithms: string[]
  /** True when keys come from a key set (so fetch failures mean `jwks_unavailable`). */
  keySet: boolean
  /** The key, imported once; later calls reuse it. */
  key: () => VerifyKey | Promise<VerifyKey>
}

export const MIN_SECRET_BYTES = 32
const CACHE_LIMIT = 64
const encoder = new TextEncoder()

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

// Caches so that `verifyAccessToken(jwt, { secret, ... })` called with a fresh options object per
// request still imports each key (and builds each remote key set) once, not per call.
const stringSecrets = new Map<string, Map<string, Promise<CryptoKey>>>()
const byteSecrets = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>()
const publicKeys = new WeakMap<object, Promise<CryptoKey | KeyObject>>()
const remoteSets = new Map<string, JWTVerifyGetKey>()
const localSets = new WeakMap<object, JWTVerifyGetKey>()

function bounded<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    // A process verifies with a handful of keys; a flood of distinct ones is misuse, so start over.
    if (map.size >= CACHE_LIMIT) map.clear()
    value = make()
    map.set(key, value)
  }
  return value
}

/** The secret's bytes, refusing secrets too short to resist brute force (RFC 7518 §3.2). */
export function secretBytes(secret: unknown, name: string): Uint8Array {
  const bytes =
    typeof secret === 'string' ? encoder.encode(secret) : secret instanceof Uint8Array ? secret : undefined
  if (bytes === undefined) invalid(`"${name}" must be a string or a Uint8Array.`)
  // A PEM key used as an HMAC secret is the HS/RS confusion attack's precondition: refuse it outright.
  if (typeof secret === 'string' && secret.trimStart().startsWith('-----BEGIN')) {
    invalid(`"${name}" looks like a PEM key; pass public keys as "publicKey" (or "jwks"), never as a secret.`)
  }
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    invalid(`"${name}" must be at least ${MIN_SECRET_BYTES} bytes; generate one with crypto.randomBytes(32).`)
  }
  return bytes
}

/** An HMAC CryptoKey for one algorithm and usage, imported once per secret. */
export function hmacKey(options: {
  secret: string | Uint8Array
  alg: string
  usage: 'sign' | 'verify'
}): Promise<CryptoKey> {
  const { secret, alg, usage } = options
  const perSecret =
    typeof secret === 'string'
      ? bounded(stringSecrets, secret, () => new Map())
      : (byteSecrets.get(secret) ?? byteSecrets.set(secret, new Map()).get(secret)!)
  const id = `${alg}:${usage}`
  let key = perSecret.get(id)
  if (key === undefined) {
    const bytes = (typeof secret === 'string' ? encoder.encode(secret) : secret) as Uint8Array<ArrayBuffer>
    key = crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, [usage])
    perSecret.set(id, key)
  }
  return key
}

function importPublic(key: CryptoKey | KeyObject | JWK, alg: string): Promise<CryptoKey | KeyObject> {
  let imported = publicKeys.get(key)
  if (imported === undefined) {
    imported =
      'kty' in key && typeof key.kty === 'string'
        ? (importJWK(key as JWK, alg) as Promise<CryptoKey>)
        : Promise.resolve(key as CryptoKey | KeyObject)
    publicKeys.set(key, imported)
  }
  return imported
}

function remoteSet(url: string | URL, timeout: number): JWTVerifyGetKey {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    invalid(`"jwks" must be a valid URL, a { keys: [...] } set or a key function.`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') invalid('"jwks" URL must be http(s).')
  return bounded(remoteSets, `${timeout} ${parsed.href}`, () =>
    createRemoteJWKSet(parsed, { timeoutDuration: timeout }),
  )
}

function localSet(set: JSONWebKeySet): JWTVerifyGetKey {
  let getKey = localSets.get(set)
  if (getKey === undefined) {
    try {
      getKey = createLocalJWKSet(set)
    } catch (cause) {
      throw new CurfewError({
        code: 'invalid_option',
        message: '"jwks" is not a valid JSON Web Key Set.',
        cause,
      })
    }
    localSets.set(set, getKey)
  }
  return getKey
}

function once<T>(load: () => Promise<T>): () => T | Promise<T> {
  let value: T | undefined
  let pending: Promise<T> | undefined
  return () => {
    if (value !== undefined) return value
    pending ??= load().then((loaded) => {
      value = loaded
      return loaded
    })
    return pending
  }
}

/**
 * Resolves the key options of a verifier: validates them (throwing `invalid_option` on a
 * misconfiguration, never on a token) and derives the algorithm allow-list from the key type.
 */
export function resolveVerificationKey(options: VerificationKeyOptions): ResolvedVerificationKey {
  const given = [options.secret, options.publicKey, options.jwks].filter((k) => k !== undefined).length
  if (given !== 1) invalid('Pass exactly one of "secret", "publicKey" or "jwks".')
  const requested = options.algorithms
  if (options.secret !== undefined) {
    const secret = options.secret
    secretBytes(secret, 'secret')
    const algorithms = allowList({ family: 'hmac', requested, derived: ['HS256'] })
    if (algorithms.length === 1) {
      return {
        algorithms,
        keySet: false,
        key: once(() => hmacKey({ secret, alg: algorithms[0]!, usage: 'verify' })),
      }
    }
    const byAlg: JWTVerifyGetKey = (header) => hmacKey({ secret, alg: header.alg, usage: 'verify' })
    return { algorithms, keySet: false, key: () => byAlg }
  }
  if (options.publicKey !== undefined) {
    const publicKey = options.publicKey
    if (typeof publicKey !== 'object' || publicKey === null) invalid('"publicKey" must be a key or a JWK.')
    if ('d' in publicKey || (publicKey as { type?: unknown }).type === 'private') {
      invalid('"publicKey" is a private key; pass its public half.')
    }
    const derived = algorithmOfKey(publicKey)
    const algorithms = allowList({ family: 'asymmetric', requested, derived: derived ? [derived] : [] })
    if (algorithms.length === 0) invalid('Cannot tell the algorithm of "publicKey"; set "algorithms".')
    return { algorithms, keySet: false, key: once(() => importPublic(publicKey, algorithms[0]!)) }
  }
  const jwks = options.jwks!
  const timeout = options.jwksTimeout ?? 5000
  if (!(timeout > 0)) invalid('"jwksTimeout" must be a positive number of milliseconds.')
  if (typeof jwks === 'function') {
    const getKey = jwks
    return {
      algorithms: allowList({ family: 'asymmetric', requested, derived: ASYMMETRIC_ALGORITHMS }),
      keySet: true,
      key: () => getKey,
    }
  }
  if (typeof jwks === 'string' || jwks instanceof URL) {
    const getKey = remoteSet(jwks, timeout)
    return {
      algorithms: allowList({ family: 'asymmetric', requested, derived: ASYMMETRIC_ALGORITHMS }),
      keySet: true,
      key: () => getKey,
    }
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys)) {
    invalid('"jwks" must be a URL, a { keys: [...] } set or a key function.')
  }
  const getKey = localSet(jwks)
  const asymmetric = new Set<string>(ASYMMETRIC_ALGORITHMS)
  const derived = [...new Set(jwks.keys.map(algorithmOfJwk))].filter(
    (alg): alg is string => alg !== undefined && asymmetric.has(alg),
  )
  return {
    algorithms: allowList({
      family: 'asymmetric',
      requested,
      derived: derived.length > 0 ? derived : ASYMMETRIC_ALGORITHMS,
    }),
    keySet: true,
    key: () => getKey,
  }
}
