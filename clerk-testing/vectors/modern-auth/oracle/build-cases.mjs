#!/usr/bin/env node
// Builds cases.json for run.mjs: authenticateRequest cases for @clerk/backend 3.25.0.
// Every token is signed here with the oracle fixture key (fixture-keys.json), so each
// case holds literal strings a Rust test can replay.  RS256 (PKCS#1 v1.5) is deterministic:
// running this script twice writes the same file.
//
//   node oracle/build-cases.mjs     -> writes ../cases.json (modern-auth/cases.json)
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(path.join(here, '..', 'fixture-keys.json'), 'utf8'));
const priv = createPrivateKey(fx.oracle.private_pkcs8_pem);
const b64u = b => Buffer.from(b).toString('base64url');

const CAT_SESSION = 'cl_B7d4PD111AAA';
const CAT_TEMPLATE = 'cl_B7d4PD222AAA';
const CAT_M2M = 'cl_B7d4PD333AAA';

function signJwt(payload, header = {}) {
  const h = { alg: 'RS256', kid: fx.oracle.kid, typ: 'JWT', ...header };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  const signingInput = `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(payload))}`;
  const hash = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' }[h.alg] || 'sha256';
  return `${signingInput}.${b64u(sign(hash, Buffer.from(signingInput), priv))}`;
}

// ------------------------------------------------------------------ instances
const NOW = 1700000000; // 2023-11-14T22:13:20Z
const pk = (prefix, fapi) => `${prefix}${Buffer.from(`${fapi}$`).toString('base64').replace(/=+$/, '')}`;
const suffixOf = key =>
  createHash('sha1').update(key).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').substring(0, 8);

const PROD_FAPI = 'clerk.example.com';
const PK_LIVE = pk('pk_live_', PROD_FAPI);
const SK_LIVE = 'sk_live_oracle_prod_secret';
const SFX_LIVE = suffixOf(PK_LIVE);
const DEV_FAPI = 'foo-bar-13.clerk.accounts.dev';
const PK_TEST = pk('pk_test_', DEV_FAPI);
const SK_TEST = 'sk_test_oracle_dev_secret';
const SFX_TEST = suffixOf(PK_TEST);
const PROD = { secretKey: SK_LIVE, publishableKey: PK_LIVE };
const DEV = { secretKey: SK_TEST, publishableKey: PK_TEST };
const MACHINE_SECRET = 'ak_machine_secret_oracle';

// ------------------------------------------------------------------ tokens
const sess = (over = {}, hdr = {}) => {
  const p = {
    azp: 'https://example.com',
    exp: NOW + 50,
    iat: NOW - 10,
    iss: `https://${PROD_FAPI}`,
    nbf: NOW - 20,
    sid: 'sess_1',
    sub: 'user_1',
    ...over,
  };
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return signJwt(p, { cat: CAT_SESSION, ...hdr });
};
const devSess = (over = {}, hdr = {}) =>
  sess({ azp: 'http://localhost:3000', iss: `https://${DEV_FAPI}`, ...over }, hdr);
