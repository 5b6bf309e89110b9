-- Which of these registrations have not yet accounted for message ARGV[1]: still registered, with
-- a watermark below it. A registration that left, joined again or was dropped has.
-- KEYS: registry, watermarks
-- ARGV: message number, then the members
local pending = {}
local number = tonumber(ARGV[1])
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    local seen = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
    if seen < number then
      pending[#pending + 1] = ARGV[i]
    end
  end
end
return pending
