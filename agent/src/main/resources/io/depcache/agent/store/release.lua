-- Gives a lease back if the caller still holds it: a lease that expired and was taken by another
-- JVM stays with that JVM.
-- KEYS[1]: the lease key. ARGV[1]: the holder's token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
