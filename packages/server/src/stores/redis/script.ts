import { createHash } from 'node:crypto'

/**
 * The one Lua script behind every `RedisStore` call, so that each call is exactly one round trip
 * (`EVALSHA`) and atomic. `ARGV[1]` names the operation, `ARGV[2]` is the key prefix and `ARGV[3]` the
 * time to judge at (`''` = read Redis `TIME`, so the whole fleet shares Redis's clock).
 *
 * Key layout (all under the prefix):
 * - `s:{<handle>}` — the session record as JSON: `{ s = session, c = current id, r = retired ids,
 *   t = tombstone }`. `s.data` is the application's data as a JSON *string* that Lua never parses
 *   (cjson would round its numbers). The record is also the handle → id mapping.
 * - `i:<id>` — a token id: `{ h = handle }`, plus `s` (successor id), `n` (nonce), `g` (grace end) once
 *   the id is retired by a renewal.
 * - `u:<subject>` — sorted set of the subject's handles, scored by when their record may be dropped.
 *
 * Expiry: a record and all its ids share one TTL, recomputed on each write as `expiresAt + tombstoneTtl -
 * now` (relative, so it is right in whatever clock `now` came from); a tombstone lives `tombstoneTtl`.
 * Retired ids live as long as their session, so a reuse after the grace window is still detected.
 *
 * `judgeLimits`, `shouldTouch` and `renewalDue` are `../judge.ts` line for line: keep them identical.
 */
