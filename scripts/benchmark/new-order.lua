-- wrk script: POST /v1/orders, each request a new order (two lines, a Romanian address): its
-- order_number is made of the run's name, the wrk thread and a per-thread counter, so every call
-- creates (201) rather than updates.
-- Environment: BENCH_KEY (API key), BENCH_PLACED_AT (RFC 3339 time), BENCH_RUN (unique per wrk run).
local key = os.getenv("BENCH_KEY")
local placed_at = os.getenv("BENCH_PLACED_AT")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local regions = { "B", "CJ", "IS", "TM", "CT", "BV", "DJ" }
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  counter = counter + 1
  local number = "W-" .. run .. "-" .. thread_id .. "-" .. counter
  local body = '{"order_number":"' .. number .. '","channel":{"type":"web"},'
    .. '"customer":{"email":"' .. number:lower() .. '@example.com","name":"Ana Popescu","locale":"ro"},'
    .. '"destination":{"name":"Ana Popescu","line1":"Strada Lipscani 12","city":"Bucharest","postal_code":"030031",'
    .. '"country":"RO","region":"' .. regions[math.random(#regions)] .. '"},'
    .. '"placed_at":"' .. placed_at .. '","currency":"EUR","lines":['
    .. '{"sku":"TEE-RED-M","name":"Red tee (M)","quantity":2,"unit_price":4990,"category":"apparel"},'
    .. '{"sku":"MUG-01","name":"Porch mug","quantity":1,"unit_price":2990,"final_sale":true}],'
    .. '"metadata":{"source":"benchmark"}}'
  return wrk.format("POST", "/v1/orders",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