const T = {
  prod: sess(),
  prodV1Org: sess({
    org_id: 'org_1',
    org_role: 'org:admin',
    org_slug: 'acme',
    org_permissions: ['org:sys_memberships:manage'],
    act: { sub: 'user_admin' },
  }),
  prodV2: sess({
    v: 2,
    o: { id: 'org_2', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,2' },
    fea: 'o:dashboard,o:reports,u:profile',
    pla: 'u:free,o:pro',
    fva: [5, -1],
    sts: 'active',
  }),
  prodV2BadFea: sess({ v: 2, o: { id: 'org_2', slg: 'acme', rol: 'admin' }, fea: 'dashboard' }),
  prodPending: sess({ sts: 'pending' }),
  prodExpired: sess({ iat: NOW - 120, nbf: NOW - 130, exp: NOW - 60 }),
  prodNbfFuture: sess({ nbf: NOW + 60 }),
  prodIatFuture: sess({ iat: NOW + 60, nbf: undefined }),
  prodOldIat: sess({ iat: NOW - 100, nbf: NOW - 110 }),
  prodNoAzp: sess({ azp: undefined }),
  prodTemplate: sess({ sid: undefined }, { cat: CAT_TEMPLATE }),
  prodUnknownKid: sess({}, { kid: 'ins_unknown_kid' }),
  prodRS384: sess({}, { alg: 'RS384' }),
  prodHS256Header: sess({}, { alg: 'HS256' }),
  prodRefreshed: sess({ iat: NOW - 1, nbf: NOW - 11, exp: NOW + 59 }),
  otherInstance: sess({ iss: 'https://clerk.other-app.com', sub: 'user_other', sid: 'sess_other' }),
  satellite: sess({ iss: 'https://clerk.satellite.example.org', azp: 'https://satellite.example.org' }),
  dev: devSess(),
  devExpired: devSess({ iat: NOW - 120, nbf: NOW - 130, exp: NOW - 60 }),
  m2mJwt: signJwt(
    {
      exp: NOW + 3600,
      iat: NOW - 10,
      iss: `https://${PROD_FAPI}`,
      jti: 'mt_jwt_1',
      nbf: NOW - 20,
      scopes: 'mch_2 mch_3',
      sub: 'mch_1',
      tenant: 't1',
    },
    { cat: CAT_M2M },
  ),
  oauthJwt: signJwt(
    {
      aud: 'https://api.example.com',
      client_id: 'oauthapp_1',
      exp: NOW + 3600,
      iat: NOW - 10,
      iss: `https://${PROD_FAPI}`,
      jti: 'oat_jwt_1',
      nbf: NOW - 20,
      scope: 'openid profile',
      sub: 'user_1',
    },
    { typ: 'at+jwt' },
  ),
};
// a valid prod token whose signature belongs to another payload
T.prodBadSig = (() => {
  const [h] = T.prod.split('.');
  const p = JSON.parse(Buffer.from(T.prod.split('.')[1], 'base64url').toString());
  p.sub = 'user_attacker';
  return `${h}.${b64u(JSON.stringify(p))}.${T.prod.split('.')[2]}`;
})();
const hs = directives => signJwt({ handshake: directives }, { cat: CAT_SESSION });
const HS = {
  devOk: hs([
    `__session=${T.dev}; Path=/; SameSite=Lax`,
    `__client_uat=${NOW - 30}; Path=/; SameSite=Lax`,
    `__clerk_handshake=; Path=/; Max-Age=0`,
  ]),
  devExpired: hs([`__session=${T.devExpired}; Path=/`, `__client_uat=${NOW - 130}; Path=/`]),
  prodSignedOut: hs([
    `__session=; Path=/; Max-Age=0`,
    `__client_uat=0; Path=/; Domain=example.com; Max-Age=315360000`,
    `__clerk_handshake=; Path=/; Domain=example.com; Max-Age=0`,
  ]),
};
HS.devBadSig = (() => {
  const parts = HS.devOk.split('.');
  return `${parts[0]}.${b64u(JSON.stringify({ handshake: ['__session=forged; Path=/'] }))}.${parts[2]}`;
})();

// ------------------------------------------------------------------ BAPI bodies
const BAPI = {
  apiKey: {
    object: 'api_key',
    id: 'ak_id_1',
    type: 'api_key',
    name: 'CI key',
    subject: 'user_1',
    scopes: ['read:orders'],
    claims: { team: 'blue' },
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    created_by: 'user_1',
    description: null,
    last_used_at: null,
    created_at: 1699990000000,
    updated_at: 1699990000000,
  },
  m2m: {
    object: 'machine_to_machine_token',
    id: 'mt_id_1',
    subject: 'mch_1',
    scopes: ['mch_2'],
    claims: { role: 'worker' },
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    created_at: 1699990000000,
    updated_at: 1699990000000,
  },
  oauth: {
    object: 'clerk_idp_oauth_access_token',
    id: 'oat_id_1',
    client_id: 'oauthapp_1',
    type: 'oauth_token',
    subject: 'user_1',
    scopes: ['openid', 'profile'],
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: 1700003600000,
    created_at: 1699990000000,
    updated_at: 1699990000000,
    aud: ['https://api.example.com'],
  },
  notFound: { errors: [{ code: 'resource_not_found', message: 'not found', long_message: 'not found', meta: {} }] },
  unauthorized: {
    errors: [{ code: 'authentication_invalid', message: 'Unauthorized request', long_message: 'bad key', meta: {} }],
  },
};

// ------------------------------------------------------------------ request helpers
const DOC = [
  ['accept', 'text/html,application/xhtml+xml'],
  ['sec-fetch-dest', 'document'],
  ['user-agent', 'Mozilla/5.0 (oracle)'],
];
const API = [
  ['accept', 'application/json'],
  ['user-agent', 'curl/8.0'],
];
const get = (url, headers = DOC, cookies = []) => ({ method: 'GET', url, headers, cookies });
const bearer = t => ['authorization', `Bearer ${t}`];
const PROD_URL = 'https://example.com/dashboard';
const DEV_URL = 'http://localhost:3000/dashboard';
const uat = n => ['__client_uat', String(n)];

const HAS_PROBES = [
  { role: 'org:admin' },
  { role: 'admin' },
  { permission: 'org:dashboard:read' },
  { permission: 'org:reports:read' },
  { feature: 'dashboard' },
  { feature: 'u:profile' },
  { feature: 'o:profile' },
  { plan: 'pro' },
  { plan: 'u:pro' },
  { reverification: 'strict' },
  { reverification: { level: 'multi_factor', afterMinutes: 3 } },
  { role: 'org:admin', feature: 'dashboard' },
  {},
];

// ------------------------------------------------------------------ cases
const C = [];
const add = (name, about, c) => C.push({ name, about, now: NOW, ...c });

// --- session token in the Authorization header
add('H01-header-valid', 'Valid session JWT in Authorization: Bearer; signed-in, one JWKS fetch.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodV1Org)]),
});
add('H02-header-expired-api', 'Expired header token on an API request: not handshake-eligible, signed-out with the composite reason.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodExpired)]),
});
add('H03-header-expired-document', 'Expired header token on a document GET: handshake (header tokens can trigger it too).', {
  options: PROD,
  request: get(PROD_URL, [...DOC, bearer(T.prodExpired)]),
});
add('H04-header-bad-signature', 'Tampered payload: token-invalid-signature (checked before claims).', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodBadSig)]),
});
add('H05-header-not-a-jwt', 'Bearer with a non-JWT: decode error, token-invalid, carrier header.', {
  options: PROD,
  request: get(PROD_URL, [...API, ['authorization', 'Bearer not-a-jwt']]),
});
add('H06-header-basic-scheme', 'A non-Bearer scheme is ignored: cookie path, no cookies, production.', {
  options: PROD,
  request: get(PROD_URL, [...API, ['authorization', 'Basic dXNlcjpwYXNz']]),
});
add('H07-header-template-category', 'JWT-template category (cat) in the header: token-type-mismatch, no JWKS fetch.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodTemplate)]),
});
add('H08-header-oauth-jwt-as-session', 'An OAuth access-token JWT (typ at+jwt) where a session token is expected: token-type-mismatch.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.oauthJwt)]),
});
add('H09-header-unknown-kid', 'kid not in the JWKS: jwk-kid-mismatch.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodUnknownKid)]),
});
add('H10-header-azp-missing-with-authorized-parties', 'authorizedParties configured and the token has no azp: rejected (3.x tightening).', {
  options: { ...PROD, authorizedParties: ['https://example.com'] },
  request: get(PROD_URL, [...API, bearer(T.prodNoAzp)]),
});
add('H11-header-issuer-option-mismatch', 'Explicit issuer option that the token does not match.', {
  options: { ...PROD, issuer: 'https://clerk.other.com' },
  request: get(PROD_URL, [...API, bearer(T.prod)]),
});
add('H12-header-pending-session', 'sts=pending: status signed-in, but toAuth() is signed-out unless treatPendingAsSignedOut=false.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodPending)]),
  probe: { toAuthPending: true },
});
add('H13-header-v2-claims-has', 'Version-2 claims: org from o.*, permissions from fea/fpm, plans, fva; has() probes.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodV2)]),
  probe: { has: HAS_PROBES },
});
add('H14-header-jwks-empty', 'JWKS with no keys: jwk-remote-failed-to-load.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prod)]),
  bapi: { jwks: '$empty' },
});
add('H15-header-jwks-invalid-secret', 'JWKS 401 with clerk_key_invalid: secret-key-invalid after 5 attempts.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prod)]),
  bapi: {
    jwks: {
      status: 401,
      body: { errors: [{ code: 'clerk_key_invalid', message: 'Secret key is invalid', long_message: 'x', meta: {} }] },
    },
  },
});
add('H16-header-networkless-jwtkey', 'jwtKey (PEM/SPKI) given: no outbound request at all.', {
  options: { ...PROD, jwtKey: '$fixture_spki' },
  request: get(PROD_URL, [...API, bearer(T.prod)]),
});
add('H18-header-lowercase-bearer', 'Scheme match is case-sensitive: "bearer <jwt>" is ignored, cookie path.', {
  options: PROD,
  request: get(PROD_URL, [...API, ['authorization', `bearer ${T.prod}`]]),
});
add('H19-header-wins-over-handshake-param', 'A header token is verified even when __clerk_handshake is in the query (no resolution).', {
  options: PROD,
  request: get(`${PROD_URL}?__clerk_handshake=${HS.prodSignedOut}`, [...API, bearer(T.prod)]),
});
add('H20-header-undecodable-segments', 'Three dot-separated parts that are not base64url JSON: token-invalid, "could not be decoded".', {
  options: PROD,
  request: get(PROD_URL, [...API, ['authorization', 'Bearer a.b.c']]),
});
add('H21-header-rs384-vs-rs256-jwk', 'RS384 token against a JWK whose alg is RS256: key import fails, token-verification-failed.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodRS384)]),
});
add('H22-header-hs256', 'alg HS256 in the header: token-invalid-algorithm, before any key is used (JWKS still fetched first).', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodHS256Header)]),
});
add('H23-header-v2-bad-fea', 'v2 claims with an org and a malformed fea on the header path: signed-in, but toAuth() throws (contrast C28).', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer(T.prodV2BadFea)]),
});
add('H17-header-bearer-double-space', 'Authorization "Bearer  <jwt>" (two spaces): the token parsed is the word Bearer.', {
  options: PROD,
  request: get(PROD_URL, [...API, ['authorization', `Bearer  ${T.prod}`]]),
});

