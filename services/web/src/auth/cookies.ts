/**
 * The session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (never sent by another site's
 * page, which is our CSRF defence together with JSON-only bodies), Path=/, and Secure behind https. With
 * Secure, the name takes the `__Host-` prefix, which browsers honour only for a Secure, host-only, Path=/
 * cookie: a sub-domain cannot plant one.
 */

export interface CookieSettings {
  /** Send Secure (https). False only for http://localhost. */
  secure: boolean;
  maxAgeSeconds: number;
}

export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-jisr_session" : "jisr_session";
}

export function sessionCookie(value: string, s: CookieSettings): string {
  const parts = [
    `${sessionCookieName(s.secure)}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${s.maxAgeSeconds}`,
  ];
  if (s.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", { secure, maxAgeSeconds: 0 });
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
