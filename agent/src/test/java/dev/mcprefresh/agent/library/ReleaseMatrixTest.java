package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The muzzle-style release matrix, outside the default build ({@code mvn -Pmatrix -pl agent test}): every published
 * release of each supported library, from the Maven repository ({@code -Dmatrix.repository}, Maven Central by
 * default), held against that library's table: each target class the release has must carry every member the table
 * names with its exact descriptor (what the patcher needs to take the class), and at least one target class must be
 * there. Releases in the range {@code matrix/releases.tsv} claims must pass; newer ones are reported. The report is
 * printed and written to target/matrix/report.md.
 */
@Tag("matrix")
class ReleaseMatrixTest {
    private static final Pattern VERSION = Pattern.compile("<version>([^<]+)</version>");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();
    private final String repository = System.getProperty("matrix.repository", "https://repo1.maven.org/maven2")
            .replaceAll("/+$", "");
    private final Path cache = Paths.get("target", "matrix");

    /** One row of releases.tsv. */
    private record Row(String library, String group, String artifact, ReleaseVersion oldest, ReleaseVersion newest,
            boolean newer) {
        static Row parse(String line) {
            String[] f = line.split("\t");
            String[] ga = f[1].split(":");
            return new Row(f[0], ga[0], ga[1], new ReleaseVersion(f[2]), new ReleaseVersion(f[3]), f[4].equals("yes"));
        }
    }

    @Test
    void everyReleaseInEachClaimedRangeCarriesWhatItsTableNames() throws Exception {
        Map<String, Map<String, List<ClassEdits>>> tables = tablesByLibrary();
        List<String> report = new ArrayList<>(List.of("| library | artifact | release | verdict | target classes found |",
                "|---|---|---|---|---|"));
        List<String> failures = new ArrayList<>();
        for (Row row : rows()) {
            Map<String, List<ClassEdits>> table = tables.get(row.library());
            assertTrue(table != null && !table.isEmpty(), "releases.tsv names a library with a table: " + row.library());
            List<ReleaseVersion> published = releases(row);
            assertTrue(published.contains(row.oldest()) && published.contains(row.newest()), row.artifact() + " "
                    + row.oldest().text() + " and " + row.newest().text() + " are published releases: " + published);
            for (ReleaseVersion v : published) {
                if (v.compareTo(row.oldest()) < 0) {
                    continue;
                }
                boolean claimed = v.compareTo(row.newest()) <= 0;
                if (!claimed && !row.newer()) {
                    break;
                }
                List<String> found = new ArrayList<>();
                List<String> problems = check(jar(row, v), table, found);
                if (found.isEmpty()) {
                    problems.add("none of the table's classes is in this release");
                }
                String verdict = problems.isEmpty() ? "pass" : "FAIL: " + String.join("; ", problems);
                report.add("| " + row.library() + " | " + row.group() + ":" + row.artifact() + " | " + v.text()
                        + (claimed ? "" : " (newer than tested)") + " | " + verdict + " | " + found.size() + " |");
                if (claimed && !problems.isEmpty()) {
                    failures.add(row.artifact() + " " + v.text() + ": " + problems);
                }
            }
        }
        Files.createDirectories(cache);
        Files.write(cache.resolve("report.md"), report, StandardCharsets.UTF_8);
        report.forEach(System.out::println);
        assertEquals(List.of(), failures, "releases the README claims that lack what the agent patches");
    }

    /**
     * Per library: its target classes (internal names) and what the table names in each, at start-up and after a
     * late attach (which may name more).
     */
    private static Map<String, Map<String, List<ClassEdits>>> tablesByLibrary() {
        Map<String, Map<String, List<ClassEdits>>> tables = new LinkedHashMap<>();
        for (boolean attached : new boolean[] {false, true}) {
            Targets targets = new Targets();
            EnabledLibraries enabled = EnabledLibraries.all(attached);
            for (LibraryDescriptor d : Libraries.all()) {
                targets.library(d.name());
                enabled.support(d.name()).targets(targets, attached);
            }
            targets.byClass().forEach((type, edits) -> tables.computeIfAbsent(edits.library(), l -> new TreeMap<>())
                    .computeIfAbsent(type, t -> new ArrayList<>()).add(edits));
        }
        return tables;
    }

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = ReleaseMatrixTest.class.getResourceAsStream("/matrix/releases.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(Row.parse(line.trim()));
                }
            }
        }
        return rows;
    }

    /** The artifact's published releases, oldest first, previews aside. */
    private List<ReleaseVersion> releases(Row row) throws Exception {
        String metadata = get(base(row) + "/maven-metadata.xml");
        List<ReleaseVersion> versions = new ArrayList<>();
        Matcher m = VERSION.matcher(metadata.substring(Math.max(0, metadata.indexOf("<versions>"))));
        while (m.find()) {
            ReleaseVersion v = new ReleaseVersion(m.group(1).trim());
            if (!v.preview()) {
                versions.add(v);
            }
        }
        versions.sort(null);
        return versions;
    }

    private String base(Row row) {
        return repository + "/" + row.group().replace('.', '/') + "/" + row.artifact();
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** The release's jar, downloaded once into target/matrix. */
    private Path jar(Row row, ReleaseVersion v) throws Exception {
        String name = row.artifact() + "-" + v.text() + ".jar";
        Path file = cache.resolve(row.group()).resolve(name);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(base(row) + "/" + v.text() + "/"
                    + name)).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofFile(
                            file.resolveSibling(name + ".part")));
            if (r.statusCode() != 200) {
                Files.deleteIfExists(r.body());
                throw new IOException(name + " answered " + r.statusCode());
            }
            Files.move(r.body(), file, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    /** What the release lacks; {@code found} gets the table's classes it has. */
    private static List<String> check(Path jar, Map<String, List<ClassEdits>> table, List<String> found)
            throws IOException {
        java.util.Set<String> problems = new java.util.LinkedHashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Map.Entry<String, List<ClassEdits>> e : table.entrySet()) {
                ZipEntry entry = zip.getEntry(e.getKey() + ".class");
                if (entry != null) {
                    found.add(e.getKey());
                    try (InputStream in = zip.getInputStream(entry)) {
                        ClassMembers members = ClassMembers.of(in.readAllBytes());
                        e.getValue().forEach(edits -> problems.addAll(members.missing(e.getKey(), edits)));
                    }
                }
            }
        }
        return new ArrayList<>(problems);
    }
}