// --- cookie path, production instance
add('C01-prod-no-cookies', 'No session, no client_uat: signed-out session-token-and-uat-missing, no handshake.', {
  options: PROD,
  request: get(PROD_URL),
});
add('C02-prod-uat-zero', 'client_uat=0 and no session: same outcome as no cookies (0 counts as absent).', {
  options: PROD,
  request: get(PROD_URL, DOC, [uat(0)]),
});
add('C03-prod-uat-no-session-document', 'client_uat>0, no session, document GET: handshake to FAPI.', {
  options: PROD,
  request: get(PROD_URL + '?tab=1', DOC, [uat(NOW - 30)]),
});
add('C04-prod-uat-no-session-api', 'Same state on an API request: signed-out with the handshake reason.', {
  options: PROD,
  request: get(PROD_URL, API, [uat(NOW - 30)]),
});
add('C05-prod-uat-no-session-post-document', 'POST with sec-fetch-dest: document is not eligible: signed-out.', {
  options: PROD,
  request: { method: 'POST', url: PROD_URL, headers: DOC, cookies: [uat(NOW - 30)] },
});
add('C06-prod-uat-no-session-accept-html', 'No sec-fetch-dest but Accept starts with text/html: eligible.', {
  options: PROD,
  request: get(PROD_URL, [['accept', 'text/html'], ['user-agent', 'Mozilla/5.0']], [uat(NOW - 30)]),
});
add('C07-prod-uat-no-session-iframe', 'sec-fetch-dest: iframe is eligible.', {
  options: PROD,
  request: get(PROD_URL, [['sec-fetch-dest', 'iframe']], [uat(NOW - 30)]),
});
add('C08-prod-session-no-uat', 'Session cookie without client_uat: handshake session-token-but-no-client-uat (session passed along).', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prod]]),
});
add('C09-prod-cookie-valid', 'Valid session cookie and client_uat <= iat: signed-in.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodV1Org], uat(NOW - 30)]),
});
add('C10-prod-cookie-iat-before-uat', 'iat < client_uat: handshake session-token-iat-before-client-uat (decided before verification).', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodOldIat], uat(NOW - 50)]),
});
add('C11-prod-cookie-expired-document', 'Expired cookie token, no refresh cookie, document: handshake with composite reason.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodExpired], uat(NOW - 130)]),
});
add('C12-prod-cookie-nbf-future', 'nbf in the future: handshake session-token-nbf.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodNbfFuture], uat(NOW - 30)]),
});
add('C13-prod-cookie-iat-future', 'iat in the future (no nbf): handshake session-token-iat-in-the-future.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodIatFuture], uat(NOW - 30)]),
});
add('C14-prod-cookie-malformed', 'Session cookie that is not a JWT: signed-out token-invalid, carrier cookie.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', 'garbage'], uat(NOW - 30)]),
});
add('C15-prod-cookie-m2m-jwt', 'An M2M JWT in __session: token-type-mismatch.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.m2mJwt], uat(NOW - 30)]),
});
add('C16-prod-refresh-success', 'Expired cookie + __refresh_<suffix> on GET: BAPI refresh, signed-in with Set-Cookie.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodExpired], uat(NOW - 130), [`__refresh_${SFX_LIVE}`, 'rt_1']]),
  bapi: {
    routes: [
      {
        method: 'POST',
        path: '/v1/sessions/sess_1/refresh',
        status: 200,
        body: {
          object: 'cookies',
          cookies: [
            `__session=${T.prodRefreshed}; Path=/; SameSite=Lax`,
            `__client_uat=${NOW - 1}; Path=/; Domain=example.com; SameSite=Strict`,
          ],
        },
      },
    ],
  },
});
add('C17-prod-refresh-bapi-error', 'Refresh rejected by BAPI (422 code): handshake, the code goes into the reason.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodExpired], uat(NOW - 130), [`__refresh_${SFX_LIVE}`, 'rt_bad']]),
  bapi: {
    routes: [
      {
        method: 'POST',
        path: '/v1/sessions/sess_1/refresh',
        status: 422,
        body: { errors: [{ code: 'refresh_token_invalid', message: 'invalid', long_message: 'invalid', meta: {} }] },
      },
    ],
  },
});
add('C31-prod-refresh-cookie-post', 'Expired cookie + refresh cookie on POST: no refresh, not eligible for handshake: signed-out non-eligible-non-get.', {
  options: PROD,
  request: { method: 'POST', url: PROD_URL, headers: DOC, cookies: [['__session', T.prodExpired], uat(NOW - 130), [`__refresh_${SFX_LIVE}`, 'rt_1']] },
});
add('C18-prod-redirect-loop', '__clerk_redirect_count=3: loop detected, signed-out, message logged.', {
  options: PROD,
  request: get(PROD_URL, DOC, [uat(NOW - 30), ['__clerk_redirect_count', '3']]),
});
add('C19-prod-redirect-count-1', 'Counter 1: handshake, counter cookie set to 2.', {
  options: PROD,
  request: get(PROD_URL, DOC, [uat(NOW - 30), ['__clerk_redirect_count', '1']]),
});
add('C20-prod-redirect-count-5', 'Counter 5 is not equal to 3: handshake again (the loop test is an equality).', {
  options: PROD,
  request: get(PROD_URL, DOC, [uat(NOW - 30), ['__clerk_redirect_count', '5']]),
});
add('C21-prod-suffixed-preferred', 'Unsuffixed cookie of another instance + suffixed cookies of this one: suffixed win.', {
  options: PROD,
  request: get(PROD_URL, DOC, [
    ['__session', T.otherInstance],
    uat(NOW - 5),
    [`__session_${SFX_LIVE}`, T.prod],
    [`__client_uat_${SFX_LIVE}`, String(NOW - 30)],
  ]),
});
add('C22-prod-suffixed-handshake', 'Only a suffixed client_uat: handshake with suffixed_cookies=true.', {
  options: PROD,
  request: get(PROD_URL, DOC, [[`__client_uat_${SFX_LIVE}`, String(NOW - 30)]]),
});
add('C23-prod-cross-origin-referrer', 'Primary, valid cookie, document GET from a foreign referrer: handshake primary-domain-cross-origin-sync.', {
  options: PROD,
  request: get(PROD_URL, [...DOC, ['referer', 'https://satellite.example.org/page']], [['__session', T.prod], uat(NOW - 30)]),
});
add('C24-prod-accounts-referrer', 'Referrer is the instance accounts portal: no forced handshake, signed-in.', {
  options: PROD,
  request: get(PROD_URL, [...DOC, ['referer', 'https://accounts.example.com/sign-in']], [['__session', T.prod], uat(NOW - 30)]),
});
add('C25-prod-org-sync-mismatch', 'organizationSyncOptions: URL names org slug globex, token has acme: handshake with organization_id.', {
  options: { ...PROD, organizationSyncOptions: { organizationPatterns: ['/orgs/:slug', '/orgs/:slug/(.*)'], personalAccountPatterns: ['/me', '/me/(.*)'] } },
  request: get('https://example.com/orgs/globex/settings', DOC, [['__session', T.prodV1Org], uat(NOW - 30)]),
});
add('C26-prod-org-sync-personal', 'Personal-account pattern while an org is active: handshake with empty organization_id.', {
  options: { ...PROD, organizationSyncOptions: { organizationPatterns: ['/orgs/:slug', '/orgs/:slug/(.*)'], personalAccountPatterns: ['/me', '/me/(.*)'] } },
  request: get('https://example.com/me', DOC, [['__session', T.prodV1Org], uat(NOW - 30)]),
});
add('C27-prod-org-sync-counter-3', 'Org mismatch with redirect counter >= 3: activation skipped, signed-in, warning.', {
  options: { ...PROD, organizationSyncOptions: { organizationPatterns: ['/orgs/:slug'] } },
  request: get('https://example.com/orgs/globex', DOC, [['__session', T.prodV1Org], uat(NOW - 30), ['__clerk_redirect_count', '3']]),
});
add('C28-prod-v2-bad-fea-cookie', 'v2 claims with an org and a malformed fea: toAuth throws inside the cookie path -> unexpected-error.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__session', T.prodV2BadFea], uat(NOW - 30)]),
});
add('C29-prod-proxy-url', 'proxyUrl set: the handshake goes to <proxyUrl>/v1/client/handshake.', {
  options: { ...PROD, proxyUrl: 'https://example.com/__clerk' },
  request: get(PROD_URL, DOC, [uat(NOW - 30)]),
});
add('C30-prod-relative-proxy-forwarded', 'Relative proxyUrl resolved against the forwarded origin; redirect_url uses it too.', {
  options: { ...PROD, proxyUrl: '/__clerk' },
  request: get('http://localhost:3000/page?x=1', [...DOC, ['x-forwarded-host', 'app.example.com'], ['x-forwarded-proto', 'https']], [uat(NOW - 30)]),
});

