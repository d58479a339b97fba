#!/usr/bin/env node
// Differential oracle for the "handshake era" of @clerk/backend (pinned: 3.25.0).
//
// Reads JSON cases on stdin (an array, or an object with a `cases` array: the format of
// ../cases.json) and prints one JSON result per case, computed by the REAL npm
// package.  No network is used: every outbound fetch of the library goes through an injected
// fetch that answers for the fake Backend API (BAPI) of the case, records the call, and fails
// any other host with a transport error.
//
// Usage:
//   node oracle/run.mjs [--lib-dir DIR] [--only SUBSTRING] < cases.json > results.json   (from modern-auth/)
//
// Library location: --lib-dir, else $CLERK_BACKEND3_DIR, else /tmp/clerk-backend-3.25 (where setup.sh ran
// `npm install @clerk/backend@3.25.0`).
//
// Case fields (see ../README.md for the full glossary):
//   name            required, unique
//   now             unix SECONDS; Date.now() returns now*1000 during the case
//   options         authenticateRequest options.  The build-time subset (secretKey, publishableKey,
//                   jwtKey, machineSecretKey, apiUrl, apiVersion, proxyUrl, domain, isSatellite,
//                   audience) is also given to createClerkClient, which supplies the apiClient.
//                   apiUrl defaults to https://api.clerk.test (served by the fake BAPI).
//                   Special value: jwtKey "$fixture_spki" -> the fixture public key (single-line SPKI).
//   request         { method, url, headers: [[name, value], ...], cookies: [[name, value], ...] }
//                   cookies become ONE `cookie` header "n=v; n=v" (in order), appended after headers.
//   bapi            { jwks: "$fixture" | "$empty" | {status, body}, routes: [ {method, path, status,
//                   body, contentType, transportError} ] }   (paths match the URL pathname exactly)
//   probe           { has: [params...], toAuthPending: bool }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Determinism: UTC dates, no platform auto-proxy, no env-derived keys.
process.env.TZ = 'UTC';
for (const k of Object.keys(process.env)) {
  if (k.startsWith('VERCEL') || k.startsWith('CLERK_') || k.startsWith('NEXT_PUBLIC_CLERK')) delete process.env[k];
}
process.env.CLERK_TELEMETRY_DISABLED = '1';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const argVal = (flag, dflt) => {
  const i = args.indexOf(flag);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const LIB_DIR = argVal('--lib-dir', null) || process.env.CLERK_BACKEND3_DIR || '/tmp/clerk-backend-3.25';
const ONLY = argVal('--only', null);
const DEFAULT_API_URL = 'https://api.clerk.test';

const fixtures = JSON.parse(readFileSync(path.join(here, '..', 'fixture-keys.json'), 'utf8'));
const SPECIAL_OPTION_VALUES = {
  $fixture_spki: fixtures.oracle.jwt_key_spki_base64_single_line,
  $fixture_pem: fixtures.oracle.public_spki_pem,
};
const JWKS = {
  $fixture: fixtures.oracle.jwks,
  $empty: { keys: [] },
};

// ------------------------------------------------------------------ injected fetch (fake BAPI)
let currentCase = null; // { apiUrl, bapi, requests }
function headerObject(h) {
  if (!h) return {};
  if (typeof h.forEach === 'function' && !Array.isArray(h)) {
    const o = {};
    h.forEach((v, k) => (o[k.toLowerCase()] = v));
    return o;
  }
  if (Array.isArray(h)) return Object.fromEntries(h.map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
function jsonResponse(status, body, contentType = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers: { 'content-type': contentType } });
}
async function fakeFetch(input, init = {}) {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase();
  const h = headerObject(init.headers || (typeof input === 'object' && input.headers));
  let body = null;
  if (typeof init.body === 'string') {
    try {
      body = JSON.parse(init.body);
    } catch {
      body = init.body;
    }
  }
  const rec = {
    method,
    url,
    headers: {
      authorization: h['authorization'] ?? null,
      'clerk-api-version': h['clerk-api-version'] ?? null,
      'content-type': h['content-type'] ?? null,
      'user-agent': h['user-agent'] ?? null,
    },
    body,
  };
  const cs = currentCase;
  if (!cs) throw new TypeError('fetch failed (no case running)');
  cs.requests.push(rec);
  const api = new URL(cs.apiUrl);
  const u = new URL(url);
  if (u.origin !== api.origin) {
    rec.outcome = 'transport-error';
    throw new TypeError('fetch failed');
  }
  const b = cs.bapi || {};
  for (const r of b.routes || []) {
    if ((r.method || 'GET').toUpperCase() === method && r.path === u.pathname) {
      rec.outcome = r.status ?? 200;
      if (r.transportError) {
        rec.outcome = 'transport-error';
        throw new TypeError('fetch failed');
      }
      return jsonResponse(r.status ?? 200, r.body ?? {}, r.contentType);
    }
  }
  if (method === 'GET' && u.pathname.endsWith('/jwks')) {
    let j = b.jwks ?? '$fixture';
    let status = 200;
    let jbody = j;
    if (typeof j === 'string') jbody = JWKS[j];
    else if (j && typeof j === 'object' && 'status' in j) {
      status = j.status;
      jbody = typeof j.body === 'string' && j.body in JWKS ? JWKS[j.body] : j.body;
    }
    rec.outcome = status;
    return jsonResponse(status, jbody);
  }
  rec.outcome = 404;
  return jsonResponse(404, {
    errors: [{ code: 'resource_not_found', message: 'not found', long_message: 'oracle fake BAPI: no route', meta: {} }],
  });
}
globalThis.fetch = fakeFetch; // must be in place before the library binds it

// ------------------------------------------------------------------ fresh library per case
const req = createRequire(path.join(LIB_DIR, 'package.json'));
const clerkDir = path.dirname(path.dirname(req.resolve('@clerk/backend'))); // .../node_modules/@clerk/backend
const nmDir = path.dirname(path.dirname(clerkDir)); // .../node_modules
function freshLib() {
  for (const k of Object.keys(req.cache)) if (k.startsWith(nmDir)) delete req.cache[k];
  return req('@clerk/backend');
}
const LIB_VERSION = JSON.parse(readFileSync(path.join(clerkDir, 'package.json'), 'utf8')).version;
const SHARED_VERSION = JSON.parse(
  readFileSync(createRequire(path.join(clerkDir, 'package.json')).resolve('@clerk/shared/package.json'), 'utf8'),
).version;

// ------------------------------------------------------------------ helpers
const realNow = Date.now;
function resolveOptions(o = {}) {
  const out = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'string' && v in SPECIAL_OPTION_VALUES ? SPECIAL_OPTION_VALUES[v] : v;
  if (!('apiUrl' in out)) out.apiUrl = DEFAULT_API_URL;
  return out;
}
const BUILD_TIME_KEYS = [
  'secretKey',
  'publishableKey',
  'jwtKey',
  'machineSecretKey',
  'apiUrl',
  'apiVersion',
  'proxyUrl',
  'domain',
  'isSatellite',
  'audience',
];
function buildRequest(r) {
  const headers = new Headers();
  for (const [k, v] of r.headers || []) headers.append(k, v);
  if (r.cookies && r.cookies.length) headers.append('cookie', r.cookies.map(([k, v]) => `${k}=${v}`).join('; '));
  return new Request(r.url, { method: r.method || 'GET', headers });
}
function textOf(a) {
  if (typeof a === 'string') return a;
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  try {
    return JSON.stringify(a);
  } catch {
    return String(a);
  }
}
function plain(obj) {
  if (obj === null || obj === undefined) return obj ?? null;
  const o = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'function') continue;
    o[k] = v === undefined ? null : JSON.parse(JSON.stringify(v ?? null));
  }
  return o;
}
function headerList(h) {
  const out = [];
  h.forEach((v, k) => {
    if (k !== 'set-cookie') out.push([k, v]);
  });
  for (const c of h.getSetCookie()) out.push(['set-cookie', c]);
  return out;
}
function parseLocation(loc) {
  if (!loc) return null;
  try {
    const u = new URL(loc);
    return { base: `${u.origin}${u.pathname}`, query: [...u.searchParams.entries()] };
  } catch {
    return { raw: loc };
  }
}

