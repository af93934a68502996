import CAlsa

/// What went wrong in audio input or output, phrased for a person reading a terminal.
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The ALSA device could not be opened: no sound card, an unknown name, or a busy device.
    /// `code` is the negative errno ALSA returned; `alsaMessage` is what ALSA itself reported.
    case deviceUnavailable(device: String, code: Int32, alsaMessage: String)
    /// A private ALSA configuration text could not be loaded.
    case invalidDeviceConfiguration(code: Int32, alsaMessage: String)
    /// The device opened but refused the stream: its sample rate, channel count or sample format.
    case streamRefused(device: String, sampleRate: Int, channels: Int, code: Int32, alsaMessage: String)
    /// Playback stopped because the device reported an error that could not be recovered.
    case playbackFailed(device: String, code: Int32, alsaMessage: String)
    /// An audio file to read does not exist.
    case fileNotFound(path: String)
    /// An audio file exists but could not be decoded; `reason` quotes libsndfile or the system.
    case unreadableFile(path: String, reason: String)
    /// An audio file could not be written; `reason` quotes libsndfile or the system.
    case unwritableFile(path: String, reason: String)
    /// No audio format was given and none follows from the file's extension.
    case unknownFileFormat(path: String)
    /// Samples or parameters that cannot describe audio, such as a sample rate of zero.
    case invalidAudio(String)

    public var description: String {
        switch self {
        case let .deviceUnavailable(device, code, alsaMessage):
            let summary = code == -EBUSY ? "audio device busy" : "no audio device"
            return "\(summary): cannot open ALSA device \"\(device)\" (\(alsaReason(code)))"
                + alsaSuffix(alsaMessage)
        case let .invalidDeviceConfiguration(code, alsaMessage):
            return "invalid ALSA configuration (\(alsaReason(code)))" + alsaSuffix(alsaMessage)
        case let .streamRefused(device, sampleRate, channels, code, alsaMessage):
            let layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels"
            return "ALSA device \"\(device)\" cannot play \(sampleRate) Hz \(layout) 16-bit audio "
                + "(\(alsaReason(code)))" + alsaSuffix(alsaMessage)
        case let .playbackFailed(device, code, alsaMessage):
            return "playback on ALSA device \"\(device)\" failed (\(alsaReason(code)))"
                + alsaSuffix(alsaMessage)
        case let .fileNotFound(path):
            return "cannot read \"\(path)\": no such file"
        case let .unreadableFile(path, reason):
            return "cannot read \"\(path)\": \(reason)"
        case let .unwritableFile(path, reason):
            return "cannot write \"\(path)\": \(reason)"
        case let .unknownFileFormat(path):
            return "cannot tell which audio format to write for \"\(path)\": "
                + "use a .wav, .flac or .ogg extension"
        case let .invalidAudio(detail):
            return "invalid audio: \(detail)"
        }
    }
}

/// ALSA's text for a negative error code, e.g. "No such file or directory".
func alsaReason(_ code: Int32) -> String {
    String(cString: snd_strerror(code))
}

private func alsaSuffix(_ message: String) -> String {
    message.isEmpty ? "" : "; ALSA says: \(message)"
}
