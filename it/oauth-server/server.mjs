// Test-only authorization server for the mcp-refresh integration tests: the real, unmodified `oidc-provider`
// package, configured for loopback use with very short token lifetimes. It never listens beyond 127.0.0.1.
//
// Usage: node server.mjs <port> <config.json>
//   config.json: { "clients": [ { client metadata... , "x_access_token_ttl": 2, "x_refresh_token_ttl": 3600,
//                                  "x_access_token_format": "jwt" (optional; resource-bound tokens as JWTs),
//                                  "x_refresh_expires_in": true (optional; see below),
//                                  "x_refresh_token_max": 40 (optional; see below) } ],
//                  "scopes": [...] (optional; default openid offline_access mcp),
//                  "cimd": true (optional; client ID metadata documents from loopback https URLs, see cimd.mjs) }
// Prints "READY <issuer>" on stdout once it listens.
//
// The interaction step (login + consent) is answered automatically for the account named by the authorization
// request's `login_hint` ("alice" when there is none), granting every requested scope, so that tests can drive the
// authorization-code + PKCE flow over plain HTTP as any user: the browser step is the only part replaced, the
// protocol endpoints are the provider's own.
//
// Refresh tokens rotate, and every rotated refresh token gets the client's full x_refresh_token_ttl again: the
// refresh token's life is an idle timeout that slides with each use (Keycloak's "SSO Session Idle"), so a client
// that refreshes at least once per window keeps its grant forever and one that sits idle longer loses it
// (invalid_grant). (oidc-provider's own default would keep a public web client's rotated token at the old expiry;
// the ttl.RefreshToken function below replaces that default.) Expiry is checked in whole seconds (exp <= now), so a
// token's real life is between ttl - 1 and ttl seconds.
//
// A client with x_refresh_token_max also has a session maximum (Keycloak's "SSO Session Max"): no refresh token of
// the grant outlives the first one's issue plus that many seconds, however often it is refreshed.
//
// A client with x_refresh_expires_in true gets `refresh_expires_in` (the issued refresh token's remaining life in
// seconds) in every successful token response that carries a refresh token, as Keycloak sends it.
//
// Service accounts: the client_credentials grant is on, for clients whose grant_types include "client_credentials",
// authenticated by client_secret_basic / client_secret_post (oidc-provider accepts either for a client registered
// with one of them) or by private_key_jwt (RFC 7523: the client's "jwks" holds its public keys; RS256, PS256 and
// ES256 assertions are accepted, oidc-provider's default clientAuthSigningAlgValues; the assertion's aud may be the
// token endpoint URL or the issuer; iss and sub must be the client_id, exp and a never-reused jti are required).
// A client_credentials token asked for with `resource` is bound to it like any other (see resourceIndicators), with
// the client's x_access_token_ttl, and gets the scope mcp even when the request names no scope (a default client
// scope, as Keycloak grants one); without `resource` it is an opaque token for no resource server. Such a token has
// no subject: introspection answers active with client_id, aud and scope but no sub. No refresh token is issued.
//
// GET /test/stats: { token: {<grant_type>: successes}, tokenErrors: {"<grant_type>:<error>": failures, including
//                    client authentication failures such as "client_credentials:invalid_client" and
//                    "<grant_type>:server_error"}, refreshReuse: <rotated refresh tokens presented again>,
//                    refreshTimes: {<client_id>: [epoch millis of each successful refresh_token grant, in order]},
//                    ccTimes: {<client_id>: [epoch millis of each successful client_credentials grant, in order]},
//                    registrations: [{client_id, application_type, grant_types, token_endpoint_auth_method}: each
//                                    successful dynamic registration (RFC 7591) as registered, oldest first; the
//                                    provider's defaults fill what the request left out (application_type "web",
//                                    grant_types ["authorization_code"])],
//                    cimdFetches: [{url, status}], cimdClients: [client_id, ...] (see cimd.mjs) }
// POST /test/destroy-access-token (body: the token): destroys one access token, leaving its grant alive.
import http from 'node:http';
import fs from 'node:fs';
import Provider, { errors } from 'oidc-provider';
import { cimdConfiguration } from './cimd.mjs';

const port = Number(process.argv[2]);
const config = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

const stats = { token: {}, tokenErrors: {}, refreshReuse: 0, refreshTimes: {}, ccTimes: {}, registrations: [] };
const bump = (map, key) => { map[key] = (map[key] || 0) + 1; };
// Client ID Metadata Documents when the config says "cimd": true (see cimd.mjs); adds its stats either way.
const cimd = cimdConfiguration(config, stats);

const refreshTtl = (client) => (client && client.x_refresh_token_ttl) || 3600;
// Capped by the grant's session maximum, counted from the first refresh token's issue (iiat, kept across rotation).
const refreshTokenTtl = (token, client) => {
  const ttl = refreshTtl(client);
  if (!client || !client.x_refresh_token_max || !token || !token.iiat) return ttl;
  const left = token.iiat + client.x_refresh_token_max - Math.floor(Date.now() / 1000);
  return Math.max(1, Math.min(ttl, left));
};

