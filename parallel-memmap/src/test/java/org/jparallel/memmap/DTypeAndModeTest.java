package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parsing of .npy type descriptors and NumPy mmap mode codes. */
@ExtendWith(NoLeftovers.class)
class DTypeAndModeTest {

    @Test
    void descriptorsParseToTypesAndBack() {
        for (DType type : DType.values()) {
            assertEquals(type, DType.fromNpyDescr(type.npyDescr()));
        }
        assertEquals(DType.FLOAT64, DType.fromNpyDescr("=f8"));
        assertEquals(DType.INT32, DType.fromNpyDescr("=i4"));
        assertEquals(DType.INT8, DType.fromNpyDescr("|u1"));
        assertEquals(8, DType.INT64.itemSize());
        assertEquals(1, DType.INT8.itemSize());
        assertEquals("<f4", DType.FLOAT32.npyDescr());
    }

    @Test
    void otherDescriptorsAreRefusedListingWhatIsSupported() {
        for (String descr : new String[] {"<c16", "<u8", "|b1", "<f2", "|f8", "", "<"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.fromNpyDescr(descr));
            assertTrue(e.getMessage().contains("'" + descr + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("supported: '<f8' (float64)"), e.getMessage());
        }
        IllegalArgumentException bigEndian = assertThrows(IllegalArgumentException.class, () -> DType.fromNpyDescr(">i4"));
        assertTrue(bigEndian.getMessage().startsWith("big-endian dtype '>i4' is not supported"), bigEndian.getMessage());
    }

    @Test
    void modesUseNumpyCodes() {
        for (MmapMode mode : MmapMode.values()) {
            assertEquals(mode, MmapMode.of(mode.code()));
        }
        assertEquals(MmapMode.READ_WRITE, MmapMode.of("r+"));
        assertEquals("c", MmapMode.COPY_ON_WRITE.code());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MmapMode.of("rw")).getMessage().contains("'r+'"));
    }
}
