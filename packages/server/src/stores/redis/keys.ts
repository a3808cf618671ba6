import { CurfewError } from '@curfew/core'
import { handleOf, subjectTag, TAG_LENGTH } from '../../crypto/token'

/**
 * The cluster-native key layout. Every key of a session sits under its subject's hash tag (the four
 * characters after `s_` in its handle, see `subjectTag`), so one call touches one slot of a Redis
 * Cluster, the subjects spread over all 16,384 slots, and a subject's sessions share one slot:
 *
 * - `<prefix>{<tag>}:s:<handle>` — the session record (JSON): `{ s: session, c: current id,
 *   r: retired ids [{ i, s: successor id, n: nonce, g: grace end }], t?: tombstone }`.
 * - `<prefix>{<tag>}:u` — sorted set of the tag's handles (its subjects' sessions), scored by when each
 *   record may be dropped. Tags are 24 bits, so a tag nearly always holds one subject.
 *
 * Every key a call touches is computed here, in Node, and declared to Redis (`KEYS`): the script
 * computes none.
 */
export interface SessionKeys {
  readonly record: string
  readonly index: string
}

/** Keys of the session named by `handle` (its tag is in the handle). */
export function sessionKeys(prefix: string, handle: string): SessionKeys {
  const tag = handle.slice(2, 2 + TAG_LENGTH)
  return { record: `${prefix}{${tag}}:s:${handle}`, index: `${prefix}{${tag}}:u` }
}

/** The record key of the session named by `handle` (the plain-read path needs no other). */
export function recordKey(prefix: string, handle: string): string {
  return `${prefix}{${handle.slice(2, 2 + TAG_LENGTH)}}:s:${handle}`
}

/** The index key of a subject, and the record key of a handle under it. */
export function subjectKeys(
  prefix: string,
  subject: string,
): { index: string; record(handle: string): string } {
  const tag = subjectTag(subject)
  return { index: `${prefix}{${tag}}:u`, record: (handle) => `${prefix}{${tag}}:s:${handle}` }
}

/** The handle of a token id (`<handle>.<digest>`); `undefined` for an id no current token hashes to. */
export function handleOfId(id: string): string | undefined {
  return handleOf(id)
}

/** The hash tag of a call's keys: its session's (by id or handle) or its subject's; `undefined` for none. */
export function routeTag(route: { id?: string; handle?: string; subject?: string }): string | undefined {
  const handle = route.handle ?? (route.id === undefined ? undefined : handleOf(route.id))
  if (handle !== undefined && handle.length >= 2 + TAG_LENGTH) return handle.slice(2, 2 + TAG_LENGTH)
  return route.subject === undefined ? undefined : subjectTag(route.subject)
}

/** The `SCAN MATCH` pattern of every session record under `prefix`. */
export function recordPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}:s:*`
}

/** The `SCAN MATCH` pattern of every session record under one subject's hash tag (live and ended). */
export function subjectRecordPattern(prefix: string, subject: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{${subjectTag(subject)}}:s:*`
}

/** A prefix with a brace would put its own hash tag first and pile every key into one slot. */
export function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new CurfewError({
      code: 'invalid_option',
      message:
        'RedisStore "prefix" must not contain "{" or "}": every key already carries its own hash tag ' +
        "(its subject's), which spreads sessions over a Redis Cluster. Drop the braces, e.g. 'curfew:'.",
    })
  }
  return prefix
}

/** Redis Cluster's hash slot of a key or shard channel (CRC16/XMODEM of its hash tag, mod 16,384). */
export function keySlot(key: string): number {
  const open = key.indexOf('{')
  const close = open === -1 ? -1 : key.indexOf('}', open + 1)
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key
  let crc = 0
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % 16_384
}
