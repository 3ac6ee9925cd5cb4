package dev.mcprefresh.core.store;

import dev.mcprefresh.core.log.ServerText;
import java.util.Objects;

/**
 * Whose grant a store entry holds: the authorization server's issuer and the subject ({@code sub}) it names the user
 * by, with a name for people to read. Either may be unknown (null) when the server never said.
 */
public final class Identity {
    public static final Identity UNKNOWN = new Identity(null, null, null);

    private final String issuer;
    private final String subject;
    private final String displayName;

    public Identity(String issuer, String subject, String displayName) {
        this.issuer = issuer;
        this.subject = subject;
        this.displayName = displayName;
    }

    public String issuer() {
        return issuer;
    }

    /** The user's subject at the issuer, or null when unknown. */
    public String subject() {
        return subject;
    }

    /**
     * What {@code status} and log lines show: the display name, else the subject, else "unknown identity"; as
     * printable ASCII, since both come from the server. Comparisons use the values as sent.
     */
    public String label() {
        if (displayName != null) {
            return subject != null && !displayName.equals(subject)
                    ? ServerText.safe(displayName) + " (" + ServerText.safe(subject) + ")" : ServerText.safe(displayName);
        }
        return subject != null ? ServerText.safe(subject) : "unknown identity";
    }

    public String displayName() {
        return displayName;
    }

    /**
     * The same user: equal subjects (both unknown counts as equal: nothing tells them apart) and issuers that agree
     * where both are known.
     */
    public boolean sameUser(Identity other) {
        return other != null && Objects.equals(subject, other.subject)
                && (issuer == null || other.issuer == null || issuer.equals(other.issuer));
    }

    /** Whether a token naming {@code issuer} and {@code subject} belongs to this identity; never for an unknown one. */
    public boolean matches(String tokenIssuer, String tokenSubject) {
        return subject != null && subject.equals(tokenSubject)
                && (issuer == null || tokenIssuer == null || sameIssuer(issuer, tokenIssuer));
    }

    /** Issuer identifiers compare exactly (RFC 8414 section 3.3), tolerating only a trailing slash. */
    private static boolean sameIssuer(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return label();
    }
}
