-- Fences a dependency and detaches its set, in the dependency's slot (RedisClusterStore): a
-- registration after the fence is refused when its data was read before it (cluster-register.lua);
-- one before it is in the set detached here, whose members the invalidation then fences and
-- unlinks. Renamed, so that registrations arriving later start a fresh set, and a detached set
-- never changes again.
-- KEYS[1]: the dependency set; KEYS[2]: its fence; KEYS[3]: the set of its sets being drained;
-- KEYS[4]: the name the set is renamed to.
-- ARGV[1]: the fence's sequence; ARGV[2]: how long a fence lasts (ms); ARGV[3]: how long the set of
-- sets being drained lives (ms), a bound for sets nobody finished.
-- Returns {1 when a set was detached, now or by an earlier run of this call, else 0; then every
-- other set of this dependency still being drained, by invalidations that run at the same time or
-- stopped half way}. Run twice, it has the outcome of one run (ClusterScripts makes a call again
-- when it cannot tell whether the first run stuck).
local mark = tonumber(redis.call('GET', KEYS[2]) or '')
if mark == nil or mark < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
local reply = {0}
local kind = redis.call('TYPE', KEYS[1]).ok
if redis.call('SISMEMBER', KEYS[3], KEYS[4]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then
  -- This call ran before, and its reply was lost (a WAIT cut short by a failover, a connection
  -- that broke): the set it detached then is reported again, to be drained. The dependency's set
  -- now holds only registrations made after the fence (cluster-register.lua refused the others),
  -- which this invalidation need not remove: it stays, for the next one.
  redis.call('SADD', KEYS[3], KEYS[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  reply[1] = 1
elseif kind == 'zset' then
  redis.call('RENAME', KEYS[1], KEYS[4])
  redis.call('SADD', KEYS[3], KEYS[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  reply[1] = 1
elseif kind ~= 'none' then
  -- Not a dependency set (cluster-register.lua writes only sorted sets): foreign data under our
  -- name, removed.
  redis.call('UNLINK', KEYS[1])
end
for _, set in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if set ~= KEYS[4] then
    reply[#reply + 1] = set
  end
end
return reply
