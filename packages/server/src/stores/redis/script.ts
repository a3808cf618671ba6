import { createHash } from 'node:crypto'

/**
 * The one Lua script behind every `RedisStore` call that writes (and every check the store cannot judge
 * from a plain read), so that each such call is one round trip (`EVALSHA`) and atomic. It touches only
 * the keys the call declares (see `keys.ts`), all in one slot:
 *
 * - `KEYS[1]` the session record, `KEYS[2]` its tag's index (create, check, revoke);
 * - `KEYS[1]` a subject's index, `KEYS[2..]` the records of the handles the caller read from it (list,
 *   revokeSubject): if the index holds a handle that was not declared, the script changes nothing and
 *   answers `{ retry = true }` so the caller reads the index again.
 *
 * `ARGV[1]` names the operation, `ARGV[2]` is the time to judge at (`''` = Redis `TIME`, so the whole
 * fleet shares Redis's clock). The record is JSON `{ s, c, r, t }`; `s.data` is the application's data
 * as a JSON string Lua never parses (cjson would round its numbers).
 *
 * Expiry: a record lives until `expiresAt + tombstoneTtl` (recomputed on each write, relative, so it is
 * right in whatever clock `now` came from); a tombstone lives `tombstoneTtl`. Retired ids live in the
 * record, as long as their session, so a reuse after the grace window is still detected.
 *
 * `judgeLimits`, `shouldTouch` and `renewalDue` are `../judge.ts` line for line: keep them identical.
 */
