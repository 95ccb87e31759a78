-- wrk script of `make bench`: sends the session cookie (BENCH_COOKIE) and prints one line
-- "BENCH {json}" with requests per second, median and 95th percentile (ms) and errors.
local cookie = os.getenv("BENCH_COOKIE") or ""
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
wrk.headers["Accept-Language"] = "it"

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH {"rps": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, "requests": %d, "errors": %d}\n',
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests, errors))
end
