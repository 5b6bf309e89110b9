-- The store's next invalidation sequence: fence.lua and detach.lua begin with this text.
-- KEYS[1]: the store's sequence key; KEYS[2]: its epoch key.
-- A sequence key that is missing or holds no number means the store lost its sequence (a restart
-- without persistence, a flush, an eviction, a failover) or never had one: a new epoch begins at
-- the server's clock in microseconds, above every sequence of the epochs before it, and the epoch
-- key records where it began, so that put.lua refuses whatever was computed before the loss.
-- Returns the new sequence as text, which is how fences hold it.
local function nextSequence()
  local sequence = tonumber(redis.call('GET', KEYS[1]) or '')
  if sequence then
    sequence = sequence + 1
  else
    local now = redis.call('TIME')
    sequence = tonumber(now[1]) * 1000000 + tonumber(now[2])
    redis.call('SET', KEYS[2], string.format('%.0f', sequence))
  end
  local text = string.format('%.0f', sequence)
  redis.call('SET', KEYS[1], text)
  return text
end
