import { luaScript } from './client-adapter';

// The server side of the fleet-wide policies. Each exchange is one of these scripts, run atomically
// by Redis, with every key it touches passed in KEYS (so it runs on Redis Cluster: a policy's keys
// share a hash tag, hence a slot). Time is the server's (TIME), so the instances' clocks need not
// agree. Anything found in a key that is not what the script wrote (a key of another type, a field
// that is not a number, or a negative one) is treated as missing: the key is deleted, the value
// read as 0.

const common = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function ensure_type(key, kind)
  local found = redis.call('TYPE', key)
  if type(found) == 'table' then found = found.ok end
  if found ~= 'none' and found ~= kind then redis.call('DEL', key) end
end
local function number_or_zero(value)
  local parsed = tonumber(value)
  if parsed == nil or parsed ~= parsed or parsed == math.huge or parsed == -math.huge then return 0 end
  return parsed
end
-- A count or a time read from a key: the scripts write none below 0, so one is not theirs (it would
-- lift a limit: retries to spare, trial calls' places to claim, a run of failures never reached).
local function stored_number(value)
  return math.max(0, number_or_zero(value))
end
-- Keeps the members of a sorted set timed within span ms of now, either side. One timed ahead may
-- be an instance's, timed before the server's clock stepped back (a failover to a replica whose
-- clock is behind): a breaker's reporter is not timed again until it fails again. One timed further
-- ahead was written by no script (each times its own member with TIME) and would never leave.
local function keep_timed_within(key, span, time)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (time - span))
  redis.call('ZREMRANGEBYSCORE', key, '(' .. (time + span), '+inf')
end
-- A window of 10 buckets in a hash: field <prefix><bucket number>. Adds to the current bucket, drops
-- fields outside the window (or not ours), and returns the sums per prefix.
local function window_add_and_sum(key, width, current, additions)
  for prefix, amount in pairs(additions) do
    if amount > 0 then
      local field = prefix .. current
      redis.call('HSET', key, field, stored_number(redis.call('HGET', key, field)) + amount)
    end
  end
  local sums = {}
  for prefix in pairs(additions) do sums[prefix] = 0 end
  local fields = redis.call('HGETALL', key)
  for index = 1, #fields, 2 do
    local name = fields[index]
    local prefix = string.sub(name, 1, 1)
    local bucket = tonumber(string.sub(name, 2))
    if sums[prefix] ~= nil and bucket ~= nil and bucket > current - 10 and bucket <= current then
      sums[prefix] = sums[prefix] + stored_number(fields[index + 1])
    else
      redis.call('HDEL', key, name)
    end
  end
  return sums
end
`;

/**
 * The retry budget's exchange. KEYS: the window (hash), the instances that exchanged within the
 * window (sorted set, by time). ARGV: instance id, first attempts, retries, window (ms), refunded
 * (retries sent before that never ran: taken from the newest buckets holding retries, never below
 * zero; negative amounts are ignored, as for the counts). An older instance's script reads no
 * ARGV[5] and sends none: its refunds stay in the window, as before, and nothing else changes.
 * Returns { first attempts in the window, retries in the window, active instances }.
 */
export const budgetScript = luaScript(`${common}
local window_key, instances_key = KEYS[1], KEYS[2]
local instance = ARGV[1]
local calls = number_or_zero(ARGV[2])
local retries = number_or_zero(ARGV[3])
local window = number_or_zero(ARGV[4])
local refunded = math.max(0, number_or_zero(ARGV[5]))
if window <= 0 then window = 10000 end
ensure_type(window_key, 'hash')
ensure_type(instances_key, 'zset')
local time = now_ms()
local current = math.floor(time / (window / 10))
local sums = window_add_and_sum(window_key, window / 10, current, { c = calls, r = retries })
-- A refunded retry was granted a bucket or more ago: the newest buckets holding retries give it.
for bucket = current, current - 9, -1 do
  if refunded <= 0 then break end
  local field = 'r' .. bucket
  local held = stored_number(redis.call('HGET', window_key, field))
  if held > 0 then
    local taken = math.min(held, refunded)
    redis.call('HSET', window_key, field, held - taken)
    refunded = refunded - taken
    sums.r = sums.r - taken
  end
