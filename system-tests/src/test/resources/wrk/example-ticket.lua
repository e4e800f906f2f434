-- wrk: POST a ticket request with a distinct request id to the example application
-- (each thread its own prefix), as regent-put.lua does for the key-value store
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
  auth = os.getenv("REGENT_BENCH_AUTH")
end
function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json"}
  if auth then headers["Authorization"] = auth end
  return wrk.format("POST", "/example/api/tickets", headers,
    '{"holder":"' .. string.rep("h", 32) .. '","requestId":"' .. prefix .. counter .. '"}')
end
