using System;

namespace PacketFlow.Client
{
    /// <summary>Bits of <see cref="InputSample.Buttons"/>: game.fbs <c>Buttons</c> (a test checks the values against the schema).</summary>
    [Flags]
    public enum Buttons : uint
    {
        None = 0,
        Jump = 1,
        Fire = 2,
        Use = 4,
        Sprint = 8,
    }
}
