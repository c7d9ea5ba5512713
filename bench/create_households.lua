-- wrk script: POST /api/v1/households with a new four-person household on every request.
-- usage: wrk -s create_households.lua URL -- TOKEN RUN
-- Each wrk thread numbers its own households; RUN (0-9) keeps runs on one database apart.
-- ID numbers are born 1901-1929, years the demo county never uses, so none is taken.
local token, run
local counter = 0
thread_no = 0   -- set per thread by setup()
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  run = tonumber(args[2] or "0")
end

local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"

local function id_number(k, male)
  -- k numbers a pair of IDs (one male, one female) uniquely within this run and thread
  local days = k % 10000
  local seq = (math.floor(k / 10000) * 16 + thread_no) * 10 + run
  local t = os.time({year = 1901, month = 1, day = 1, hour = 12}) + days * 86400
  local first = string.format("520628%s%03d", os.date("!%Y%m%d", t), (seq % 500) * 2 + (male and 1 or 0))
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(first:sub(i, i)) * weights[i] end
  local c = (sum % 11) + 1
  return first .. checks:sub(c, c)
end

function request()
  counter = counter + 1
  local a, b = 2 * counter, 2 * counter + 1
  local body = string.format(
    '{"category":"registered_poor","origin_village":"520628118201","dest_community":"520628002030",' ..
    '"members":[{"id_number":"%s","name":"张伟","relation":"head","phone":"13912345678",' ..
    '"labor_capacity":"ordinary","ethnicity":"miao"},' ..
    '{"id_number":"%s","name":"李芳","relation":"spouse"},' ..
    '{"id_number":"%s","name":"张强","relation":"son"},' ..
    '{"id_number":"%s","name":"张小红","relation":"daughter"}]}',
    id_number(a, true), id_number(a, false), id_number(b, true), id_number(b, false))
  return wrk.format("POST", "/api/v1/households",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("WRITE_BENCH p50_ms=%.1f p99_ms=%.1f max_ms=%.1f requests=%d errors_non2xx=%d timeouts=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.errors.status, summary.errors.timeout))
end
