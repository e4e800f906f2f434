-- wrk: PUT distinct keys with 64-byte values to Regent's key-value API
-- (each thread its own prefix; the value is 64 bytes of text)
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
  body = '{"value":"' .. string.rep("v", 64) .. '"}'
  auth = os.getenv("REGENT_BENCH_AUTH")
end
function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json"}
  if auth then headers["Authorization"] = auth end
  return wrk.format("PUT", "/api/kv/" .. prefix .. counter, headers, body)
end
