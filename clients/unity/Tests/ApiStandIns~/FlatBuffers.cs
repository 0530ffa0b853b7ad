// Compile-time stand-in for the FlatBuffers 2.0.8 C# runtime (namespace FlatBuffers): the members the generated
// code and MatchCodec call, with the runtime's signatures and no behaviour. scripts/run-csharp-tests.mjs compiles
// the package against it to type-check code that cannot be compiled here against the real runtime; it never runs.
using System;

namespace FlatBuffers
{
    public static class FlatBufferConstants
    {
        public static void FLATBUFFERS_2_0_8() { }
    }

    public class ByteBuffer
    {
        public ByteBuffer(byte[] buffer) => throw null;
        public int Position { get => throw null; set => throw null; }
        public byte Get(int index) => throw null;
        public int GetInt(int offset) => throw null;
        public uint GetUint(int offset) => throw null;
        public ushort GetUshort(int offset) => throw null;
        public float GetFloat(int offset) => throw null;
        public double GetDouble(int offset) => throw null;
    }

    public interface IFlatbufferObject
    {
        void __init(int _i, ByteBuffer _bb);
        ByteBuffer ByteBuffer { get; }
    }

    public struct Table
    {
        public int bb_pos;
        public ByteBuffer bb;
        public Table(int _i, ByteBuffer _bb) => throw null;
        public int __offset(int vtableOffset) => throw null;
        public int __indirect(int offset) => throw null;
        public string __string(int offset) => throw null;
        public int __vector_len(int offset) => throw null;
        public int __vector(int offset) => throw null;
        public ArraySegment<byte>? __vector_as_arraysegment(int offset) => throw null;
        public T[] __vector_as_array<T>(int offset) where T : struct => throw null;
    }

    public struct Struct
    {
        public int bb_pos;
        public ByteBuffer bb;
        public Struct(int _i, ByteBuffer _bb) => throw null;
    }

    public struct Offset<T> where T : struct
    {
        public int Value;
        public Offset(int value) => throw null;
    }

    public struct StringOffset
    {
        public int Value;
        public StringOffset(int value) => throw null;
    }

    public struct VectorOffset
    {
        public int Value;
        public VectorOffset(int value) => throw null;
    }

    public class FlatBufferBuilder
    {
        public FlatBufferBuilder(int initialSize) => throw null;
        public int Offset => throw null;
        public void Clear() => throw null;
        public void Prep(int size, int additionalBytes) => throw null;
        public void PutFloat(float x) => throw null;
        public void PutUint(uint x) => throw null;
        public void Add<T>(T[] x) where T : struct => throw null;
        public void Add<T>(ArraySegment<T> x) where T : struct => throw null;
        public void Add<T>(IntPtr ptr, int sizeInBytes) where T : struct => throw null;
        public void AddByte(byte x) => throw null;
        public void AddOffset(int off) => throw null;
        public void AddBool(int o, bool x, bool d) => throw null;
        public void AddByte(int o, byte x, byte d) => throw null;
        public void AddUshort(int o, ushort x, ushort d) => throw null;
        public void AddUint(int o, uint x, uint d) => throw null;
        public void AddDouble(int o, double x, double d) => throw null;
        public void AddOffset(int o, int x, int d) => throw null;
        public void AddStruct(int voffset, int x, int d) => throw null;
        public void StartVector(int elemSize, int count, int alignment) => throw null;
        public VectorOffset EndVector() => throw null;
        public StringOffset CreateString(string s) => throw null;
        public void StartTable(int numfields) => throw null;
        public int EndTable() => throw null;
        public void Required(int table, int field) => throw null;
        public void Finish(int rootTable) => throw null;
        public void FinishSizePrefixed(int rootTable) => throw null;
        public byte[] SizedByteArray() => throw null;
    }
}
