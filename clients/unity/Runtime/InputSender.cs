using UnityEngine;

namespace PacketFlow.Client
{
    /// <summary>
    /// Sends this player's input to the match at a steady rate, one numbered input per send. Set
    /// <see cref="Connection"/> once joined; set <see cref="Move"/> and <see cref="HeldButtons"/> from the game's
    /// input handling, or (where the project has the legacy Input Manager) leave <c>readLegacyInput</c> on to read
    /// its Horizontal and Vertical axes and its Jump button.
    /// </summary>
    [AddComponentMenu("PacketFlow/Input Sender")]
    public sealed class InputSender : MonoBehaviour
    {
        [Tooltip("Inputs per second; 0 sends one per server tick. The gateway accepts 60 a second on average.")]
        [SerializeField] private float inputsPerSecond;

#if ENABLE_LEGACY_INPUT_MANAGER
        [Tooltip("Read Move from the Input Manager's Horizontal/Vertical axes and Jump from its Jump button.")]
        [SerializeField] private bool readLegacyInput = true;
#endif

        private float nextSendAt;

        public MatchConnection Connection { get; set; }

        /// <summary>Movement intent on the ground plane: x along +x, y along +z; longer than 1 is shortened to 1.</summary>
        public Vector2 Move { get; set; }

        public Buttons HeldButtons { get; set; }

        /// <summary>The sequence number of the latest input sent; 0 before the first.</summary>
        public uint LastSequence { get; private set; }

        private void Update()
        {
            if (Connection == null || Connection.HasLeft || Connection.TickRate == 0) return;
#if ENABLE_LEGACY_INPUT_MANAGER
            if (readLegacyInput)
            {
                Move = new Vector2(Input.GetAxisRaw("Horizontal"), Input.GetAxisRaw("Vertical"));
                HeldButtons = Input.GetButton("Jump") ? Buttons.Jump : Buttons.None;
            }
#endif
            float now = Time.unscaledTime;
            if (now < nextSendAt) return;
            float interval = 1 / (inputsPerSecond > 0 ? inputsPerSecond : Connection.TickRate);
            // Keeps the average rate at frame rates that do not divide it, without a burst after a long frame.
            nextSendAt = now - nextSendAt > interval ? now + interval : nextSendAt + interval;
            LastSequence = Connection.SendInput(new InputSample(Vector2.ClampMagnitude(Move, 1).ToPacketFlow(), HeldButtons));
        }
    }
}
