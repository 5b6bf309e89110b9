-- Detaches a dependency set for invalidation and lists every set of that dependency that is still
-- being drained, by this invalidation or by others running at the same time.
-- KEYS[1]: the dependency set; KEYS[2]: the list of its sets being drained; KEYS[3]: the name the
-- set is renamed to. ARGV[1]: how long the list lives (ms), a bound for sets nobody finished.
-- Renamed, so that registrations arriving meanwhile start a fresh set and draining ends.
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'set' then
  redis.call('RENAME', KEYS[1], KEYS[3])
  redis.call('SADD', KEYS[2], KEYS[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
elseif kind ~= 'none' then
  -- Not a set, so nothing depends on it through depcache: foreign data under our name, removed.
  redis.call('UNLINK', KEYS[1])
end
return redis.call('SMEMBERS', KEYS[2])
