-- wrk script for bench/load_bench.py: sends the requests listed in a file, prints the results as JSON.
--
--   wrk -t2 -c32 -d60s --timeout 10s --latency -s bench/mix.lua http://127.0.0.1:PORT -- FILE THREADS [seconds]
--
-- FILE has one request a line: a path, optionally a tab and the If-None-Match value to send.
-- Thread k of THREADS sends lines k, k+THREADS, k+2*THREADS, ... in turn, then again from its first
-- (so the file's order and weights hold, and no line is sent twice until a thread has sent its share).
-- With "seconds", every response's status is counted per second of the clock (the fault run);
-- without, no response is parsed beyond its status line, as wrk does on its own.
-- done() prints one line: "LOADBENCH " and a JSON object (latencies in microseconds).

local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

local requests = {}
local index = 1
wrapped = 0 -- globals: done() reads them from each thread
seconds = {}

function init(args)
    -- args[0] is the URL, then the arguments after "--"
    local file, count, mode = args[1], tonumber(args[2]), args[3]
    local lines = {}
    for line in io.lines(file) do
        lines[#lines + 1] = line
    end
    if #lines == 0 then
        error("no requests in " .. file)
    end
    local first, step = id + 1, count
    if #lines < count then -- fewer lines than threads: every thread sends them all
        first, step = 1, 1
    end
    for i = first, #lines, step do
        local path, etag = lines[i]:match("^([^\t]+)\t?(.*)$")
        local headers = {}
        if etag ~= "" then
            headers["If-None-Match"] = etag
        end
        requests[#requests + 1] = wrk.format("GET", path, headers)
    end
    if mode == "seconds" then
        response = function(status)
            local key = os.time() .. " " .. status -- flat: wrk cannot copy nested tables between threads
            seconds[key] = (seconds[key] or 0) + 1
        end
    end
end

function request()
    local next_request = requests[index]
    index = index + 1
    if index > #requests then
        index = 1
        wrapped = wrapped + 1
    end
    return next_request
end

local function json_counts(counts)
    local parts = {}
    for key, value in pairs(counts) do
        parts[#parts + 1] = string.format('"%s": %d', tostring(key), value)
    end
    return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, _)
    local merged = {}
    local wraps = 0
    for _, thread in ipairs(threads) do
        wraps = wraps + (thread:get("wrapped") or 0)
        for key, n in pairs(thread:get("seconds") or {}) do
            local second, status = key:match("^(%d+) (%d+)$")
            merged[second] = merged[second] or {}
            merged[second][status] = (merged[second][status] or 0) + n
        end
    end
    local per_second = {}
    for second, counts in pairs(merged) do
        per_second[#per_second + 1] = string.format('"%s": %s', second, json_counts(counts))
    end
    local errors = summary.errors
    io.write(
        "LOADBENCH ",
        string.format(
            '{"duration_us": %d, "requests": %d, "bytes": %d, "latency_us": {"p50": %d, "p95": %d, "p99": %d, '
                .. '"mean": %.1f, "max": %d}, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, '
                .. '"timeout": %d}, "wrapped": %d, "per_second": {%s}}',
            summary.duration,
            summary.requests,
            summary.bytes,
            latency:percentile(50),
            latency:percentile(95),
            latency:percentile(99),
            latency.mean,
            latency.max,
            errors.connect,
            errors.read,
            errors.write,
            errors.status,
            errors.timeout,
            wraps,
            table.concat(per_second, ", ")
        ),
        "\n"
    )
end
