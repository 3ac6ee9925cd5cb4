package dev.mcprefresh.core.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.MetadataFixtures;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor's reading of the authorization server metadata, finding by finding. */
class ServerChecksTest {
    @TempDir
    java.nio.file.Path dir;

    private static final String MCP = "https://mcp.example/mcp";
    private static final TokenRecord REFRESH = TokenRecord.builder(MCP).clientId("c").refreshToken("rt").build();
    private static final TokenRecord SERVICE = TokenRecord.builder(MCP).clientId("svc").clientSecret("s3cret")
            .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS).build();

    /** Everything doctor likes to see. */
    private static Map<String, Object> good() {
        Map<String, Object> m = new HashMap<>();
        m.put("issuer", "https://as.example");
        m.put("authorization_endpoint", "https://as.example/authorize");
        m.put("token_endpoint", "https://as.example/token");
        m.put("registration_endpoint", "https://as.example/register");
        m.put("device_authorization_endpoint", "https://as.example/device");
        m.put("revocation_endpoint", "https://as.example/revoke");
        m.put("scopes_supported", List.of("openid", "offline_access"));
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "private_key_jwt"));
        m.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "ES256"));
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("client_id_metadata_document_supported", true);
        return m;
    }

    private static AuthorizationServerMetadata withPrm(Map<String, Object> json) {
        return MetadataFixtures.of(json, Map.of("resource", MCP, "authorization_servers", List.of("https://as.example")),
                "https://mcp.example/.well-known/oauth-protected-resource/mcp");
    }

    private static Optional<Finding> maybe(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst();
    }

    private static Finding find(List<Finding> findings, String check) {
        return maybe(findings, check).orElseThrow(() -> new AssertionError("no finding '" + check + "' in " + findings));
    }

    private static TokenRecord withKey(String alg) {
        return TokenRecord.builder(MCP).clientId("k").grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS)
                .clientKey(new ClientKey("/keys/client.pem", "kid-1", alg, null)).build();
    }

    @Test
    void goodMetadataIsAllOk() {
        for (TokenRecord stored : new TokenRecord[] {null, REFRESH, SERVICE, withKey("ES256")}) {
            List<Finding> f = ServerChecks.of(withPrm(good()), stored);
            for (Finding x : f) {
                assertEquals(Level.OK, x.level(), x.toString());
                assertNull(x.fix(), x.toString());
            }
            assertEquals(stored != null && stored.clientKey() != null,
                    maybe(f, "assertion signing algorithm").isPresent(), "only for an entry with a key");
        }
        List<Finding> f = ServerChecks.of(withPrm(good()), null);
        assertTrue(find(f, "protected resource metadata (RFC 9728)").detail()
                .contains("https://mcp.example/.well-known/oauth-protected-resource/mcp"));
        assertTrue(find(f, "authorization server metadata").detail().contains("https://as.example"));
    }

    @Test
    void withoutProtectedResourceMetadataAWarning() {
        Finding f = find(ServerChecks.of(MetadataFixtures.of(good()), null), "protected resource metadata (RFC 9728)");
        assertEquals(Level.WARN, f.level());
        assertNotNull(f.fix());
    }

    @Test
    void theIssParameterAdvertisedOrNot() {
        assertEquals(Level.OK, find(ServerChecks.of(withPrm(good()), null), "authorization response issuer (RFC 9207)")
                .level());
        Map<String, Object> m = good();
        m.remove("authorization_response_iss_parameter_supported");
        Finding f = find(ServerChecks.of(withPrm(m), null), "authorization response issuer (RFC 9207)");
        assertEquals(Level.WARN, f.level());
        assertTrue(f.fix().contains("authorization_response_iss_parameter_supported"), f.fix());
        m.put("authorization_response_iss_parameter_supported", false);
        assertEquals(Level.WARN, find(ServerChecks.of(withPrm(m), null), "authorization response issuer (RFC 9207)")
                .level());
    }

    @Test
    void clientRegistrationPrefersCimdThenDcrElseWarns() {
        Finding cimd = find(ServerChecks.of(withPrm(good()), null), "client registration");
        assertEquals(Level.OK, cimd.level());
        assertTrue(cimd.detail().contains("CIMD"), cimd.detail());
        assertTrue(cimd.detail().contains("dynamic client registration offered too"), cimd.detail());

        Map<String, Object> m = good();
        m.remove("registration_endpoint");
        Finding cimdOnly = find(ServerChecks.of(withPrm(m), null), "client registration");
        assertEquals(Level.OK, cimdOnly.level());
        assertTrue(cimdOnly.detail().contains("CIMD") && !cimdOnly.detail().contains("dynamic"), cimdOnly.detail());

        m = good();
        m.remove("client_id_metadata_document_supported");
        Finding dcr = find(ServerChecks.of(withPrm(m), null), "client registration");
        assertEquals(Level.OK, dcr.level());
        assertTrue(dcr.detail().contains("https://as.example/register"), dcr.detail());

        m.remove("registration_endpoint");
        Finding neither = find(ServerChecks.of(withPrm(m), null), "client registration");
        assertEquals(Level.WARN, neither.level());
        assertTrue(neither.fix().contains("--client-id"), neither.fix());
    }

    @Test
    void offlineAccessRefreshGrantAndS256() {
        Map<String, Object> m = good();
        m.put("scopes_supported", List.of("openid"));
        m.put("grant_types_supported", List.of("authorization_code"));
        m.put("code_challenge_methods_supported", List.of("plain"));
        List<Finding> f = ServerChecks.of(withPrm(m), REFRESH);
        assertEquals(Level.WARN, find(f, "offline_access scope").level());
        assertEquals(Level.FAIL, find(f, "refresh_token grant").level(), "published without refresh_token");
        assertEquals(Level.FAIL, find(f, "PKCE S256").level());
        m.remove("grant_types_supported");
        assertEquals(Level.WARN, find(ServerChecks.of(withPrm(m), REFRESH), "refresh_token grant").level(),
                "not published: unknown, not wrong");
    }

    @Test
    void deviceGrantAndRevocationAreOptional() {
        Map<String, Object> m = good();
        m.remove("device_authorization_endpoint");
        m.remove("revocation_endpoint");
        List<Finding> f = ServerChecks.of(withPrm(m), REFRESH);
        assertEquals(Level.WARN, find(f, "device authorization grant").level());
        assertEquals(Level.WARN, find(f, "token revocation").level());
    }

    @Test
    void aMissingClientCredentialsGrantFailsOnlyForAServiceAccount() {
        Map<String, Object> m = good();
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        Finding service = find(ServerChecks.of(withPrm(m), SERVICE), "client_credentials grant");
        assertEquals(Level.FAIL, service.level());
        assertNotNull(service.fix());
        assertFalse(service.detail().contains("s3cret"));
        for (TokenRecord other : new TokenRecord[] {REFRESH, null}) {
            Finding f = find(ServerChecks.of(withPrm(m), other), "client_credentials grant");
            assertNotEquals(Level.FAIL, f.level(), "a refresh entry does not need it: " + f);
            assertTrue(f.detail().contains("needed only by service accounts"), f.detail());
        }
    }

    @Test
    void anUnpublishedGrantListDoesNotFailAServiceAccount() {
        Map<String, Object> m = good();
        m.remove("grant_types_supported");
        Finding f = find(ServerChecks.of(withPrm(m), SERVICE), "client_credentials grant");
        assertNotEquals(Level.FAIL, f.level(), f.toString());
        assertTrue(f.detail().contains("not published"), f.detail());
    }

    @Test
    void aMissingPrivateKeyJwtFailsOnlyForAClientWithAKey() {
        Map<String, Object> m = good();
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        Finding keyed = find(ServerChecks.of(withPrm(m), withKey("RS256")), "private_key_jwt client authentication");
        assertEquals(Level.FAIL, keyed.level());
        assertTrue(keyed.fix().contains("private_key_jwt"), keyed.fix());
        assertFalse(maybe(ServerChecks.of(withPrm(m), withKey("RS256")), "assertion signing algorithm").isPresent(),
                "no algorithm to judge when the method itself is missing");
        for (TokenRecord other : new TokenRecord[] {SERVICE, REFRESH, null}) {
            Finding f = find(ServerChecks.of(withPrm(m), other), "private_key_jwt client authentication");
            assertNotEquals(Level.FAIL, f.level(), f.toString());
            assertNull(f.fix(), f.toString());
        }
        m.remove("token_endpoint_auth_methods_supported");
        assertNotEquals(Level.FAIL, find(ServerChecks.of(withPrm(m), withKey("RS256")),
                "private_key_jwt client authentication").level(), "not published: unknown");
    }

    @Test
    void anUnlistedSigningAlgorithmFailsNamingIt() throws Exception {
        Finding f = find(ServerChecks.of(withPrm(good()), withKey("PS256")), "assertion signing algorithm");
        assertEquals(Level.FAIL, f.level());
        assertTrue(f.detail().contains("PS256"), f.detail());
        assertTrue(f.detail().contains("RS256") && f.detail().contains("ES256"), "and what the server lists: "
                + f.detail());
        assertNotNull(f.fix());

        assertEquals(Level.OK, find(ServerChecks.of(withPrm(good()), withKey("ES256")), "assertion signing algorithm")
                .level());
        assertEquals(Level.OK, find(ServerChecks.of(withPrm(good()), withKey(null)), "assertion signing algorithm")
                .level(), "a key that does not load: said by the private key line, not here");
        Map<String, Object> psOnly = good();
        psOnly.put("token_endpoint_auth_signing_alg_values_supported", List.of("PS256"));
        // No stored algorithm: the key's own type decides (an EC key signs ES256), read from the file.
        java.nio.file.Path ec = dev.mcprefresh.core.oauth.TestKeys.writePkcs8(dir, "ec.pem",
                dev.mcprefresh.core.oauth.TestKeys.EC_P256);
        TokenRecord ecKey = withKey(null).toBuilder().clientKey(new ClientKey(ec.toString(), null, null, null)).build();
        Finding byKey = find(ServerChecks.of(withPrm(psOnly), ecKey), "assertion signing algorithm");
        assertEquals(Level.FAIL, byKey.level());
        assertTrue(byKey.detail().contains("ES256"), byKey.detail());
        Map<String, Object> none = good();
        none.remove("token_endpoint_auth_signing_alg_values_supported");
        Finding unlisted = find(ServerChecks.of(withPrm(none), withKey("PS256")), "assertion signing algorithm");
        assertEquals(Level.OK, unlisted.level());
        assertTrue(unlisted.detail().contains("lists none"), unlisted.detail());
    }

    @Test
    void aMachineToMachineServerDoesNotFailAServiceAccount() {
        // No refresh_token grant, no PKCE: a server for service accounts only. Users' logins would fail there; a
        // service account's mint does not need either.
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("issuer", "https://as.example");
        m.put("token_endpoint", "https://as.example/token");
        m.put("grant_types_supported", java.util.List.of("client_credentials"));
        m.put("code_challenge_methods_supported", java.util.List.of());
        dev.mcprefresh.core.store.TokenRecord service = dev.mcprefresh.core.store.TokenRecord
                .builder("https://mcp.example/mcp").clientId("svc").clientSecret("s")
                .grantType(dev.mcprefresh.core.store.TokenRecord.GRANT_CLIENT_CREDENTIALS).build();
        java.util.List<Finding> forService = ServerChecks.of(dev.mcprefresh.core.oauth.MetadataFixtures.of(m), service);
        org.junit.jupiter.api.Assertions.assertTrue(forService.stream().noneMatch(x -> x.level() == Finding.Level.FAIL),
                forService.toString());
        java.util.List<Finding> forUser = ServerChecks.of(dev.mcprefresh.core.oauth.MetadataFixtures.of(m), null);
        org.junit.jupiter.api.Assertions.assertTrue(forUser.stream().anyMatch(x -> x.level() == Finding.Level.FAIL
                && x.check().equals("refresh_token grant")), forUser.toString());
    }
}
