// The API client: JSON in and out; an error body becomes an Error with its code and message.
// Signed in, the session cookie goes with every request (same origin) and every write carries
// the session's CSRF value; a 401 asks the page to sign in again.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrf = null;
let onSignedOut = () => {};

/** Called when the server answers 401 (no session, or it ended). */
export function whenSignedOut(f) {
  onSignedOut = f;
}

export function setCsrf(value) {
  csrf = value || null;
}

async function call(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (method !== "GET" && method !== "HEAD") {
    if (csrf) headers["x-csrf-token"] = csrf;
    if (!headers["content-type"]) headers["x-borderwatch"] = "1";
  }
  const r = await fetch(path, { ...options, headers, credentials: "same-origin" });
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  if (!r.ok) {
    const e = body?.error || {};
    if (r.status === 401 && path !== "/api/session") onSignedOut();
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
  session: () => call("/api/session"),
  signIn: (name, password) =>
    call("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) }),
  signOut: () => call("/api/session", { method: "DELETE" }),
  audit: (params = {}) => call("/api/audit" + query(params)),
  users: () => call("/api/users"),
  addUser: (name, role) =>
    call("/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, role }) }),
  changeUser: (name, change) =>
    call(`/api/users/${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(change),
    }),
  health: () => call("/api/health"),
  places: () => call("/api/places"),
  corridors: (period, filters = {}) => call("/api/corridors" + query({ ...period, ...filters })),
  corridor: (id, period) => call(`/api/corridors/${encodeURIComponent(id)}` + query(period)),
  claims: (params) => call("/api/claims" + query(params)),
  claim: (id) => call(`/api/claims/${id}`),
  findings: (period) => call("/api/findings" + query(period)),
  // A viewer may not read a source's text: only its claims' quotes.
  source: (id, text = true) => call(`/api/sources/${id}${text ? "?text=true" : ""}`),
  screen: (body) =>
    call("/api/screen", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  extract: (body) =>
    call("/api/extract", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  reviews: (claimId) => call(`/api/claims/${claimId}/reviews`),
  review: (claimId, body) =>
    call(`/api/claims/${claimId}/reviews`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  addClaim: (sourceId, body) =>
    call(`/api/sources/${sourceId}/claims`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  vessels: () => call("/api/vessels"),
  vessel: (mmsi) => call(`/api/vessels/${encodeURIComponent(mmsi)}`),
  tracks: (params) => call("/api/tracks" + query(params)),
  queue: (limit = 100) => call("/api/reviews/queue" + query({ limit })),
  upload: (name, published, bytes) =>
    call("/api/sources" + query({ name, published }), {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    }),
};
