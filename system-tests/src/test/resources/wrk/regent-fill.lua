-- wrk: fill Regent's store: each thread PUTs REGENT_FILL_QUOTA distinct keys
-- fill-<round>-<thread>-<n>, each with a value of REGENT_FILL_VALUE_BYTES random bytes, then stops
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  prefix = "fill-" .. os.getenv("REGENT_FILL_ROUND") .. "-" .. id .. "-"
  quota = tonumber(os.getenv("REGENT_FILL_QUOTA"))
  -- random letters and digits (values that compress as little as real data would), from a pool
  local size = tonumber(os.getenv("REGENT_FILL_VALUE_BYTES"))
  local chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
  math.randomseed(os.time() + id)
  bodies = {}
  for b = 1, 256 do
    local value = {}
    for i = 1, size do
      local c = math.random(1, #chars)
      value[i] = chars:sub(c, c)
    end
    bodies[b] = '{"value":"' .. table.concat(value) .. '"}'
  end
  auth = os.getenv("REGENT_BENCH_AUTH")
end
function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = auth}
  return wrk.format("PUT", "/api/kv/" .. prefix .. counter, headers, bodies[counter % 256 + 1])
end
function response(status, headers, body)
  if counter >= quota then wrk.thread:stop() end
end
