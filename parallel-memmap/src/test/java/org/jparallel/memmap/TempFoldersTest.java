package org.jparallel.memmap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** Choice of the temp folder, folder naming and permissions, and the clean-up of dead owners' folders. */
@ExtendWith(NoLeftovers.class)
class TempFoldersTest {
    private static final TempFolders.Owner SELF = TempFolders.Owner.current();
    /** A 1 MiB tmpfs: too small for the 64 MiB margin, like a full /dev/shm. */
    private static Path smallTmpfs;

    @TempDir
    Path dir;

    @BeforeAll
    static void mountSmallTmpfs() throws Exception {
        smallTmpfs = Files.createTempDirectory("memmap-test-small-tmpfs");
        TestSupport.Finished mount = TestSupport.finish(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                smallTmpfs.toString()).redirectErrorStream(true).start());
        assertEquals(0, mount.exitCode(), () -> "these tests mount a small tmpfs and need root: " + mount.output());
    }

    @AfterAll
    static void unmountAndCheckNothingIsLeft() throws Exception {
        TestSupport.Finished umount = TestSupport.finish(new ProcessBuilder("umount", smallTmpfs.toString())
                .redirectErrorStream(true).start());
        assertEquals(0, umount.exitCode(), umount.output());
        Files.delete(smallTmpfs);
    }

    @Test
    void sharedMemoryIsPreferredAndAFullOneFallsBackToTmpWithOneWarning() {
        assertEquals(Path.of("/dev/shm"), TempFolders.chooseBase(null, 1 << 20), "this machine has room in /dev/shm");

        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(dir, TempFolders.chooseBase(null, 1, null, smallTmpfs, dir));
            assertEquals(dir, TempFolders.chooseBase(null, 1, null, smallTmpfs, dir));
        } finally {
            System.setErr(originalErr);
        }
        List<String> warning = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, warning.size(), "one line, once per JVM: " + warning);
        String line = warning.get(0);
        for (String part : List.of("a memory-mapped array of 1 B (1 bytes) does not fit in " + smallTmpfs,
                smallTmpfs + ", which has 1.0 MiB free but 1 bytes plus a 64.0 MiB margin are needed",
                "it goes to " + dir.toAbsolutePath() + " instead", "tempFolder(...)", "JPARALLEL_TEMP_FOLDER",
                "Memmap.create(...)")) {
            assertTrue(line.contains(part), () -> "expected '" + part + "' in: " + line);
        }
    }

    @Test
    void nothingWithRoomIsAnErrorBeforeAnythingIsWritten() throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TempFolders.chooseBase(null, 1, null, smallTmpfs, smallTmpfs));
        assertEquals("not enough temp space for 1 bytes: " + smallTmpfs + " has 1.0 MiB free, " + smallTmpfs
                + " has 1.0 MiB free; set tempFolder(...) or JPARALLEL_TEMP_FOLDER to a folder with room", e.getMessage());
        try (Stream<Path> files = Files.list(smallTmpfs)) {
            assertEquals(0, files.count());
        }
        IllegalStateException real = assertThrows(IllegalStateException.class,
                () -> TempFolders.chooseBase(null, Long.MAX_VALUE / 2));
        assertTrue(real.getMessage().matches("not enough temp space for \\d+ bytes: /dev/shm has .* free, .* has .* free;.*"),
                real.getMessage());
    }

    @Test
    void configuredAndEnvironmentFoldersWinButMustBeUsable() throws IOException {
        Path configured = dir.resolve("configured/nested");
        assertEquals(configured, TempFolders.chooseBase(configured, 1), "created when missing");
        assertTrue(Files.isDirectory(configured));
        assertEquals(dir, TempFolders.chooseBase(null, 1, dir.toString(), smallTmpfs, smallTmpfs));

        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> TempFolders.chooseBase(smallTmpfs, 1));
        assertTrue(full.getMessage().contains("temp folder " + smallTmpfs + " (from the configured temp folder) has 1.0 MiB free"),
                full.getMessage());
        Path file = Files.createFile(dir.resolve("a-file"));
        IllegalStateException notAFolder = assertThrows(IllegalStateException.class,
                () -> TempFolders.chooseBase(null, 1, file.resolve("sub").toString(), Path.of("/dev/shm"), dir));
        assertTrue(notAFolder.getMessage().contains("JPARALLEL_TEMP_FOLDER"), notAFolder.getMessage());
    }

    @Test
    void newFoldersAreNamedAfterTheirOwnerAndPrivate() throws IOException {
        Path folder = TempFolders.newFolder(dir, "pool");
        assertEquals(dir, folder.getParent());
        assertTrue(folder.getFileName().toString().startsWith("jparallel-" + SELF.pid() + "-" + SELF.startMillis() + "-pool-"));
        assertEquals(Optional.of(SELF), TempFolders.ownerOf(folder));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertNotEquals(folder, TempFolders.newFolder(dir, "pool"));
        assertThrows(IllegalArgumentException.class, () -> TempFolders.newFolder(dir, "../escape"));

        assertEquals(Optional.of(new TempFolders.Owner(12, 34)), TempFolders.ownerOf(Path.of("/x/jparallel-12-34-tag-x")));
        assertEquals(Optional.empty(), TempFolders.ownerOf(Path.of("/x/jparallel-tag")));
        assertEquals(Optional.empty(), TempFolders.ownerOf(Path.of("/x/other-12-34-tag")));
    }

    @Test
    void theSessionFolderComesBackIfDeleted() {
        Path session = TempFolders.sessionFolder(0);
        assertEquals(session, TempFolders.sessionFolder(0));
        TempFolders.deleteNow(session);
        Path again = TempFolders.sessionFolder(0);
        assertTrue(Files.isDirectory(again));
        try (DoubleArray a = Memmap.doubles(10)) {
            assertEquals(again, a.handle().orElseThrow().file().getParent());
        }
    }

    @Test
    void theJanitorRemovesFoldersOfDeadOrReplacedOwnersOnly() throws Exception {
        Process shortLived = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        long deadStart = shortLived.info().startInstant().orElseThrow().toEpochMilli();
        TestSupport.finish(shortLived);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(shortLived.pid()).isEmpty());

        String deadOwner = "jparallel-" + shortLived.pid() + "-" + deadStart;
        String replacedOwner = "jparallel-" + SELF.pid() + "-" + (SELF.startMillis() - 60_000);
        Path dead = Files.createDirectories(dir.resolve(deadOwner + "-pool-a"));
        Files.writeString(dead.resolve("data.npy"), "x");
        Path pidReused = Files.createDirectories(dir.resolve(replacedOwner + "-pool-b"));
        Path unrelated = Files.createDirectories(dir.resolve("jparallel-not-ours"));
        Path other = Files.createDirectories(dir.resolve("something-else"));

        Path live = TempFolders.newFolder(dir, "live");
        assertFalse(Files.exists(dead), "the first use of a base sweeps it");
        assertFalse(Files.exists(pidReused));

        Files.createDirectories(dead);
        Path deadFile = Files.createFile(dir.resolve(deadOwner + "-dump.npy"));
        Files.createDirectories(pidReused);
        assertEquals(3, TempFolders.sweepStale(dir));
        assertFalse(Files.exists(dead));
        assertFalse(Files.exists(deadFile));
        assertFalse(Files.exists(pidReused));
        assertTrue(Files.isDirectory(live), "folders of live owners are never touched");
        assertTrue(Files.isDirectory(unrelated));
        assertTrue(Files.isDirectory(other));
        assertEquals(0, TempFolders.sweepStale(dir));
        assertEquals(0, TempFolders.sweepStale(dir.resolve("missing")));
    }

    @Test
    void removeFoldersOwnedByDeletesExactlyThatOwnersFolders() throws IOException {
        Path first = Files.createDirectories(dir.resolve("jparallel-4242-1000-pool-a"));
        Files.writeString(first.resolve("f"), "x");
        Path second = Files.createDirectories(dir.resolve("jparallel-4242-1000-memmap-b"));
        Path otherStart = Files.createDirectories(dir.resolve("jparallel-4242-2000-pool-c"));
        Path otherPid = Files.createDirectories(dir.resolve("jparallel-42420-1000-pool-d"));
        TempFolders.removeFoldersOwnedBy(4242, 1000, List.of(dir, dir.resolve("missing")));
        assertFalse(Files.exists(first));
        assertFalse(Files.exists(second));
        assertTrue(Files.exists(otherStart));
        assertTrue(Files.exists(otherPid));
    }

    @Test
    void foldersAreDeletedNowOrInTheBackgroundToleratingMissingFiles() throws IOException {
        Path now = TempFolders.newFolder(dir, "now");
        Files.createDirectories(now.resolve("a/b"));
        Files.writeString(now.resolve("a/b/c"), "x");
        TempFolders.deleteNow(now);
        assertFalse(Files.exists(now));
        TempFolders.deleteNow(now);

        Path later = TempFolders.newFolder(dir, "later");
        Files.writeString(later.resolve("c"), "x");
        TempFolders.deleteInBackground(later);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(later));
    }

    @Test
    void aJvmThatExitsLeavesNoFilesBehind() {
        Process child = TestSupport.startJava(LeftoverMaker.class, Map.of(TempFolders.TEMP_FOLDER_ENV, dir.toString()),
                dir.toString());
        TestSupport.Finished finished = TestSupport.finish(child);
        assertEquals(0, finished.exitCode(), finished.output());
        List<Path> created = finished.output().lines().map(Path::of).toList();
        assertEquals(2, created.size(), finished.output());
        assertTrue(created.get(0).startsWith(dir), "the environment variable chose the folder: " + created);
        for (Path path : created) {
            assertFalse(Files.exists(path), path + " survived its JVM");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bytesAreFormattedForPeople() {
        assertEquals("512 B", TempFolders.formatBytes(512));
        assertEquals("1.5 KiB", TempFolders.formatBytes(1536));
        assertEquals("3.2 GiB", TempFolders.formatBytes((long) (3.2 * (1L << 30))));
    }
}
