-- Part of the near cache's registry scripts: forgets the registrations that expired long ago
-- (their JVMs stopped without leaving) together with their watermarks and hold filters.
local function forget(registry, applied, holds, below)
  local old = redis.call('ZRANGEBYSCORE', registry, '-inf', below)
  for _, member in ipairs(old) do
    redis.call('ZREM', registry, member)
    redis.call('HDEL', applied, member)
    redis.call('DEL', holds .. member)
  end
end