// --- handshake resolution
add('N01-prod-handshake-nonce', '__clerk_handshake_nonce: BAPI handshake_payload, Set-Cookie directives, signed-in, no Location in production.', {
  options: PROD,
  request: get(PROD_URL + '?__clerk_handshake_nonce=nonce_1', DOC, []),
  bapi: {
    routes: [
      {
        method: 'GET',
        path: '/v1/clients/handshake_payload',
        status: 200,
        body: { directives: [`__session=${T.prod}; Path=/; SameSite=Lax`, `__client_uat=${NOW - 30}; Path=/; SameSite=Strict`] },
      },
    ],
  },
});
add('N02-prod-handshake-nonce-bapi-404', 'Nonce unknown to BAPI: error logged, no cookies, signed-out session-token-missing.', {
  options: PROD,
  request: get(PROD_URL + '?__clerk_handshake_nonce=nonce_gone', DOC, []),
});
add('N03-prod-handshake-cookie-signed-out', '__clerk_handshake cookie whose directives clear the session: signed-out session-token-missing with Set-Cookie.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__clerk_handshake', HS.prodSignedOut]]),
});
add('N04-dev-handshake-query', 'Dev: __clerk_handshake in the query: signed-in, Set-Cookie, Location without handshake params.', {
  options: DEV,
  request: get(`http://localhost:3000/page?__clerk_handshake=${HS.devOk}&__clerk_db_jwt=dvb_1&keep=1`, DOC, []),
});
add('N07-prod-handshake-expired-session', 'Prod handshake whose session token is expired: error logged, directives dropped, normal cookie rules continue.', {
  options: PROD,
  request: get(PROD_URL, DOC, [['__clerk_handshake', hs([`__session=${T.prodExpired}; Path=/`, `__client_uat=${NOW - 130}; Path=/`])], uat(NOW - 30)]),
});
add('N05-dev-handshake-bad-signature', 'Dev: handshake token with a bad signature: authenticateRequest rejects.', {
  options: DEV,
  request: get(`http://localhost:3000/page?__clerk_handshake=${HS.devBadSig}`, DOC, []),
});
add('N06-dev-handshake-expired-session-skew-retry', 'Dev: handshake session token expired: logged, re-verified with 1 day of skew, signed-in.', {
  options: DEV,
  request: get(`http://localhost:3000/page?__clerk_handshake=${HS.devExpired}`, DOC, []),
});

