#!/usr/bin/env bash
# Builds mcp-refresh, then shows an MCP Java SDK app whose static OAuth token expires, without and with the agent,
# against a real OAuth server and a real MCP server on 127.0.0.1. Needs Java 17+, Maven, Node.js 20+ and npm.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building (first run downloads Maven and npm packages) ..."
mvn -q -B install -DskipTests
(cd it/oauth-server && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
classpath=$(mvn -q -B -pl it/tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -cp "it/tests/target/test-classes:${classpath}" -Dmcp.refresh.it.root="$PWD" dev.mcprefresh.it.Demo
