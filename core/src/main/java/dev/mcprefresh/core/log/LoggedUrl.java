package dev.mcprefresh.core.log;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A URL as log lines show it: scheme://host[:port]/path, without userinfo, query and fragment, where passwords, API
 * keys and authorization codes travel. Printable ASCII only ({@link ServerText}); never throws, whatever the input.
 */
public final class LoggedUrl {
    private static final String NONE = "(none)";

    private LoggedUrl() {
    }

    public static String of(URI url) {
        if (url == null) {
            return NONE;
        }
        try {
            if (url.getRawAuthority() == null) {
                return cut(url.toString()); // opaque or relative: "user:pw@host/x" is an opaque URI to Java
            }
            StringBuilder b = new StringBuilder();
            if (url.getScheme() != null) {
                b.append(url.getScheme()).append(':');
            }
            if (url.getHost() != null) {
                b.append("//").append(url.getHost());
                if (url.getPort() >= 0) {
                    b.append(':').append(url.getPort());
                }
            } else if (url.getRawAuthority() != null) {
                // A registry authority (a host name Java refuses, such as one with '_'): drop any userinfo by hand.
                b.append("//").append(withoutUserinfo(url.getRawAuthority()));
            }
            if (url.getRawPath() != null) {
                b.append(url.getRawPath());
            }
            return ServerText.safe(b.toString());
        } catch (RuntimeException e) {
            return cut(String.valueOf(url));
        }
    }

    public static String of(String url) {
        if (url == null) {
            return NONE;
        }
        try {
            return of(new URI(url));
        } catch (URISyntaxException | RuntimeException e) {
            return cut(url);
        }
    }

    /**
     * For text that is no URI (or has no authority Java recognised): up to the first '?' or '#', and without anything
     * up to the last '@' before the path, after the scheme and any "//".
     */
    private static String cut(String url) {
        int end = url.length();
        for (int i = 0; i < url.length(); i++) {
            if (url.charAt(i) == '?' || url.charAt(i) == '#') {
                end = i;
                break;
            }
        }
        String s = url.substring(0, end);
        int colon = s.indexOf(':');
        int authority = colon > 0 && isScheme(s.substring(0, colon)) ? colon + 1 : 0;
        if (s.startsWith("//", authority)) {
            authority += 2;
        }
        int slash = s.indexOf('/', authority);
        int at = s.lastIndexOf('@', (slash < 0 ? s.length() : slash) - 1);
        if (at >= authority) {
            s = s.substring(0, authority) + s.substring(at + 1);
        }
        return ServerText.safe(s);
    }

    /** RFC 3986 3.1: a letter, then letters, digits, '+', '-' or '.'. */
    private static boolean isScheme(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static String withoutUserinfo(String authority) {
        return authority.substring(authority.lastIndexOf('@') + 1);
    }
}