async function runCase(cs) {
  const options = resolveOptions(cs.options);
  currentCase = { apiUrl: options.apiUrl, bapi: cs.bapi || {}, requests: [] };
  const logs = [];
  const saved = {};
  for (const lvl of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[lvl] = console[lvl];
    console[lvl] = (...a) => logs.push({ level: lvl, text: a.map(textOf).join(' ') });
  }
  if (typeof cs.now === 'number') Date.now = () => cs.now * 1000;
  const out = { name: cs.name };
  try {
    const lib = freshLib();
    const buildTime = { telemetry: { disabled: true } };
    for (const k of BUILD_TIME_KEYS) if (k in options) buildTime[k] = options[k];
    const client = lib.createClerkClient(buildTime);
    const request = buildRequest(cs.request);
    let state;
    try {
      state = await client.authenticateRequest(request, options);
    } catch (e) {
      out.outcome = 'exception';
      out.error = { name: e?.constructor?.name ?? typeof e, message: e?.message ?? String(e) };
      return out;
    }
    out.outcome = 'state';
    out.status = state.status;
    out.reason = state.reason;
    out.message = state.message;
    out.tokenType = state.tokenType;
    out.isAuthenticated = state.isAuthenticated;
    out.token = state.token;
    out.echo = {
      publishableKey: state.publishableKey,
      proxyUrl: state.proxyUrl ?? null,
      domain: state.domain,
      isSatellite: state.isSatellite,
      signInUrl: state.signInUrl,
      signUpUrl: state.signUpUrl,
      afterSignInUrl: state.afterSignInUrl,
      afterSignUpUrl: state.afterSignUpUrl,
    };
    out.headers = headerList(state.headers);
    out.location = parseLocation(state.headers.get('location'));
    let auth = null;
    let authErr = null;
    try {
      auth = state.toAuth();
    } catch (e) {
      authErr = `${e?.name}: ${e?.message}`;
    }
    out.toAuth = authErr ? { error: authErr } : plain(auth);
    if (auth && typeof auth.getToken === 'function') {
      const t = await auth.getToken();
      out.getToken = t === null ? null : t === state.token ? '$state.token' : t;
    }
    if (cs.probe?.has && auth && typeof auth.has === 'function') {
      out.has = cs.probe.has.map(p => {
        try {
          return [p, auth.has(p)];
        } catch (e) {
          return [p, `throws ${e?.message}`];
        }
      });
    }
    if (cs.probe?.toAuthPending) {
      try {
        out.toAuthPendingAllowed = plain(state.toAuth({ treatPendingAsSignedOut: false }));
      } catch (e) {
        out.toAuthPendingAllowed = { error: `${e?.name}: ${e?.message}` };
      }
    }
    return out;
  } finally {
    out.requests = currentCase.requests;
    out.logs = logs;
    Date.now = realNow;
    for (const lvl of Object.keys(saved)) console[lvl] = saved[lvl];
    currentCase = null;
  }
}

async function main() {
  let cases = JSON.parse(readFileSync(0, 'utf8'));
  if (!Array.isArray(cases)) cases = cases.cases || [];
  const results = [];
  for (const cs of cases) {
    if (ONLY && !cs.name.includes(ONLY)) continue;
    results.push(await runCase(cs));
  }
  const text =
    JSON.stringify(
      { lib: `@clerk/backend@${LIB_VERSION}`, shared: `@clerk/shared@${SHARED_VERSION}`, results },
      null,
      2,
    ) + '\n';
  // Exit only once stdout has taken everything: a pipe would otherwise be cut short.
  await new Promise(resolve => process.stdout.write(text, resolve));
}

main()
  .catch(e => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    // the output is flushed; do not let any library timer keep the process alive
    process.exit(process.exitCode || 0);
  });
