-- wrk script: GET /v1/orders/{id}/arrival-estimate (or another per-order read named by
-- BENCH_READ, e.g. return-eligibility) for random seeded orders in random languages.
-- Environment: BENCH_IDS (file of order ids, one a line), BENCH_KEY (API key), BENCH_READ.
local ids = {}
local key = os.getenv("BENCH_KEY")
local read = os.getenv("BENCH_READ") or "arrival-estimate"
local languages = { "en", "es", "ro", "id", "ru", "zh-CN" }

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/orders/" .. id .. "/" .. read,
    { ["Authorization"] = "Bearer " .. key, ["Accept-Language"] = languages[math.random(#languages)] })
end
