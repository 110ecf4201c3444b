-- wrk script: POST /v1/shipments/{id}/events, each request a batch of BENCH_BATCH new events
-- (default 1) for a random seeded shipment. Every event is new: its carrier_event_id is made of the
-- run's name, the wrk thread and a per-thread counter, so the service records it instead of
-- ignoring it as a duplicate. Events are `in_transit` scans at a fixed recent time, or with
-- BENCH_ATTEMPT failed delivery attempts (`attempted_delivery`, `recipient_unavailable`).
-- Environment: BENCH_SHIPMENTS (file of shipment ids, one a line), BENCH_KEY (API key),
-- BENCH_OCCURRED_AT (RFC 3339 time), BENCH_BATCH (events per request), BENCH_RUN (unique per wrk run).
local ids = {}
local key = os.getenv("BENCH_KEY")
local occurred_at = os.getenv("BENCH_OCCURRED_AT")
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local status = os.getenv("BENCH_ATTEMPT") and '"status":"attempted_delivery","substatus":"recipient_unavailable"' or '"status":"in_transit"'
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_SHIPMENTS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  counter = counter + 1
  local events = {}
  for i = 1, batch do
    events[i] = '{' .. status .. ',"carrier_status_code":"IT","carrier_status_text":"Parcel moving on",'
      .. '"location":{"city":"Cluj-Napoca","country":"RO"},"occurred_at":"' .. occurred_at .. '",'
      .. '"carrier_event_id":"bench-' .. run .. '-' .. thread_id .. '-' .. counter .. '-' .. i .. '"}'
  end
  return wrk.format("POST", "/v1/shipments/" .. ids[math.random(#ids)] .. "/events",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" },
    '{"events":[' .. table.concat(events, ",") .. ']}')
end
