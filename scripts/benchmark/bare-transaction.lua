-- wrk script for the bare twin: POST /transaction/{id} for random seeded documents (the ids of
-- bare_documents, md5('bare' || n)::uuid, 10,000 of them, so that concurrent requests rarely wait
-- on the same row's lock), each with a body the size and shape of a one-event tracking batch.
-- Environment: BENCH_IDS (file of document ids, one a line), BENCH_OCCURRED_AT (RFC 3339 time).
local ids = {}
local occurred_at = os.getenv("BENCH_OCCURRED_AT") or "2026-11-20T10:00:00Z"
local counter = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  counter = counter + 1
  local body = '{"events":[{"status":"in_transit","carrier_status_code":"IT","carrier_status_text":"Parcel moving on",'
    .. '"location":{"city":"Cluj-Napoca","country":"RO"},"occurred_at":"' .. occurred_at .. '",'
    .. '"carrier_event_id":"bare-' .. counter .. '"}]}'
  return wrk.format("POST", "/transaction/" .. ids[math.random(#ids)], { ["Content-Type"] = "application/json" }, body)
end
