package dev.mcprefresh.agent.langchain4j;

import dev.mcprefresh.agent.library.HttpClientView;
import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.URI;
import java.util.function.Supplier;

/**
 * Answers the Streamable HTTP transport's reads of its java.net.http client with the decorated client, which answers
 * 401s inside the body handler (where LangChain4j decides success or failure) and replaces the Authorization header
 * LangChain4j adds from its custom headers (it adds, never replaces), so LangChain4j never sees a 401 a refresh can
 * cure.
 */
final class StreamableClients extends HttpClientView {
    StreamableClients(Supplier<CredentialsRegistry> registry) {
        super("LangChain4j MCP transport", registry);
    }

    @Override
    protected LibraryField clientField(Class<?> transportType) {
        return TransportFields.of(transportType).client;
    }

    @Override
    protected URI transportUrl(Object transport) throws IllegalAccessException {
        return TransportFields.of(transport.getClass()).url(transport);
    }

    @Override
    protected String appManagedTokens(Object transport) throws IllegalAccessException {
        return TransportFields.of(transport.getClass()).appsOwnHeaders(transport);
    }

    @Override
    protected String standDownLine(String url, String appsOwn) {
        return TransportFields.standDownLine(url, appsOwn);
    }
}
