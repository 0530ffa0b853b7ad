// The PlayerInput a room sends its match for every input of a seat. The player id is the same in each: encoding it
// afresh (the text encoder, then the builder) took about a twentieth of the gateway's time at 240 players, so its
// UTF-8 bytes are made once per seat and copied into each packet.
import { Game } from '@packetflow/protocol';

/** The FlatBuffers builder packs are given (the protocol's own flatbuffers package). */
type Builder = Parameters<Game.PlayerInputT['pack']>[0];

export class SeatInput extends Game.PlayerInputT {
  constructor(
    playerId: string,
    /** `playerId` as UTF-8. */
    private readonly playerIdBytes: Uint8Array,
    input: Game.ClientInputT,
  ) {
    // The id stays a string: a match in this process reads the object as it is, without packing it.
    super(playerId, input);
  }

  /** Packs as the generated PlayerInputT does, with the player id's bytes made once. */
  override pack(builder: Builder): number {
    const playerId = builder.createString(this.playerIdBytes);
    const input = this.input === null ? 0 : this.input.pack(builder);
    Game.PlayerInput.startPlayerInput(builder);
    Game.PlayerInput.addPlayerId(builder, playerId);
    Game.PlayerInput.addInput(builder, input);
    return Game.PlayerInput.endPlayerInput(builder);
  }
}