end
redis.call('ZADD', instances_key, time, instance)
keep_timed_within(instances_key, window, time)
local instances = redis.call('ZCARD', instances_key)
local member = redis.call('ZSCORE', instances_key, instance) and 1 or 0
redis.call('PEXPIRE', window_key, math.ceil(window * 2))
redis.call('PEXPIRE', instances_key, math.ceil(window * 2))
return { tostring(sums.c), tostring(sums.r), instances, member }
`);

/**
 * The breaker's exchanges, one script for its three operations (ARGV[1]): 'sync' (counts of the
 * closed state; opens the circuit when the fleet's counts cross the threshold and enough
 * instances reported failures), 'claim' (a half-open trial call's place, for the fleet as a
 * whole) and 'probe' (a trial call's outcome). KEYS: state (hash), window (hash), instances that
 * reported failures in the window (sorted set).
 * Returns { state, ms until a trial call may be claimed, calls, failures, reporting instances,
 * granted (claim), round, whether this instance is among the reporters, consecutive failures,
 * opens in a row }.
 */
export const breakerScript = luaScript(`${common}
local state_key, window_key, reporters_key = KEYS[1], KEYS[2], KEYS[3]
local operation, instance = ARGV[1], ARGV[2]
local calls, failures = number_or_zero(ARGV[3]), number_or_zero(ARGV[4])
local trailing, had_success = number_or_zero(ARGV[5]), ARGV[6] == '1'
local sampling = number_or_zero(ARGV[7])
if sampling <= 0 then sampling = 30000 end
local minimum_throughput, failure_ratio = number_or_zero(ARGV[8]), number_or_zero(ARGV[9])
local consecutive_limit, quorum = number_or_zero(ARGV[10]), number_or_zero(ARGV[11])
local probes = math.max(1, number_or_zero(ARGV[12]))
local break_initial, break_max = number_or_zero(ARGV[13]), number_or_zero(ARGV[14])
local break_base = number_or_zero(ARGV[15])
local probe_outcome, probe_round = number_or_zero(ARGV[16]), number_or_zero(ARGV[17])
local successes_after_failure = math.max(0, math.min(calls, number_or_zero(ARGV[18])))

ensure_type(state_key, 'hash')
ensure_type(window_key, 'hash')
ensure_type(reporters_key, 'zset')
local time = now_ms()
local saved = redis.call('HMGET', state_key, 'state', 'opens', 'breakEndsAt', 'halfOpenSince',
  'claimed', 'successes', 'round', 'consecutive')
local state = saved[1]
if state ~= 'open' and state ~= 'half-open' then state = 'closed' end
local opens, break_ends_at = stored_number(saved[2]), stored_number(saved[3])
local half_open_since, claimed = stored_number(saved[4]), stored_number(saved[5])
local successes, round = stored_number(saved[6]), stored_number(saved[7])
local consecutive = stored_number(saved[8])
-- Times no exchange could have written (a break longer than the longest, a round not begun yet)
-- would hold the fleet's circuit open for good: they are clamped, and the clamp is stored.
if break_ends_at > time + break_max then break_ends_at = time + break_max end
if half_open_since > time then half_open_since = time end
local granted = 0

local function break_duration()
  local duration = break_initial * (break_base ^ math.max(0, opens - 1))
  if duration > break_max then duration = break_max end
  return duration
end
local function clear_counts()
  claimed, successes, consecutive = 0, 0, 0
  round = round + 1
  redis.call('DEL', window_key, reporters_key)
end
local function open()
  state = 'open'
  opens = opens + 1
  break_ends_at = time + break_duration()
  clear_counts()
end

local width = sampling / 10
local current = math.floor(time / width)
local window_calls, window_failures = 0, 0
if operation == 'sync' then
  if state == 'closed' then
    local sums = window_add_and_sum(window_key, width, current, { c = calls, f = failures })
    window_calls, window_failures = sums.c, sums.f
    if failures > 0 then redis.call('ZADD', reporters_key, time, instance) end
    if had_success then consecutive = trailing else consecutive = consecutive + trailing end
  end
elseif operation == 'claim' then
  if state == 'open' and time >= break_ends_at then
    state = 'half-open'
    half_open_since = time
    clear_counts()
  end
  if state == 'half-open' and claimed >= probes and time >= half_open_since + break_duration() then
    -- Trial calls unanswered for a whole break are given up on: a new round.
    half_open_since = time
    clear_counts()
  end
  if state == 'half-open' and claimed < probes then
    claimed = claimed + 1
    granted = 1
  end
