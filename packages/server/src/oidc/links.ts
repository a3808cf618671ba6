/**
 * What the relying party remembers per Curfew session beyond the session record: which IdP session
 * (`iss`, `sid`) and user (`iss`, `sub`) it came from, the IdP tokens it must keep (sealed), and when the
 * IdP was last asked whether its session lives. Indexed by `(iss, sid)` and `(iss, sub)` so that a
 * back-channel logout finds every Curfew session of an IdP session or user, on any server.
 */
export interface OidcSessionLink {
  /** The Curfew session handle. */
  handle: string
  iss: string
  sub: string
  sid?: string
  /** IdP tokens (refresh token, ID token), sealed with the relying party's key. Never logged. */
  sealedTokens?: string
  /** When the IdP session was last confirmed alive (epoch ms). */
  checkedAt?: number
}

/** Where links live. `MemoryOidcSessionLinks` for one process, `RedisOidcSessionLinks` for a fleet. */
export interface OidcSessionLinks {
  /** Stores a link; it may be forgotten after `ttlMs` (the session's absolute deadline). */
  put(link: OidcSessionLink, ttlMs: number): Promise<void>
  get(handle: string): Promise<OidcSessionLink | undefined>
  /** Updates the sealed tokens and/or the time of the last liveness check. */
  update(handle: string, changes: Pick<OidcSessionLink, 'sealedTokens' | 'checkedAt'>): Promise<void>
  /** Handles of the Curfew sessions of an IdP session (`sid`) or, without `sid`, of a user (`sub`). */
  handles(query: { iss: string; sid?: string; sub?: string }): Promise<string[]>
  /**
   * Claims the right to run one round of the liveness check of a session (`round` names it: the time of
   * the last check). Of concurrent claims of a round, across the fleet when shared, one wins; the next
   * round has another name, so nothing needs releasing. Single-flight without a lock service.
   */
  claimCheck(handle: string, round: string, ttlMs: number): Promise<boolean>
  remove(handle: string): Promise<void>
}

/** Options of {@link MemoryOidcSessionLinks}. */
export interface MemoryOidcSessionLinksOptions {
  now?: () => number
  /** Most links kept. Default 100 000. */
  maxEntries?: number
}

const pairKey = (kind: 'sid' | 'sub', iss: string, value: string) => `${kind}\n${iss}\n${value}`

/**
 * Links in one process: a map by handle and two indexes, entries expiring with their session.
 *
 * @example
 * const rp = createOidcRelyingParty({ manager, links: new MemoryOidcSessionLinks(), ... })
 */
export class MemoryOidcSessionLinks implements OidcSessionLinks {
  readonly #links = new Map<string, { link: OidcSessionLink; until: number }>()
  readonly #index = new Map<string, Set<string>>()
  readonly #checks = new Map<string, { round: string; until: number }>()
  readonly #now: () => number
  readonly #max: number

  constructor(options: MemoryOidcSessionLinksOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#max = options.maxEntries ?? 100_000
  }

  async put(link: OidcSessionLink, ttlMs: number): Promise<void> {
    if (this.#links.size >= this.#max) this.#sweep()
    this.#links.set(link.handle, { link: { ...link }, until: this.#now() + ttlMs })
    for (const key of this.#keysOf(link)) {
      const set = this.#index.get(key) ?? new Set<string>()
      set.add(link.handle)
      this.#index.set(key, set)
    }
  }

  async get(handle: string): Promise<OidcSessionLink | undefined> {
    const entry = this.#links.get(handle)
    if (entry === undefined) return undefined
    if (entry.until <= this.#now()) {
      await this.remove(handle)
      return undefined
    }
    return { ...entry.link }
  }

  async update(handle: string, changes: Pick<OidcSessionLink, 'sealedTokens' | 'checkedAt'>): Promise<void> {
    const entry = this.#links.get(handle)
    if (entry !== undefined) entry.link = { ...entry.link, ...changes }
  }

  async handles(query: { iss: string; sid?: string; sub?: string }): Promise<string[]> {
    const key =
      query.sid !== undefined
        ? pairKey('sid', query.iss, query.sid)
        : query.sub !== undefined
          ? pairKey('sub', query.iss, query.sub)
          : undefined
    return key === undefined ? [] : [...(this.#index.get(key) ?? [])]
  }

  async claimCheck(handle: string, round: string, ttlMs: number): Promise<boolean> {
    const now = this.#now()
    const claimed = this.#checks.get(handle)
    if (claimed !== undefined && claimed.round === round && claimed.until > now) return false
    this.#checks.set(handle, { round, until: now + ttlMs })
    return true
  }

  async remove(handle: string): Promise<void> {
    const entry = this.#links.get(handle)
    this.#links.delete(handle)
    this.#checks.delete(handle)
    if (entry === undefined) return
    for (const key of this.#keysOf(entry.link)) {
      const set = this.#index.get(key)
      set?.delete(handle)
      if (set?.size === 0) this.#index.delete(key)
    }
  }

  #keysOf(link: OidcSessionLink): string[] {
    const keys = [pairKey('sub', link.iss, link.sub)]
    if (link.sid !== undefined) keys.push(pairKey('sid', link.iss, link.sid))
    return keys
  }

  #sweep(): void {
    const now = this.#now()
    for (const [handle, entry] of this.#links) if (entry.until <= now) void this.remove(handle)
    // Still full of live links: forget the oldest (a forgotten link only loses its back-channel index).
    for (const handle of this.#links.keys()) {
      if (this.#links.size < this.#max) break
      void this.remove(handle)
    }
  }
}
