-- A fixed-window rate limiter with two mistakes check-script points out.
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
limit = tonumber(ARGV[2])          -- global assignment: fails in Redis 7
redis.call('SET', 'last-caller', ARGV[3])  -- literal key name
return count <= limit
