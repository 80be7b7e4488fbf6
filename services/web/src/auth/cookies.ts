/**
 * The session cookie, written and read by @fastify/cookie: HttpOnly (scripts cannot read it),
 * SameSite=Strict (never sent by another site's page, which is our CSRF defence together with JSON-only
 * bodies), Path=/, and Secure behind https. With Secure, the name takes the `__Host-` prefix, which
 * browsers honour only for a Secure, host-only, Path=/ cookie: a sub-domain cannot plant one. Not signed:
 * the value is 256 random bits looked up on the server (auth/sessions.ts), a signature would add nothing.
 */
import type { CookieSerializeOptions } from "@fastify/cookie";

export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-jisr_session" : "jisr_session";
}

export function sessionCookieOptions(secure: boolean, maxAgeSeconds: number): CookieSerializeOptions {
  return { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge: maxAgeSeconds };
}
