-- Writes an entry that is registered in its dependency sets already (cluster-register.lua), unless
-- its key was fenced after the oldest data behind it was read: by a delete, or by an invalidation
-- that removed it from a set it had registered in (cluster-unlink.lua). In the entry's slot.
-- Also refused when the entry's tag was fenced after it (an invalidation fences the tags of the
-- entries it unlinks, one fence per tag: ClusterScripts.fenceAndUnlink).
-- KEYS[1]: the entry; KEYS[2]: its fence; KEYS[3]: the fences of its slot's tags (a sorted set, each
-- tag a member scored by the highest sequence it was fenced with: ClusterKeys.tagFences).
-- ARGV[1]: the value; ARGV[2]: time to live in milliseconds, 0 for no expiry; ARGV[3]: the oldest
-- sequence at which data behind the entry was read; ARGV[4]: the entry's tag, its member in KEYS[3].
-- Returns 1 when written, -1 when the fence refused it.
local mark = redis.call('GET', KEYS[2])
if mark and (tonumber(mark) or math.huge) > tonumber(ARGV[3]) then
  return -1
end
local tagged = redis.call('ZSCORE', KEYS[3], ARGV[4])
if tagged and tonumber(tagged) > tonumber(ARGV[3]) then
  return -1
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
