/// What the Playback strip draws of the take on show: its waveform, or its spectrogram (which
/// takes more rows, so the strip grows while it is shown).
public enum StripView: String, CaseIterable, Sendable {
    case waveform
    case spectrogram

    /// The other view (what `v` switches to).
    public var toggled: StripView { self == .waveform ? .spectrogram : .waveform }
}
