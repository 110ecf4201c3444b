-- wrk script: POST /v1/orders/{id}/reviews, each request a review of the TEE-RED-M line of another
-- delivered seeded order (the wrk threads take alternate ids), so every call creates (201) until
-- the ids run out.
-- Environment: BENCH_IDS (file of delivered order ids, one a line), BENCH_KEY (API key).
local key = os.getenv("BENCH_KEY")
local ids = {}
local threads = 0
local counter = 0

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
  local body = '{"sku":"TEE-RED-M","rating":' .. (1 + index % 5) .. ',"title":"Ótima camiseta",'
    .. '"text":"Chegou antes do prazo e o tecido é ótimo. Recomendo! 👍","display_name":"Cliente ' .. index .. '",'
    .. '"attributes":{"fit":"true_to_size"}}'
  return wrk.format("POST", "/v1/orders/" .. id .. "/reviews",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
