-- wrk script: the customer's order page, opened from a customer link of a random seeded order.
-- Environment: BENCH_TOKENS (file of customer-link tokens, one a line), BENCH_SLUG (the page's address).
local tokens = {}
local slug = os.getenv("BENCH_SLUG")

function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("GET", "/pages/" .. slug .. "/links/" .. tokens[math.random(#tokens)])
end
