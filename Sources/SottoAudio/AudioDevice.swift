/// Where playback goes: an ALSA device by name, or a PCM defined in a private ALSA configuration.
public enum AudioDevice: Sendable, Hashable, CustomStringConvertible {
    /// A name ALSA knows, such as `default`, `pulse` or `plughw:1,0`.
    case named(String)
    /// A PCM called `pcm`, defined in the ALSA configuration text `text`. The text is loaded into a
    /// tree of its own, so neither `~/.asoundrc` nor the environment is read or changed; only the
    /// definitions in `text` exist in it (the system's `null` or `hw` are not there).
    case configuration(text: String, pcm: String)

    /// The device a desktop user expects: ALSA's `default`.
    public static let systemDefault = AudioDevice.named("default")

    /// The PCM name, as used in messages.
    public var description: String {
        switch self {
        case let .named(name): name
        case let .configuration(_, pcm): pcm
        }
    }
}
