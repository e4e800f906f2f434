-- wrk: etcd's v3 JSON gateway. ETCD_BENCH_OP=put (the default) puts distinct keys with 64-byte
-- values; ETCD_BENCH_OP=range reads keys that exist (bench-read-0 .. bench-read-999), linearizably,
-- or from the member's own copy with ETCD_BENCH_SERIALIZABLE=true; ETCD_BENCH_TOKEN, when set, is
-- the token of a user (authentication on)
local counter = 0
local threads = 0
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  range = os.getenv("ETCD_BENCH_OP") == "range"
  serializable = os.getenv("ETCD_BENCH_SERIALIZABLE") == "true"
  prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
  value = base64(string.rep("v", 64))
  headers = {["Content-Type"] = "application/json"}
  local token = os.getenv("ETCD_BENCH_TOKEN")
  if token and token ~= "" then headers["Authorization"] = token end
  keys = {}
  if range then
    for i = 0, 999 do keys[i] = base64("bench-read-" .. i) end
    counter = math.random(0, 999)
  end
end
function request()
  counter = counter + 1
  if range then
    local key = keys[counter % 1000]
    local body = '{"key":"' .. key .. '"' .. (serializable and ',"serializable":true' or '') .. '}'
    return wrk.format("POST", "/v3/kv/range", headers, body)
  end
  local body = '{"key":"' .. base64(prefix .. counter) .. '","value":"' .. value .. '"}'
  return wrk.format("POST", "/v3/kv/put", headers, body)
end