elseif operation == 'probe' then
  if state == 'half-open' and probe_round == round then
    if probe_outcome == 1 then
      successes = successes + 1
      if successes >= probes then
        state = 'closed'
        opens = 0
        clear_counts()
      end
    elseif probe_outcome == 0 then
      open()
    elseif claimed > successes then
      claimed = claimed - 1
    end
  end
end

keep_timed_within(reporters_key, sampling, time)
local reporters = redis.call('ZCARD', reporters_key)
local reported = redis.call('ZSCORE', reporters_key, instance) and 1 or 0
if state == 'closed' and reporters >= quorum then
  local crossed
  if consecutive_limit > 0 then
    crossed = consecutive >= consecutive_limit
  else
    -- Only a batch with failures can open it, as only a failure opens a local Breaker: successes
    -- that bring earlier failures up to the throughput do not, those of this batch after its last
    -- failure included (it is judged as at that failure).
    local judged_calls = window_calls - successes_after_failure
    crossed = failures > 0 and judged_calls >= minimum_throughput and judged_calls > 0
      and window_failures / judged_calls >= failure_ratio
  end
  if crossed then
    open()
    window_calls, window_failures, reporters, reported = 0, 0, 0, 0
  end
end

redis.call('HSET', state_key, 'state', state, 'opens', opens, 'breakEndsAt', break_ends_at,
  'halfOpenSince', half_open_since, 'claimed', claimed, 'successes', successes, 'round', round,
  'consecutive', consecutive)
local lifetime = math.ceil(math.max(sampling, break_max) * 2 + 60000)
redis.call('PEXPIRE', state_key, lifetime)
redis.call('PEXPIRE', window_key, lifetime)
redis.call('PEXPIRE', reporters_key, lifetime)

local wait = 0
if state == 'open' then
  wait = math.max(0, break_ends_at - time)
elseif state == 'half-open' and claimed >= probes then
  wait = math.max(0, half_open_since + break_duration() - time)
end
return { state, tostring(wait), tostring(window_calls), tostring(window_failures), reporters,
  granted, tostring(round), reported, tostring(consecutive), tostring(opens) }
`);

/**
 * The rate limiter's exchange: the fleet's GCRA, whose state is one number, the theoretical arrival
 * time (TAT, in the server's clock). In one step it charges the units this instance used beyond
 * its lease (`overdraft`, charged whatever the state: they were used), takes back the unused lease
 * it returns (`returned`), and leases it up to `request` more units, as many as the GCRA lets pass
 * now. KEYS: TAT (string), instances that exchanged within `presence` ms (sorted set, by time).
 * ARGV: instance id, returned, request, overdraft, emission interval (ms per unit), interval (the
 * burst tolerance, ms), presence (ms), horizon (ms: a TAT further ahead than this is garbage).
 * Returns { units leased, ms the TAT is ahead of now, active instances }.
 */
export const limiterScript = luaScript(`${common}
local tat_key, instances_key = KEYS[1], KEYS[2]
local instance = ARGV[1]
local returned = math.max(0, number_or_zero(ARGV[2]))
local request = math.max(0, number_or_zero(ARGV[3]))
local overdraft = math.max(0, number_or_zero(ARGV[4]))
local emission, interval = number_or_zero(ARGV[5]), number_or_zero(ARGV[6])
local presence, horizon = number_or_zero(ARGV[7]), number_or_zero(ARGV[8])
if emission <= 0 or interval <= 0 then return { '0', '0', 1 } end
if presence <= 0 then presence = interval end
ensure_type(tat_key, 'string')
ensure_type(instances_key, 'zset')
local time = now_ms()
local tat = stored_number(redis.call('GET', tat_key))
if tat < time or tat > time + horizon then tat = time end
tat = tat + overdraft * emission
tat = math.max(time, tat - returned * emission)
local free = (time + interval - tat) / emission
local leased = math.max(0, math.min(request, free))
tat = tat + leased * emission
redis.call('SET', tat_key, tostring(tat), 'PX', math.ceil(tat - time + interval + 1000))
redis.call('ZADD', instances_key, time, instance)
keep_timed_within(instances_key, presence, time)
redis.call('PEXPIRE', instances_key, math.ceil(presence * 2))
return { tostring(leased), tostring(tat - time), redis.call('ZCARD', instances_key) }
`);
