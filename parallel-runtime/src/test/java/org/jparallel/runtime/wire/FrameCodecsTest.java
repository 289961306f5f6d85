package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.runtime.serial.WireKryo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every frame's payload reads back as it was written, by the codec the other side uses. */
class FrameCodecsTest {
    private final WireKryo kryo = new WireKryo(FrameCodecsTest.class.getClassLoader());

    private byte[] kryoBytes(Object value) {
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, value);
        kryo.reset();
        return out.toBytes();
    }

    private static byte[] join(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void aBatchWithItsFunctionReadsBackInPlace() {
        byte[] fn = kryoBytes("a function");
        byte[] args = kryoBytes(new ArrayList<>(List.of(1, 2L, "three")));
        byte[] payload = join(BatchFrame.header(7, 1L << 40, fn.length), fn, args);
        assertEquals(BatchFrame.FUNCTION + fn.length + args.length, payload.length);
        assertEquals(7, BatchFrame.callId(payload));
        assertEquals(1L << 40, BatchFrame.firstIndex(payload));
        assertEquals(fn.length, BatchFrame.functionLength(payload));
        assertEquals("a function", kryo.readClassAndObject(BatchFrame.function(payload)));
        kryo.reset();
        assertEquals(List.of(1, 2L, "three"), kryo.readClassAndObject(BatchFrame.arguments(payload)));
    }

    @Test
    void aBatchWithoutItsFunctionHasItsArgumentsRightAfterTheHeader() {
        byte[] args = kryoBytes(new ArrayList<>(List.of(-1L)));
        byte[] payload = join(BatchFrame.header(-3, 0, 0), args);
        assertEquals(-3, BatchFrame.callId(payload));
        assertEquals(0, BatchFrame.functionLength(payload));
        assertEquals(List.of(-1L), kryo.readClassAndObject(BatchFrame.arguments(payload)));
    }

    @Test
    void theHeadersAreLittleEndianAsKryoWritesThem() {
        // The worker writes RESULT and FAILED headers with Kryo's Output; the parent reads them in place.
        Output out = new Output(64);
        out.writeLong(0x0102030405060708L);
        out.writeInt(0x0a0b0c0d);
        byte[] kryoWritten = out.toBytes();
        byte[] ours = new byte[12];
        Fields.putLong(ours, 0, 0x0102030405060708L);
        Fields.putInt(ours, 8, 0x0a0b0c0d);
        assertArrayEquals(kryoWritten, ours);
        assertEquals(0x0102030405060708L, Fields.getLong(kryoWritten, 0));
        assertEquals(0x0a0b0c0d, Fields.getInt(kryoWritten, 8));
    }

    @Test
    void cancelCarriesTheCall() {
        byte[] payload = CancelFrame.encode(Long.MAX_VALUE);
        assertEquals(CancelFrame.LENGTH, payload.length);
        assertEquals(Long.MAX_VALUE, CancelFrame.callId(payload));
    }

    @Test
    void aRevokeNamesExactlyOneBatch() {
        byte[] revoke = RevokeFrame.encode(4, 96);
        assertEquals(RevokeFrame.LENGTH, revoke.length);
        assertEquals(4, RevokeFrame.callId(revoke));
        assertEquals(96, RevokeFrame.firstIndex(revoke));
        byte[] args = kryoBytes(new ArrayList<>());
        assertTrue(RevokeFrame.names(revoke, join(BatchFrame.header(4, 96, 0), args)));
        assertFalse(RevokeFrame.names(revoke, join(BatchFrame.header(4, 97, 0), args)));
        assertFalse(RevokeFrame.names(revoke, join(BatchFrame.header(5, 96, 0), args)));
    }

    @Test
    void forgetListsTheCallsFiles() {
        List<Path> files = List.of(Path.of("/dev/shm/jparallel-1-2-x/a.npy"), Path.of("/tmp/é ü/b.npy"));
        byte[] payload = ForgetFrame.encode(12, files);
        assertEquals(12, ForgetFrame.callId(payload));
        assertEquals(files, ForgetFrame.files(payload));
        byte[] none = ForgetFrame.encode(13, List.of());
        assertEquals(13, ForgetFrame.callId(none));
        assertEquals(List.of(), ForgetFrame.files(none));
    }

    @Test
    void helloCarriesTheToken() {
        byte[] payload = HelloFrame.encode("00ff3a", 4242);
        assertEquals("00ff3a", HelloFrame.token(payload));
        assertEquals("00ff3a\n4242", new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("garbage", HelloFrame.token("garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aClassRequestAndItsAnswers() {
        byte[] request = ClassRequestFrame.encode(9, "REPL.$JShell$12$Thing");
        assertEquals(9, ClassRequestFrame.callId(request));
        assertEquals("REPL.$JShell$12$Thing", ClassRequestFrame.className(request));

        byte[] classFile = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61};
        byte[] statics = kryoBytes(new java.util.HashMap<>(Map.of("k", 5)));
        byte[] found = new ClassBytesFrame("REPL.$JShell$12$Thing", classFile, statics).encode();
        assertEquals("REPL.$JShell$12$Thing", ClassBytesFrame.className(found));
        ClassBytesFrame back = ClassBytesFrame.decode(found);
        assertEquals("REPL.$JShell$12$Thing", back.className());
        assertArrayEquals(classFile, back.classFile());
        assertArrayEquals(statics, back.statics());

        ClassBytesFrame plain = ClassBytesFrame.decode(new ClassBytesFrame("a.B", classFile, new byte[0]).encode());
        assertArrayEquals(classFile, plain.classFile());
        assertEquals(0, plain.statics().length);

        byte[] missing = ClassBytesFrame.encodeMissing("no.Such");
        assertEquals("no.Such", ClassBytesFrame.className(missing));
        assertNull(ClassBytesFrame.decode(missing).classFile());
    }

    @Test
    void aResultWrittenThroughTheWorkersOutputReadsBackInPlace() {
        Output out = new Output(16, -1);   // grows, as the worker's does
        ResultFrame.writeHeader(out, 3, 100, 12_345, 1L << 33, 17);
        kryo.writeClassAndObject(out, new ArrayList<>(List.of(2.5, "x")));
        kryo.reset();
        byte[] payload = out.toBytes();
        assertEquals(3, ResultFrame.callId(payload));
        assertEquals(100, ResultFrame.firstIndex(payload));
        assertEquals(12_345, ResultFrame.nanos(payload));
        assertEquals(1L << 33, ResultFrame.stdoutBytes(payload));
        assertEquals(17, ResultFrame.stderrBytes(payload));
        assertEquals(List.of(2.5, "x"), kryo.readClassAndObject(ResultFrame.results(payload)));
    }

    @Test
    void aCancelledBatchIsJustItsHeader() {
        Output out = new Output(64, -1);
        FailedFrame.writeHeader(out, 5, 10, 12, 0, 3, true);
        byte[] payload = out.toBytes();
        assertEquals(FailedFrame.FAILURE, payload.length);
        assertEquals(5, FailedFrame.callId(payload));
        assertEquals(10, FailedFrame.firstIndex(payload));
        assertEquals(12, FailedFrame.failedIndex(payload));
        assertEquals(0, FailedFrame.stdoutBytes(payload));
        assertEquals(3, FailedFrame.stderrBytes(payload));
        assertTrue(FailedFrame.cancelled(payload));
    }

    @Test
    void aFailureCarriesItsDescriptionAndBothBlocks() {
        byte[] exception = kryoBytes(new IllegalStateException("boom"));
        Output out = new Output(64, -1);
        FailedFrame.writeHeader(out, 5, 10, 11, 1, 2, false);
        FailedFrame.writeDescription(out, "java.lang.IllegalStateException", null);
        FailedFrame.writeBlock(out, exception, exception.length);
        FailedFrame.writeBlock(out, new byte[8], 0);   // the stand-in did not serialize
        byte[] payload = out.toBytes();
        assertFalse(FailedFrame.cancelled(payload));
        assertEquals(11, FailedFrame.failedIndex(payload));
        FailedFrame.Failure failure = FailedFrame.failure(payload);
        assertEquals("java.lang.IllegalStateException", failure.className());
        assertNull(failure.message());
        assertArrayEquals(exception, failure.exception());
        assertEquals(0, failure.standIn().length);
        Object back = kryo.readClassAndObject(new com.esotericsoftware.kryo.kryo5.io.Input(failure.exception()));
        assertEquals("boom", ((IllegalStateException) back).getMessage());
    }
}
