-- wrk script: POST /v1/orders/{order_id}/delivery-exceptions/{id}/actions, each request the
-- customer's choice (as the merchant's key sends it on their behalf) for another open exception
-- (the wrk threads take alternate ones), so every call writes an action until the list runs out;
-- after that a call repeats an earlier choice and is answered as before, writing nothing.
-- Environment: BENCH_EXCEPTIONS (file of "order_id exception_id" lines), BENCH_KEY (API key).
local key = os.getenv("BENCH_KEY")
local exceptions = {}
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
  thread:set("thread_count", 2)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_EXCEPTIONS")) do
    local order, exception = line:match("^(%S+) (%S+)$")
    exceptions[#exceptions + 1] = { order = order, exception = exception }
  end
end

function request()
  local index = counter * thread_count + thread_id
  counter = counter + 1
  local target = exceptions[(index - 1) % #exceptions + 1]
  return wrk.format("POST", "/v1/orders/" .. target.order .. "/delivery-exceptions/" .. target.exception .. "/actions",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, '{"kind":"return_to_sender"}')
end
