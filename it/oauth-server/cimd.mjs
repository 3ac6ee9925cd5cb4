// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document) for the test authorization server:
// oidc-provider 9.13.3's experimental features.clientIdMetadataDocument, on only when the server's config says
// "cimd": true. A client id that is an https URL is then resolved by fetching the JSON document at that URL (cached by
// the provider for cacheDuration.min..max seconds, from the answer's Cache-Control / Expires), and the discovery
// document says client_id_metadata_document_supported: true.
//
// Loopback only, for the tests: the provider may fetch https://127.0.0.1:<port>/<path> documents and nothing else
// (allowFetch). The document server is the test's own, with a self-signed certificate that the node process trusts
// through NODE_EXTRA_CA_CERTS (set by the test when it starts the server; Node's fetch honours it). The provider's
// fetch refuses connections to special-use addresses such as 127.0.0.1 (its SSRF protection, a dispatcher it passes
// in the fetch options); for exactly those loopback document URLs the fetch below drops that dispatcher, so the
// global one connects.
//
// Stats (merged into GET /test/stats): cimdFetches: [{url, status}: each document fetch the provider made, oldest
// first, with the HTTP status, or status 0 when the fetch failed before an answer]; cimdClients: [the client id each
// time the provider resolved a client from a document, fetched or cached, e.g. per authorization or token request].

const LOOPBACK_DOCUMENT = /^https:\/\/127\.0\.0\.1:\d+\/[^?#]+$/;

// The provider's "ack" for the draft it implements (lib/helpers/features.js EXPERIMENTS): with it the provider starts
// without its experimental-feature notice; a wrong one makes it refuse to start.
const ACK = 'draft-02';

/**
 * The provider configuration pieces for CIMD: { features: {clientIdMetadataDocument}, fetch } to spread into the
 * Provider options when config.cimd is true, {} otherwise. Records into stats.cimdFetches and stats.cimdClients.
 */
export function cimdConfiguration(config, stats) {
  stats.cimdFetches = [];
  stats.cimdClients = [];
  if (config.cimd !== true) return {};
  return {
    features: {
      clientIdMetadataDocument: {
        enabled: true,
        ack: ACK,
        allowFetch: async (_ctx, clientId) => LOOPBACK_DOCUMENT.test(clientId),
        allowClient: async (_ctx, client) => {
          stats.cimdClients.push(client.clientId);
          return true;
        },
        cacheDuration: { min: 30, max: 300 },
      },
    },
    fetch: async (url, options) => {
      const target = String(url);
      if (!LOOPBACK_DOCUMENT.test(target)) return globalThis.fetch(url, options);
      const { dispatcher: _ssrfGuard, ...rest } = options;
      try {
        const response = await globalThis.fetch(url, rest);
        stats.cimdFetches.push({ url: target, status: response.status });
        return response;
      } catch (e) {
        stats.cimdFetches.push({ url: target, status: 0 });
        throw e;
      }
    },
  };
}