// --- development instance
add('D01-dev-no-dev-browser-document', 'Dev, no __clerk_db_jwt: handshake dev-browser-missing.', {
  options: DEV,
  request: get(DEV_URL),
});
add('D02-dev-no-dev-browser-api', 'Dev, API request without dev browser: signed-out dev-browser-missing.', {
  options: DEV,
  request: get(DEV_URL, API),
});
add('D03-dev-browser-sync-query', 'Dev, __clerk_db_jwt in the query: handshake dev-browser-sync, token moved to the FAPI URL.', {
  options: DEV,
  request: get(`${DEV_URL}?__clerk_db_jwt=dvb_q&x=1`, DOC, [['__clerk_db_jwt', 'dvb_cookie']]),
});
add('D04-dev-db-cookie-no-session', 'Dev, dev-browser cookie, no session and no uat: signed-out session-token-and-uat-missing.', {
  options: DEV,
  request: get(DEV_URL, DOC, [['__clerk_db_jwt', 'dvb_1']]),
});
add('D05-dev-valid-session', 'Dev, dev-browser cookie + valid session + uat: signed-in.', {
  options: DEV,
  request: get(DEV_URL, DOC, [['__clerk_db_jwt', 'dvb_1'], ['__session', T.dev], uat(NOW - 30)]),
});
add('D06-dev-primary-responds-to-syncing', 'Dev primary with __clerk_redirect_url: redirect back to the satellite with __clerk_synced=true.', {
  options: DEV,
  request: get(
    `http://localhost:3000/sign-in?__clerk_redirect_url=${encodeURIComponent('http://localhost:4000/page?__clerk_synced=false')}`,
    DOC,
    [['__clerk_db_jwt', 'dvb_1']],
  ),
});
add('D08-dev-primary-bad-redirect-url', 'Dev primary with an unparsable __clerk_redirect_url: the call rejects (TypeError).', {
  options: DEV,
  request: get(`http://localhost:3000/sign-in?__clerk_redirect_url=%2Frelative%2Fpath`, DOC, [['__clerk_db_jwt', 'dvb_1']]),
});
add('D07-dev-satellite-needs-sync', 'Dev satellite, __clerk_synced=false, no cookies: redirect to signInUrl with __clerk_redirect_url.', {
  options: { ...DEV, isSatellite: true, domain: 'localhost:4000', signInUrl: 'http://localhost:3000/sign-in' },
  request: get('http://localhost:4000/page?__clerk_synced=false', DOC, []),
});

