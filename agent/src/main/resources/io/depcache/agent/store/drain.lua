-- Removes one batch of a detached dependency set: the members leave the set and their entries are
-- unlinked in one step, so whoever finds the set empty knows every entry of it is gone.
-- KEYS[1]: the detached set. ARGV[1]: the batch size.
-- Returns {members taken, entries that existed and were removed}.
local members = redis.call('SPOP', KEYS[1], ARGV[1])
if #members == 0 then
  return {0, 0}
end
return {#members, redis.call('UNLINK', unpack(members))}
