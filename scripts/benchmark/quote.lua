-- wrk script: POST /v1/delivery-quotes from the seeded warehouse to random Romanian regions.
-- Environment: BENCH_KEY (API key).
local key = os.getenv("BENCH_KEY")
local regions = { "B", "CJ", "IS", "TM", "CT", "BV", "DJ" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local body = '{"location":"WH-1","destination":{"country":"RO","region":"' .. regions[math.random(#regions)] .. '"}}'
  return wrk.format("POST", "/v1/delivery-quotes",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