// --- production satellite
const SAT = { ...PROD, isSatellite: true, domain: 'satellite.example.org', signInUrl: 'https://example.com/sign-in' };
add('S01-prod-satellite-first-visit', 'Prod satellite, document GET, no cookies, satelliteAutoSync unset: signed-out, no handshake.', {
  options: SAT,
  request: get('https://satellite.example.org/page', DOC, []),
});
add('S02-prod-satellite-synced-false', 'Prod satellite with __clerk_synced=false: handshake via clerk.<domain>.', {
  options: SAT,
  request: get('https://satellite.example.org/page?__clerk_synced=false', DOC, []),
});
add('S03-prod-satellite-autosync', 'Prod satellite, satelliteAutoSync=true, no cookies: handshake satellite-needs-syncing.', {
  options: { ...SAT, satelliteAutoSync: true },
  request: get('https://satellite.example.org/page', DOC, []),
});
add('S05-prod-satellite-with-cookies', 'Prod satellite, session issued by clerk.<domain> + uat, document GET: normal verification, signed-in.', {
  options: SAT,
  request: get('https://satellite.example.org/page', DOC, [['__session', T.satellite], uat(NOW - 30)]),
});
add('S06-prod-satellite-primary-iss-cookie', 'Prod satellite whose unsuffixed session has the primary issuer: judged foreign, suffixed cookies used (absent): signed-out.', {
  options: SAT,
  request: get('https://satellite.example.org/page', DOC, [['__session', T.prod], uat(NOW - 30)]),
});
add('S04-prod-satellite-missing-domain', 'Satellite without domain or proxyUrl: rejects.', {
  options: { ...PROD, isSatellite: true, signInUrl: 'https://example.com/sign-in' },
  request: get('https://satellite.example.org/page', DOC, []),
});

