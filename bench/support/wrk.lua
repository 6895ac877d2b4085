-- wrk's script (LuaJIT, Lua 5.1) for bench/support/wrk.py: every response must have the expected status, and with
-- answers to give, each request is a new answer, so the POST stores one every time.
--
-- wrk ... -s wrk.lua URL -- STATUS THREADS [FIRST_ATTEMPT FIRST_SLOT BODY...]
--   STATUS         the status every response must have (others are counted and reported)
--   THREADS        wrk's -t, so that each thread takes its own slots
--   FIRST_ATTEMPT  the id of the first of the attempts prepared for the run, all open
--   FIRST_SLOT     the first slot this run may use; slot n answers card n % #BODY of attempt
--                  FIRST_ATTEMPT + n // #BODY, a pair no other request (or run) answers
--   BODY...        one JSON body per card, "CLIENT_ID" standing for the answer's new client id

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1])
  stride = tonumber(args[2])
  matched, other, seen = 0, 0, ""
  same = wrk.format()
  if args[3] then
    first_attempt = tonumber(args[3])
    slot = tonumber(args[4]) + number
    bodies = {}
    for i = 5, #args do
      table.insert(bodies, args[i])
    end
  end
end

function request()
  if not bodies then
    return same
  end
  local card = slot % #bodies
  local attempt = first_attempt + (slot - card) / #bodies
  local client_id = string.format("00000000-0000-4000-8000-%012x", slot)
  local body = bodies[card + 1]:gsub("CLIENT_ID", client_id)
  slot = slot + stride
  return wrk.format("POST", "/attempts/" .. attempt .. "/answers", nil, body)
end

function response(status, headers, body)
  if status == expected then
    matched = matched + 1
  else
    other = other + 1
    seen = tostring(status)
  end
end

function done(summary, latency, requests)
  local total_matched, total_other, last = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_matched = total_matched + thread:get("matched")
    total_other = total_other + thread:get("other")
    if thread:get("seen") ~= "" then
      last = thread:get("seen")
    end
  end
  io.write(string.format("expected status: %d; other: %d %s\n", total_matched, total_other, last))
end
