-- Fences entries and unlinks them, all in one slot (RedisClusterStore): a delete, or the groups of
-- an invalidation's drain that its plain commands could not complete (ClusterInvalidator). A write whose data was read
-- before the fence's sequence is refused after it (cluster-write.lua). A fence only rises: fences
-- of one key may arrive out of their order.
-- KEYS: pairs, an entry then its fence. ARGV[1]: the fences' sequence; ARGV[2]: how long a fence
-- lasts (ms).
-- Returns how many of the entries existed.
local sequence = tonumber(ARGV[1])
local entries = {}
for i = 1, #KEYS, 2 do
  -- Most entries have no fence yet: one command then.
  if not redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[2], 'NX') then
    local mark = tonumber(redis.call('GET', KEYS[i + 1]) or '')
    if mark == nil or mark < sequence then
      redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[2])
    else
      redis.call('PEXPIRE', KEYS[i + 1], ARGV[2])
    end
  end
  entries[#entries + 1] = KEYS[i]
end
return redis.call('UNLINK', unpack(entries))