// --- configuration errors
add('E01-missing-publishable-key', 'Session tokens need a publishable key: rejects.', {
  options: { secretKey: SK_LIVE },
  request: get(PROD_URL),
});
add('E02-invalid-publishable-key', 'Malformed publishable key: rejects.', {
  options: { secretKey: SK_LIVE, publishableKey: 'pk_live_bm90LWEta2V5' },
  request: get(PROD_URL),
});
add('E03-missing-secret-key', 'Publishable key but no secret key: rejects.', {
  options: { publishableKey: PK_LIVE },
  request: get(PROD_URL),
});

// --- machine tokens
add('M01-api-key-valid', 'acceptsToken api_key, ak_ token: POST /api_keys/verify (no version segment), signed-in.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
  bapi: { routes: [{ method: 'POST', path: '/api_keys/verify', status: 200, body: BAPI.apiKey }] },
});
add('M02-api-key-not-found', 'BAPI 404: signed-out token-invalid, "API key not found".', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_gone')]),
});
add('M03-api-key-bapi-401', 'BAPI 401: secret-key-invalid with the BAPI message.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
  bapi: { routes: [{ method: 'POST', path: '/api_keys/verify', status: 401, body: BAPI.unauthorized }] },
});
add('M04-api-key-bapi-500', 'BAPI 500: unexpected-error.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
  bapi: { routes: [{ method: 'POST', path: '/api_keys/verify', status: 500, body: { errors: [] } }] },
});
add('M05-api-key-wrong-type', 'acceptsToken api_key but an mt_ token: token-type-mismatch, no BAPI call.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('mt_oracle_m2m_1')]),
});
add('M06-api-key-no-token', 'acceptsToken api_key and no Authorization: signed-out "No token in header".', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, API, [['__session', T.prod], uat(NOW - 30)]),
});
add('M07-m2m-opaque-machine-secret', 'acceptsToken m2m_token, mt_ token, machineSecretKey only: POST /m2m_tokens/verify with the machine secret.', {
  options: { machineSecretKey: MACHINE_SECRET, acceptsToken: 'm2m_token' },
  request: get(PROD_URL, [...API, bearer('mt_oracle_m2m_1')]),
  bapi: { routes: [{ method: 'POST', path: '/m2m_tokens/verify', status: 200, body: BAPI.m2m }] },
});
add('M08-m2m-jwt', 'acceptsToken m2m_token, M2M JWT (sub mch_, cat m2m): verified locally against the JWKS.', {
  options: { ...PROD, acceptsToken: 'm2m_token' },
  request: get(PROD_URL, [...API, bearer(T.m2mJwt)]),
});
add('M09-m2m-no-keys', 'acceptsToken m2m_token without secretKey or machineSecretKey: rejects.', {
  options: { acceptsToken: 'm2m_token' },
  request: get(PROD_URL, [...API, bearer('mt_oracle_m2m_1')]),
});
add('M19-m2m-opaque-secret-key', 'acceptsToken m2m_token with only the instance secret key: the secret key is the Bearer credential.', {
  options: { secretKey: SK_LIVE, acceptsToken: 'm2m_token' },
  request: get(PROD_URL, [...API, bearer('mt_oracle_m2m_1')]),
  bapi: { routes: [{ method: 'POST', path: '/m2m_tokens/verify', status: 200, body: BAPI.m2m }] },
});
add('M20-api-key-transport-error', 'Transport failure on /api_keys/verify: unexpected-error, status n/a.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
  bapi: { routes: [{ method: 'POST', path: '/api_keys/verify', transportError: true }] },
});
add('M21-oauth-without-publishable-key', 'acceptsToken oauth_token still parses the publishable key: rejects without one (api_key/m2m_token do not).', {
  options: { secretKey: SK_LIVE, acceptsToken: 'oauth_token' },
  request: get(PROD_URL, [...API, bearer('oat_oracle_oauth_1')]),
});
add('M22-api-key-without-publishable-key', 'acceptsToken api_key needs only the secret key.', {
  options: { secretKey: SK_LIVE, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
  bapi: { routes: [{ method: 'POST', path: '/api_keys/verify', status: 200, body: { ...BAPI.apiKey, subject: 'org_9' } }] },
});
add('M23-jwt-shaped-ak-token', 'An ak_-prefixed token with JWT shape that does not decode: token-invalid, reported with tokenType m2m_token.', {
  options: { ...PROD, acceptsToken: 'api_key' },
  request: get(PROD_URL, [...API, bearer('ak_x.y.z')]),
});
add('M10-oauth-opaque', 'acceptsToken oauth_token, oat_ token: POST /oauth_applications/access_tokens/verify.', {
  options: { ...PROD, acceptsToken: 'oauth_token' },
  request: get(PROD_URL, [...API, bearer('oat_oracle_oauth_1')]),
  bapi: { routes: [{ method: 'POST', path: '/oauth_applications/access_tokens/verify', status: 200, body: BAPI.oauth }] },
});
add('M11-oauth-jwt-audience-mismatch', 'OAuth JWT with an audience option that does not match: token-verification-failed.', {
  options: { ...PROD, acceptsToken: 'oauth_token', audience: 'https://other.example.com' },
  request: get(PROD_URL, [...API, bearer(T.oauthJwt)]),
});
add('M12-oauth-jwt-valid', 'OAuth JWT, no audience option: signed-in oauth_token.', {
  options: { ...PROD, acceptsToken: 'oauth_token' },
  request: get(PROD_URL, [...API, bearer(T.oauthJwt)]),
});
add('M13-any-session-header', 'acceptsToken any with a session JWT: session verification, signed-in session_token.', {
  options: { ...PROD, acceptsToken: 'any' },
  request: get(PROD_URL, [...API, bearer(T.prod)]),
});
add('M14-any-no-token-cookie-path', 'acceptsToken any with no header: falls to the cookie path.', {
  options: { ...PROD, acceptsToken: 'any' },
  request: get(PROD_URL, API, []),
});
add('M15-array-session-not-accepted', "acceptsToken ['api_key','m2m_token'] with a session JWT: invalid-token state (tokenType null).", {
  options: { ...PROD, acceptsToken: ['api_key', 'm2m_token'] },
  request: get(PROD_URL, [...API, bearer(T.prod)]),
});
add('M16-array-cookie-session', "acceptsToken ['session_token','api_key'] with cookies only: cookie path, signed-in.", {
  options: { ...PROD, acceptsToken: ['session_token', 'api_key'] },
  request: get(PROD_URL, DOC, [['__session', T.prod], uat(NOW - 30)]),
});
add('M17-array-machine-no-token', "acceptsToken ['api_key'] (array) and no token: invalid-token state.", {
  options: { ...PROD, acceptsToken: ['api_key'] },
  request: get(PROD_URL, API, []),
});
add('M18-session-accepts-ak-token', 'Default acceptsToken and an ak_ token in the header: treated as a session JWT, token-invalid.', {
  options: PROD,
  request: get(PROD_URL, [...API, bearer('ak_oracle_apikey_1')]),
});

const out = {
  about:
    'Cases for spec/modern-auth/run.mjs (@clerk/backend 3.25.0 authenticateRequest). Generated by build-cases.mjs; tokens signed with spec/modern-auth/fixture-keys.json (kid ins_oracle_fixture_kid_1).',
  fixtures: {
    now: NOW,
    prod: { publishableKey: PK_LIVE, secretKey: SK_LIVE, frontendApi: PROD_FAPI, cookieSuffix: SFX_LIVE },
    dev: { publishableKey: PK_TEST, secretKey: SK_TEST, frontendApi: DEV_FAPI, cookieSuffix: SFX_TEST },
    machineSecretKey: MACHINE_SECRET,
    tokens: T,
    handshakeTokens: HS,
  },
  cases: C,
};
writeFileSync(path.join(here, '..', 'cases.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${C.length} cases to cases.json`);
