-- Fences an entry and unlinks it, in its slot (RedisClusterStore): a delete, or an invalidation
-- removing a dependent. A write whose data was read before the fence's sequence is refused after
-- it (cluster-write.lua). A fence only rises: fences of one key may arrive out of their order.
-- KEYS[1]: the entry; KEYS[2]: its fence.
-- ARGV[1]: the fence's sequence; ARGV[2]: how long a fence lasts (ms).
-- Returns 1 when the entry existed, else 0.
local mark = tonumber(redis.call('GET', KEYS[2]) or '')
if mark == nil or mark < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return redis.call('UNLINK', KEYS[1])
