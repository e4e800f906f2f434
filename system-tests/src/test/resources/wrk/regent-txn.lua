-- wrk: POST transactions to Regent's key-value API, each putting REGENT_BENCH_TXN_WRITES (10)
-- distinct keys with 64-byte values, no compares (each thread its own prefix)
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
  value = string.rep("v", 64)
  writes = tonumber(os.getenv("REGENT_BENCH_TXN_WRITES") or "10")
  auth = os.getenv("REGENT_BENCH_AUTH")
end
function request()
  local puts = {}
  for i = 1, writes do
    counter = counter + 1
    puts[i] = '{"op":"put","key":"' .. prefix .. counter .. '","value":"' .. value .. '"}'
  end
  local headers = {["Content-Type"] = "application/json"}
  if auth then headers["Authorization"] = auth end
  return wrk.format("POST", "/api/kv/txn", headers, '{"success":[' .. table.concat(puts, ",") .. ']}')
end
