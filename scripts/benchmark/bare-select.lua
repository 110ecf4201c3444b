-- wrk script for the bare twin: GET /select/{id} for random seeded rows (md5('bare' || n)::uuid).
-- Environment: BENCH_IDS (file of row ids, one a line).
local ids = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("GET", "/select/" .. ids[math.random(#ids)])
end
