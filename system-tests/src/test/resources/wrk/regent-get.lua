-- wrk: GET keys that exist (bench-read-0 .. bench-read-999) from Regent's key-value API, at the
-- consistency in REGENT_BENCH_QUERY ("" for the default, "?consistency=linearizable", ...)
local counter = 0
function init(args)
  auth = os.getenv("REGENT_BENCH_AUTH")
  query = os.getenv("REGENT_BENCH_QUERY") or ""
  counter = math.random(0, 999)
end
function request()
  counter = (counter + 1) % 1000
  return wrk.format("GET", "/api/kv/bench-read-" .. counter .. query, {["Authorization"] = auth})
end
