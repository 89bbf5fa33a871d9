-- wrk script for bench/serve.sh: a mix of the map's and the corridor panel's requests against a
-- store of a million claims, paced so that the connections together send about the target rate.
-- Each connection waits `pause` ms between requests (set by bench/serve.sh through PAUSE_MS).
local paths = {
  "/api/corridors",
  "/api/corridors?direction=inbound",
  "/api/corridors?direction=inbound&status=prohibited",
  "/api/corridors?mode=rail&hs=84",
  "/api/corridors?since=2023-01-01&until=2023-12-31",
  "/api/corridors/dandong-sinuiju",
  "/api/corridors/quanhe-wonjong",
  "/api/claims?corridor=dandong-sinuiju&limit=25",
  "/api/claims?corridor=quanhe-wonjong&limit=25",
  "/api/claims?crossing=quanhe-wonjong&direction=inbound&hs=84&limit=50",
  "/api/claims?place=kp.sinuiju&kind=storage&limit=50",
  "/api/claims?hs=2701&since=2023-01-01&limit=50",
  "/api/claims?crossing=dandong-sinuiju&direction=outbound&limit=100",
  "/api/claims?corridor=changbai-hyesan&after=500000&limit=25",
}
local pause = tonumber(os.getenv("PAUSE_MS") or "100")
local i = 0

function init(args)
  -- Threads start at different points of the mix.
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function delay()
  return pause
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rate": %.1f, "errors": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, s, summary.requests / s,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
