package org.jparallel.memmap;

import java.nio.file.Path;

/**
 * Child process for {@link TempFoldersTest}: allocates an array and a folder, prints their paths and exits
 * without cleaning up, leaving it to the shutdown hook.
 *
 * <p>Argument: the base folder for {@link TempFolders#newFolder}.
 */
public final class LeftoverMaker {
    private LeftoverMaker() {
    }

    public static void main(String[] args) {
        DoubleArray array = Memmap.doubles(1000);
        array.set(999, 1);
        System.out.println(array.handle().orElseThrow().file());
        System.out.println(TempFolders.newFolder(Path.of(args[0]), "child"));
    }
}