const provider = new Provider(issuer, {
  clients: config.clients,
  extraClientMetadata: { properties: ['x_access_token_ttl', 'x_refresh_token_ttl', 'x_access_token_format', 'x_refresh_expires_in',
    'x_refresh_token_max'] },
  // A config may drop offline_access to play a server that never issues refresh tokens (doctor's bad case).
  scopes: config.scopes || ['openid', 'offline_access', 'mcp'],
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    registration: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    ...cimd.features,
    // RFC 8707, as the MCP authorization spec requires: a token asked for with `resource` is bound to that MCP
    // server, with the client's short test lifetime. Opaque (introspectable) unless the client says
    // x_access_token_format "jwt": then an RFC 9068 JWT signed with the provider's keys, carrying iss, sub and aud,
    // which the provider cannot introspect (it does not store JWT access tokens) and resource servers verify locally.
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: async (ctx, resource, client) => {
        if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(resource)) throw new errors.InvalidTarget();
        // A service account's request without a scope gets the resource's scope: the client_credentials handler
        // reads the requested scope right after resolving the resource (oidc-provider 9.13.3).
        const params = ctx && ctx.oidc && ctx.oidc.params;
        if (params && params.grant_type === 'client_credentials' && !params.scope) params.scope = 'mcp';
        return {
          scope: 'mcp',
          audience: resource,
          accessTokenFormat: client && client.x_access_token_format === 'jwt' ? 'jwt' : 'opaque',
          accessTokenTTL: (client && client.x_access_token_ttl) || config.accessTokenTtl || 2,
        };
      },
    },
  },
  ttl: {
    AccessToken: (_ctx, _token, client) => (client && client.x_access_token_ttl) || config.accessTokenTtl || 2,
    ClientCredentials: (_ctx, _token, client) => (client && client.x_access_token_ttl) || config.accessTokenTtl || 2,
    // A number per client, never the rotated token's remaining life: each rotation restarts the idle window.
    RefreshToken: (_ctx, token, client) => refreshTokenTtl(token, client),
    AuthorizationCode: 60,
    Grant: 3600,
    Session: 3600,
    Interaction: 600,
    IdToken: 3600,
  },
  rotateRefreshToken: true,
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['mcp-refresh-test-only-cookie-key'] },
  clientBasedCORS: () => false,
  ...(cimd.fetch ? { fetch: cimd.fetch } : {}),
});
// Plain HTTP on loopback is expected here; the provider must still produce http:// URLs.
provider.proxy = false;

provider.on('grant.success', (ctx) => {
  bump(stats.token, ctx.oidc.params.grant_type);
  if (ctx.oidc.params.grant_type === 'refresh_token' && ctx.oidc.client) {
    (stats.refreshTimes[ctx.oidc.client.clientId] ||= []).push(Date.now());
  }
  if (ctx.oidc.params.grant_type === 'client_credentials' && ctx.oidc.client) {
    (stats.ccTimes[ctx.oidc.client.clientId] ||= []).push(Date.now());
  }
});

// What each dynamic registration registered (the client's metadata after the provider's defaults), for the tests of
// what login asks for.
provider.on('registration_create.success', (_ctx, client) => {
  const m = client.metadata();
  stats.registrations.push({ client_id: m.client_id, application_type: m.application_type,
    grant_types: m.grant_types, token_endpoint_auth_method: m.token_endpoint_auth_method });
});

// The token endpoint's error handler emits grant.error for every error it answers, client authentication failures
// (401 invalid_client) included: the request's parameters, grant_type among them, are read before the client is
// authenticated. An unexpected failure (500) is emitted as server_error instead, counted here for the token endpoint.
provider.on('grant.error', (ctx, err) => {
  bump(stats.tokenErrors, `${ctx.oidc.params && ctx.oidc.params.grant_type}:${err.error}`);
  if (err.error === 'invalid_grant' && /already used|consumed|reuse/i.test(String(err.error_detail))) stats.refreshReuse += 1;
});

provider.on('server_error', (ctx) => {
  if (ctx.path === '/token') bump(stats.tokenErrors, `${ctx.oidc && ctx.oidc.params && ctx.oidc.params.grant_type}:server_error`);
});

// Keycloak's refresh_expires_in, for the clients that ask for it: added to the provider's own token response.
provider.use(async (ctx, next) => {
  await next();
  const client = ctx.oidc && ctx.oidc.client;
  if (ctx.method === 'POST' && ctx.path === '/token' && ctx.status === 200 && client && client.x_refresh_expires_in
      && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.refresh_token === 'string') {
    // The token just issued (or, without rotation, the one presented): a new token's exp is computed at save time
    // and not kept on the entity, so remainingTTL is then its ttl, i.e. its full life.
    const issued = ctx.oidc.entities.RefreshToken;
    ctx.body = { ...ctx.body, refresh_expires_in: issued ? Math.max(0, issued.remainingTTL) : refreshTtl(client) };
  }
});

async function autoApprove(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    const user = params.login_hint === undefined ? 'alice' : String(params.login_hint);
    // Plain test user names only: a malformed hint fails the login (500) instead of logging in someone else.
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(user)) throw new Error('login_hint must be a plain user name');
    result = { login: { accountId: user } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/')) return await autoApprove(req, res);
    if (req.url === '/test/destroy-access-token' && req.method === 'POST') {
      // An administrator revoking one access token: unlike RFC 7009 revocation here, the grant (and its refresh
      // token) stays alive, so the resource server rejects a token that has not expired while refresh still works.
      let body = '';
      for await (const chunk of req) body += chunk;
      const token = await provider.AccessToken.find(body.trim());
      if (token) await token.destroy();
      res.statusCode = token ? 204 : 404;
      return res.end();
    }
    if (req.url === '/test/stats') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(stats));
    }
    return callback(req, res);
  } catch (e) {
    res.statusCode = 500;
    res.end(String(e && e.message));
  }
});
// Longer than any client's idle pool timeout, so a client never reuses a connection the server is closing.
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.listen(port, '127.0.0.1', () => console.log(`READY ${issuer}`));
