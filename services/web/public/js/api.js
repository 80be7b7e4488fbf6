/**
 * Calls to the page's own API (same origin, session cookie). A 401 anywhere means the session ended: the
 * app shows the login again. Errors keep the server's code, status and Retry-After.
 */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? "";
    this.retryAfter = retryAfter;
  }
}

let onUnauthorized = () => {};

/** What to do when the session has ended (show the login). */
export function whenLoggedOut(fn) {
  onUnauthorized = fn;
}

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new ApiError(res.status, data, Number(res.headers.get("retry-after") ?? 0));
    if (res.status === 401 && path !== "/api/v1/login") onUnauthorized();
    throw error;
  }
  return data;
}

export const api = {
  me: () => call("GET", "/api/v1/me"),
  login: (id, password) => call("POST", "/api/v1/login", { id, password }),
  logout: () => call("POST", "/api/v1/logout"),
  programme: () => call("GET", "/api/v1/programme/summary"),
  summary: (id) => call("GET", `/api/v1/institutions/${encodeURIComponent(id)}/summary`),
  alerts: (params) => call("GET", `/api/v1/alerts?${new URLSearchParams(params)}`),
  energy: (id, period, date) =>
    call(
      "GET",
      `/api/v1/institutions/${encodeURIComponent(id)}/energy?${new URLSearchParams({ period, date })}`,
    ),
  programmeEnergy: (period, date) =>
    call("GET", `/api/v1/programme/energy?${new URLSearchParams({ period, date })}`),
  periods: (institution) =>
    call("GET", `/api/v1/reports/periods?${new URLSearchParams(institution ? { institution } : {})}`),
  ack: (id, comment) => call("POST", `/api/v1/alerts/${encodeURIComponent(id)}/ack`, { comment }),
};

/** The report's download address (a plain link: the browser sends the session cookie). */
export function reportUrl(params) {
  return `/api/v1/reports?${new URLSearchParams(params)}`;
}
