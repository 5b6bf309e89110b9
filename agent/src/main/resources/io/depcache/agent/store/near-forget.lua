-- Part of the near cache's registry scripts. A registration's hold filter is the set
-- <holds>jvm:<member> of the bits it holds (with 0, which says that it exists); each bit b held by
-- anyone is the set <holds><b> of the members that hold it; <holds>jvms has every member that has
-- a filter.
--
-- unhold: a registration's filter goes, and it from every set of a bit it held.
local function unhold(holds, member)
  local filter = holds .. 'jvm:' .. member
  for _, bit in ipairs(redis.call('SMEMBERS', filter)) do
    if bit ~= '0' then
      redis.call('SREM', holds .. bit, member)
    end
  end
  redis.call('DEL', filter)
  redis.call('SREM', holds .. 'jvms', member)
end

-- forget: the registrations that expired long ago (their JVMs stopped without leaving) go, with
-- their watermarks and hold filters.
local function forget(registry, applied, holds, below)
  local old = redis.call('ZRANGEBYSCORE', registry, '-inf', below)
  for _, member in ipairs(old) do
    redis.call('ZREM', registry, member)
    redis.call('HDEL', applied, member)
    unhold(holds, member)
  end
end
