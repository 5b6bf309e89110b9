-- The next invalidation sequence of a Redis Cluster store (RedisClusterStore): the server's clock
-- in microseconds, or one more than the sequence when that is already past the clock. Every fence
-- of the cluster takes its number here, so fences on every slot are ordered by when they were
-- taken; and the sequence never goes back below what it gave out, even when its key is lost (a
-- flush, a failover to a replica that lagged): the clock has moved on since, while the clocks of
-- the nodes agree to better than the time a failover takes.
-- KEYS[1]: the sequence key. Returns the new sequence as text, which is how fences hold it.
local sequence = tonumber(redis.call('GET', KEYS[1]) or '')
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
if sequence == nil or sequence < now then
  sequence = now
else
  sequence = sequence + 1
end
local text = string.format('%.0f', sequence)
redis.call('SET', KEYS[1], text)
return text
