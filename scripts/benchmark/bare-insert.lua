-- wrk script for the bare twin: POST /insert with a body the size and shape of a one-event tracking
-- batch (the service's smallest write).
-- Environment: BENCH_OCCURRED_AT (RFC 3339 time).
local occurred_at = os.getenv("BENCH_OCCURRED_AT") or "2026-11-20T10:00:00Z"
local counter = 0

function request()
  counter = counter + 1
  local body = '{"events":[{"status":"in_transit","carrier_status_code":"IT","carrier_status_text":"Parcel moving on",'
    .. '"location":{"city":"Cluj-Napoca","country":"RO"},"occurred_at":"' .. occurred_at .. '",'
    .. '"carrier_event_id":"bare-' .. counter .. '"}]}'
  return wrk.format("POST", "/insert", { ["Content-Type"] = "application/json" }, body)
end
