-- wrk: put distinct keys with 64-byte values through etcd's v3 JSON gateway
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
  prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
  value = base64(string.rep("v", 64))
end
function request()
  counter = counter + 1
  local body = '{"key":"' .. base64(prefix .. counter) .. '","value":"' .. value .. '"}'
  return wrk.format("POST", "/v3/kv/put", {["Content-Type"] = "application/json"}, body)
end
