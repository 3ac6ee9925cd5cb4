package dev.mcprefresh.it.app;

import java.net.http.HttpClient;

/**
 * The start-up benchmark's app that never loads an MCP client: it builds a java.net.http client, as many apps do,
 * and references no MCP class (a class that does would load SDK classes through verification).
 */
public final class PlainStartupApp {
    private PlainStartupApp() {
    }

    public static void main(String[] args) {
        System.out.println("BUILT " + HttpClient.newHttpClient().getClass().getSimpleName());
        StartupStats.printAndExit(args);
    }
}
