-- wrk script: POST /v1/returns, each request a refund by mail of one TEE-RED-M of another
-- delivered seeded order that is still inside the return window (the wrk threads take
-- alternate ids), so every call opens a return (201) until the ids run out.
-- Environment: BENCH_IDS (file of returnable order ids, one a line), BENCH_KEY (API key).
local key = os.getenv("BENCH_KEY")
local ids = {}
local threads = 0
local counter = 0
local reasons = { "too_small", "too_large", "changed_mind", "defective", "not_as_described" }

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
  thread:set("thread_count", 2)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
end

function request()
  local index = counter * thread_count + thread_id
  counter = counter + 1
  local id = ids[(index - 1) % #ids + 1]
  local body = '{"order_id":"' .. id .. '","resolution":"refund","method":"mail",'
    .. '"lines":[{"sku":"TEE-RED-M","quantity":1,"reason":"' .. reasons[index % #reasons + 1] .. '","note":"Não serviu."}]}'
  return wrk.format("POST", "/v1/returns", { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
