package dev.mcprefresh.agent.spring.webflux;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.session.Credentials;
import java.util.Optional;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * The WebClient counterpart of the decorated java.net.http client, for one transport, under the same
 * {@link RequestPolicy}: every request to the transport's MCP server origin carries exactly the current token of the
 * identity the app's header names (replacing any Authorization header), and a 401 is answered by one refresh and one
 * re-exchange the app never sees. When no token can be had, the app gets the server's own 401, body unread. Reactor
 * Netty follows redirects only when the app turns it on, and then drops the Authorization header on a hop to another
 * host itself.
 * Compiled against Spring WebFlux 6.2 and used only through {@code ExchangeFilterLoader}; it uses no API that
 * changed in Spring 7.
 */
public final class AuthorizingExchangeFilter implements ExchangeFilterFunction {
    private final RequestPolicy policy;

    public AuthorizingExchangeFilter(RequestPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        Credentials credentials;
        String header;
        try {
            credentials = policy.credentialsFor(request.url(), request.headers().getFirst("Authorization"));
            if (credentials == null) {
                return next.exchange(request);
            }
            header = credentials.header();
        } catch (Throwable t) {
            Log.warn("could not authorize a request; it goes out as the app built it", t);
            return next.exchange(request);
        }
        if (header != null) {
            return send(request, next, credentials, header);
        }
        return Mono.defer(() -> Mono.fromFuture(credentials.freshHeader())).map(Optional::of)
                .defaultIfEmpty(Optional.empty()).onErrorReturn(Optional.empty())
                .flatMap(h -> h.isPresent() ? send(request, next, credentials, h.get()) : next.exchange(request));
    }

    private Mono<ClientResponse> send(ClientRequest request, ExchangeFunction next, Credentials credentials,
            String header) {
        LastHop hop = new LastHop();
        return next.exchange(hop.track(withHeader(request, header))).flatMap(response -> {
            // A connector that follows redirects (Reactor Netty's followRedirect) may have been answered by another
            // origin: its 401 is no reason to refresh.
            if (!policy.refreshOn(response.statusCode().value(), hop.url(request.url()),
                    response.headers().header("WWW-Authenticate"))) {
                return Mono.just(response);
            }
            // Ask for a fresh token before touching the body: without one the app gets this 401 as it came.
            return Mono.defer(() -> Mono.fromFuture(credentials.onUnauthorized(header))).map(Optional::of)
                    .defaultIfEmpty(Optional.empty()).onErrorReturn(Optional.empty())
                    .flatMap(fresh -> fresh.isEmpty() ? Mono.just(response)
                            : response.releaseBody().then(next.exchange(withHeader(request, fresh.get())))
                                    .doOnNext(replayed -> {
                                        if (replayed.statusCode().value() == 401 && policy.ownOrigin(hop.url(request.url()))) {
                                            credentials.freshTokenRejected(fresh.get());
                                        }
                                    }));
        });
    }

    private static ClientRequest withHeader(ClientRequest request, String header) {
        return ClientRequest.from(request).headers(h -> h.set("Authorization", header)).build();
    }
}