export const SCRIPT = `
local op = ARGV[1]
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[2])
end

local function int(n) return string.format('%d', n) end

-- judge.ts, line for line
local function judgeLimits(session, limits)
  -- A per-session cap (notAfter) can only bring the absolute deadline forward.
  local absoluteExpiresAt = session.authTime + limits.absoluteTimeout
  if type(session.notAfter) == 'number' and session.notAfter < absoluteExpiresAt then
    absoluteExpiresAt = session.notAfter
  end
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

local function load(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  return cjson.decode(raw), raw
end

local function save(key, rec, ttl)
  if #rec.r == 0 then rec.r = nil end -- cjson would write an empty list as {}
  redis.call('SET', key, cjson.encode(rec), 'PX', int(ttl))
  rec.r = rec.r or {}
end

local function index(key, handle, dropAt)
  redis.call('ZADD', key, int(dropAt), handle)
  local ttl = ttlUntil(dropAt)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, int(ttl)) end
end

local function tombstoneOf(rec, reason, endedAt)
  local s = rec.s
  return { handle = s.handle, subject = s.subject, policy = s.policy, fingerprint = s.fingerprint,
    reason = reason, endedAt = endedAt }
end

local function finish(key, indexKey, rec, reason, endedAt, ttl)
  rec.t = { reason = reason, endedAt = endedAt }
  rec.s.data = nil
  save(key, rec, math.max(ttl, 1))
  redis.call('ZREM', indexKey, rec.s.handle)
  return tombstoneOf(rec, reason, endedAt)
end

local function decode(raw)
  local rec = cjson.decode(raw)
  rec.r = rec.r or {}
  return rec
end

-- The retired-id entry of the record for id, if any.
local function retiredEntry(rec, id)
  for _, entry in ipairs(rec.r) do
    if entry.i == id then return entry end
  end
  return nil
end

local ops = {}

function ops.create()
  local id, session = ARGV[3], cjson.decode(ARGV[4])
  local limits, ttl = cjson.decode(ARGV[5]), tonumber(ARGV[6])
  local _, expiresAt = judgeLimits(session, limits)
  local rec = { s = session, c = id, r = {} }
  local dropAt = expiresAt + ttl
  -- Lazily forget handles of this tag whose records dropped by themselves.
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. int(now))
  save(KEYS[1], rec, ttlUntil(dropAt))
  index(KEYS[2], session.handle, dropAt)
  return { now = now }
end

function ops.check()
  local id, activity = ARGV[3], ARGV[4] == '1'
  local policies, ttl = cjson.decode(ARGV[5]), tonumber(ARGV[6])
  local successorId, nonce, maxRetired = ARGV[7], ARGV[8], tonumber(ARGV[9])
  local raw = redis.call('GET', KEYS[1])
  if not raw then return { outcome = 'unknown', now = now } end
  local rec = decode(raw)
  local entry = nil
  if rec.c ~= id then
    entry = retiredEntry(rec, id)
    if not entry then return { outcome = 'unknown', now = now } end
  end
  if rec.t then
    return { outcome = 'ended', now = now, reason = rec.t.reason,
      tombstone = tombstoneOf(rec, rec.t.reason, rec.t.endedAt), first = false }
  end
  local function endFirst(reason, endedAt)
    local tombstone = finish(KEYS[1], KEYS[2], rec, reason, endedAt, ttl)
    return { outcome = 'ended', now = now, reason = reason, tombstone = tombstone, first = true }
  end
  local limits = policies[rec.s.policy]
  if not limits then return endFirst('policy_changed', now) end
  if entry then
    if now >= (entry.g or 0) then return endFirst('reuse_detected', now) end
    if rec.c ~= entry.s then
      return { outcome = 'ended', now = now, reason = 'renewed',
        tombstone = tombstoneOf(rec, 'renewed', now), first = false }
    end
  end
  local reason, expiresAt = judgeLimits(rec.s, limits)
  if reason then return endFirst(reason, expiresAt) end
  local touched, rotated, renewal = false, false, nil
  if activity and shouldTouch(rec.s, limits) then
    rec.s.lastActivityAt = now
    touched = true
  end
  if entry then
    renewal = { nonce = entry.n or '', rotated = false }
  elseif activity and successorId ~= '' and renewalDue(rec.s, limits) then
    table.insert(rec.r, { i = id, s = successorId, n = nonce, g = now + limits.renewGrace })
    while #rec.r > maxRetired do table.remove(rec.r, 1) end
    rec.c = successorId
    rec.s.renewedAt = now
    rotated = true
    renewal = { nonce = nonce, rotated = true }
  end
  if touched or rotated then
    local _, deadline = judgeLimits(rec.s, limits)
    save(KEYS[1], rec, ttlUntil(deadline + ttl))
    index(KEYS[2], rec.s.handle, deadline + ttl)
  end
  if not touched and renewal == nil then
    -- The common case (writes are throttled): nothing changed, so hand back the stored JSON as it is
    -- rather than encode it again. The store reads record.s.
    return '{"outcome":"active","touched":false,"now":' .. int(now) .. ',"record":' .. raw .. '}'
  end
  return { outcome = 'active', now = now, session = rec.s, touched = touched, renewal = renewal,
    current = rec.c }
end

function ops.revoke()
  local id, reason, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  local raw = redis.call('GET', KEYS[1])
  if not raw then return { now = now } end
  local rec = decode(raw)
  if id ~= '' and rec.c ~= id and not retiredEntry(rec, id) then return { now = now } end
  if rec.t then return { now = now } end
  return { now = now, ended = finish(KEYS[1], KEYS[2], rec, reason, now, ttl) }
end

-- list and revokeSubject: KEYS[2..] are the records of ARGV[4..] (handles the caller read).
local function subjectRecords(handleArg)
  local declared = {}
  for i = handleArg, #ARGV do declared[ARGV[i]] = i - handleArg + 2 end
  for _, handle in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if not declared[handle] then return nil end
  end
  return declared
end

function ops.revokeSubject()
  local subject, reason, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  local declared = subjectRecords(6)
  if not declared then return { now = now, retry = true } end
  local ended = {}
  for handle, k in pairs(declared) do
    local raw = redis.call('GET', KEYS[k])
    if raw then
      local rec = decode(raw)
      if rec.s.subject == subject and not rec.t then
        table.insert(ended, finish(KEYS[k], KEYS[1], rec, reason, now, ttl))
      end
    else
      redis.call('ZREM', KEYS[1], handle)
    end
  end
  return { now = now, ended = ended }
end

-- GDPR Art. 17: every record of the subject (live or tombstone, with its token ids) and its index
-- entries. KEYS[2..] are the records found for the subject's tag (index and SCAN); each is checked.
function ops.forgetSubject()
  local subject = ARGV[3]
  local forgotten = 0
  for k = 2, #KEYS do
    local raw = redis.call('GET', KEYS[k])
    if raw then
      local rec = cjson.decode(raw)
      if rec.s.subject == subject then
        redis.call('DEL', KEYS[k])
        redis.call('ZREM', KEYS[1], rec.s.handle)
        forgotten = forgotten + 1
      end
    end
  end
  return { now = now, forgotten = forgotten }
end

function ops.list()
  local subject = ARGV[3]
  local declared = subjectRecords(4)
  if not declared then return { now = now, retry = true } end
  local sessions = {}
  for handle, k in pairs(declared) do
    local raw = redis.call('GET', KEYS[k])
    local rec = raw and cjson.decode(raw)
    if not rec or rec.t then
      redis.call('ZREM', KEYS[1], handle)
    elseif rec.s.subject == subject then
      table.insert(sessions, rec.s)
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