export const SCRIPT = `
local op, prefix = ARGV[1], ARGV[2]
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[3])
end

local function idKey(id) return prefix .. 'i:' .. id end
local function recKey(handle) return prefix .. 's:{' .. handle .. '}' end
local function subjectKey(subject) return prefix .. 'u:' .. subject end
local function int(n) return string.format('%d', n) end

-- judge.ts, line for line
local function judgeLimits(session, limits)
  local absoluteExpiresAt = session.authTime + limits.absoluteTimeout
  local idleExpiresAt = math.max(session.authTime, session.lastActivityAt) + limits.idleTimeout
  local expiresAt = math.min(absoluteExpiresAt, idleExpiresAt)
  if now >= absoluteExpiresAt then return 'absolute', expiresAt end
  if now >= idleExpiresAt then return 'idle', expiresAt end
  return false, expiresAt
end

local function shouldTouch(session, limits)
  return now - session.lastActivityAt >= math.max(limits.touchInterval, 1)
end

local function renewalDue(session, limits)
  return limits.renewEvery > 0 and now >= session.renewedAt + limits.renewEvery
end

local function ttlUntil(at) return math.max(math.floor(at - now), 1) end

local function load(handle)
  local raw = redis.call('GET', recKey(handle))
  if not raw then return nil end
  return cjson.decode(raw), raw
end

-- The record and every id that points at it share one lifetime.
local function save(rec, ttl)
  local px = int(ttl)
  redis.call('SET', recKey(rec.s.handle), cjson.encode(rec), 'PX', px)
  redis.call('PEXPIRE', idKey(rec.c), px)
  for _, id in ipairs(rec.r) do redis.call('PEXPIRE', idKey(id), px) end
end

local function index(rec, dropAt)
  local key = subjectKey(rec.s.subject)
  redis.call('ZADD', key, int(dropAt), rec.s.handle)
  local ttl = ttlUntil(dropAt)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, int(ttl)) end
end

local function tombstoneOf(rec, reason, endedAt)
  local s = rec.s
  return { handle = s.handle, subject = s.subject, policy = s.policy, fingerprint = s.fingerprint,
    reason = reason, endedAt = endedAt }
end

local function finish(rec, reason, endedAt, ttl)
  rec.t = { reason = reason, endedAt = endedAt }
  rec.s.data = nil
  save(rec, math.max(ttl, 1))
  redis.call('ZREM', subjectKey(rec.s.subject), rec.s.handle)
  return tombstoneOf(rec, reason, endedAt)
end

local function endFirst(rec, reason, endedAt, ttl)
  local tombstone = finish(rec, reason, endedAt, ttl)
  return { outcome = 'ended', now = now, reason = reason, tombstone = tombstone, first = true }
end

local ops = {}

function ops.create()
  local id, session = ARGV[4], cjson.decode(ARGV[5])
  local limits, ttl = cjson.decode(ARGV[6]), tonumber(ARGV[7])
  local _, expiresAt = judgeLimits(session, limits)
  local rec = { s = session, c = id, r = {} }
  local dropAt = expiresAt + ttl
  local key = subjectKey(session.subject)
  -- Lazily forget handles of this subject whose records dropped by themselves.
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. int(now))
  redis.call('SET', idKey(id), cjson.encode({ h = session.handle }))
  save(rec, ttlUntil(dropAt))
  index(rec, dropAt)
  return { now = now }
end

function ops.check()
  local id, activity = ARGV[4], ARGV[5] == '1'
  local policies, ttl = cjson.decode(ARGV[6]), tonumber(ARGV[7])
  local successorId, nonce, maxRetired = ARGV[8], ARGV[9], tonumber(ARGV[10])
  local raw = redis.call('GET', idKey(id))
  if not raw then return { outcome = 'unknown', now = now } end
  local ref = cjson.decode(raw)
  local rec, raw = load(ref.h)
  if not rec then return { outcome = 'unknown', now = now } end
  if rec.t then
    return { outcome = 'ended', now = now, reason = rec.t.reason,
      tombstone = tombstoneOf(rec, rec.t.reason, rec.t.endedAt), first = false }
  end
  local limits = policies[rec.s.policy]
  if not limits then return endFirst(rec, 'policy_changed', now, ttl) end
  local retired = ref.s ~= nil
  if retired then
    if now >= (ref.g or 0) then return endFirst(rec, 'reuse_detected', now, ttl) end
    if rec.c ~= ref.s then
      return { outcome = 'ended', now = now, reason = 'renewed',
        tombstone = tombstoneOf(rec, 'renewed', now), first = false }
    end
  end
  local reason, expiresAt = judgeLimits(rec.s, limits)
  if reason then return endFirst(rec, reason, expiresAt, ttl) end
  local touched, rotated, renewal = false, false, nil
  if activity and shouldTouch(rec.s, limits) then
    rec.s.lastActivityAt = now
    touched = true
  end
  if retired then
    renewal = { nonce = ref.n or '', rotated = false }
  elseif activity and successorId ~= '' and renewalDue(rec.s, limits) then
    ref.s, ref.n, ref.g = successorId, nonce, now + limits.renewGrace
    redis.call('SET', idKey(id), cjson.encode(ref))
    table.insert(rec.r, id)
    while #rec.r > maxRetired do redis.call('DEL', idKey(table.remove(rec.r, 1))) end
    redis.call('SET', idKey(successorId), cjson.encode({ h = rec.s.handle }))
    rec.c = successorId
    rec.s.renewedAt = now
    rotated = true
    renewal = { nonce = nonce, rotated = true }
  end
  if touched or rotated then
    local _, deadline = judgeLimits(rec.s, limits)
    save(rec, ttlUntil(deadline + ttl))
    index(rec, deadline + ttl)
  end
  if not touched and renewal == nil then
    -- The common case (writes are throttled): nothing changed, so hand back the stored JSON as it is
    -- rather than encode it again (a quarter of the script's time). The store reads record.s.
    return '{"outcome":"active","touched":false,"now":' .. int(now) .. ',"record":' .. raw .. '}'
  end
  return { outcome = 'active', now = now, session = rec.s, touched = touched, renewal = renewal }
end

function ops.revoke()
  local handle, reason, ttl = ARGV[5], ARGV[6], tonumber(ARGV[7])
  if handle == '' then
    local raw = redis.call('GET', idKey(ARGV[4]))
    if not raw then return { now = now } end
    handle = cjson.decode(raw).h
  end
  local rec = load(handle)
  if not rec or rec.t then return { now = now } end
  return { now = now, ended = finish(rec, reason, now, ttl) }
end

function ops.revokeSubject()
  local key, reason, ttl = subjectKey(ARGV[4]), ARGV[5], tonumber(ARGV[6])
  local ended = {}
  for _, handle in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local rec = load(handle)
    if rec and not rec.t then table.insert(ended, finish(rec, reason, now, ttl)) end
  end
  redis.call('DEL', key)
  return { now = now, ended = ended }
end

function ops.list()
  local key = subjectKey(ARGV[4])
  local sessions = {}
  for _, handle in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local rec = load(handle)
    if rec and not rec.t then
      table.insert(sessions, rec.s)
    else
      redis.call('ZREM', key, handle)
    end
  end
  return { now = now, sessions = sessions }
end

local result = ops[op]()
if type(result) == 'string' then return result end
return cjson.encode(result)
`

/** SHA-1 of {@link SCRIPT}, the name `EVALSHA` runs it by. */
export const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex')
