// The API client: JSON in and out; an error body becomes an Error with its code and message.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path, options = {}) {
  const r = await fetch(path, options);
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  if (!r.ok) {
    const e = body?.error || {};
    throw new ApiError(r.status, e.code || "http-" + r.status, e.message || r.statusText);
  }
  return body;
}

const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
};

export const api = {
  health: () => call("/api/health"),
  places: () => call("/api/places"),
  corridors: (period, filters = {}) => call("/api/corridors" + query({ ...period, ...filters })),
  corridor: (id, period) => call(`/api/corridors/${encodeURIComponent(id)}` + query(period)),
  claims: (params) => call("/api/claims" + query(params)),
  claim: (id) => call(`/api/claims/${id}`),
  findings: (period) => call("/api/findings" + query(period)),
  source: (id) => call(`/api/sources/${id}?text=true`),
  screen: (body) =>
    call("/api/screen", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  extract: (body) =>
    call("/api/extract", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  reviews: (claimId) => call(`/api/claims/${claimId}/reviews`),
  review: (claimId, body) =>
    call(`/api/claims/${claimId}/reviews`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  addClaim: (sourceId, body) =>
    call(`/api/sources/${sourceId}/claims`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  queue: (limit = 100) => call("/api/reviews/queue" + query({ limit })),
  upload: (name, published, bytes) =>
    call("/api/sources" + query({ name, published }), {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    }),
};
