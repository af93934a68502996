import CAlsa
import CShim
import Glibc

/// ALSA's library messages go to a per-thread buffer instead of stderr, where they would scribble
/// over the studio's screen; Sotto quotes them in its own errors. Installed once per process.
private let alsaMessagesCaptured: Void = sotto_alsa_capture_errors()

/// Runs an ALSA call and returns its result with whatever ALSA reported on this thread meanwhile.
func withAlsaMessages<Result>(_ call: () -> Result) -> (Result, message: String) {
    _ = alsaMessagesCaptured
    sotto_alsa_clear_error()
    let result = call()
    return (result, String(cString: sotto_alsa_last_error()))
}

/// An open ALSA playback PCM in non-blocking mode, set to interleaved S16_LE.
///
/// It is opened on the caller's thread (so open errors reach the caller) and then used by exactly
/// one playback thread; it is never touched from two threads at once.
final class AlsaPCM: @unchecked Sendable {
    let handle: OpaquePointer
    let name: String
    private(set) var periodFrames = 0
    private(set) var bufferFrames = 0
    /// A private configuration tree the PCM was opened from; ALSA reads it until the PCM closes.
    private var configuration: OpaquePointer?
    private var isClosed = false

    private init(handle: OpaquePointer, name: String, configuration: OpaquePointer?) {
        self.handle = handle
        self.name = name
        self.configuration = configuration
    }

    /// Takes ownership of a PCM opened elsewhere, switching it to non-blocking mode like the rest.
    convenience init(adopting handle: OpaquePointer, name: String) {
        snd_pcm_nonblock(handle, 1)
        self.init(handle: handle, name: name, configuration: nil)
    }

    static func open(_ device: AudioDevice) throws(AudioError) -> AlsaPCM {
        switch device {
        case let .named(name):
            var handle: OpaquePointer?
            let (code, message) = withAlsaMessages {
                snd_pcm_open(&handle, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
            }
            guard code >= 0, let handle else {
                throw .deviceUnavailable(device: name, code: code, alsaMessage: message)
            }
            return AlsaPCM(handle: handle, name: name, configuration: nil)

        case let .configuration(text, pcm):
            let tree = try loadConfiguration(text)
            var handle: OpaquePointer?
            let (code, message) = withAlsaMessages {
                snd_pcm_open_lconf(&handle, pcm, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK, tree)
            }
            guard code >= 0, let handle else {
                snd_config_delete(tree)
                throw .deviceUnavailable(device: pcm, code: code, alsaMessage: message)
            }
            return AlsaPCM(handle: handle, name: pcm, configuration: tree)
        }
    }

    private static func loadConfiguration(_ text: String) throws(AudioError) -> OpaquePointer {
        var tree: OpaquePointer?
        var code = snd_config_top(&tree)
        guard code >= 0, let tree else {
            throw .invalidDeviceConfiguration(code: code, alsaMessage: "")
        }
        var input: OpaquePointer?
        let bytes = Array(text.utf8)
        code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                snd_input_buffer_open(&input, $0.baseAddress, $0.count)
            }
        }
        guard code >= 0, let input else {
            snd_config_delete(tree)
            throw .invalidDeviceConfiguration(code: code, alsaMessage: "")
        }
        let (loaded, message) = withAlsaMessages { snd_config_load(tree, input) }
        snd_input_close(input)
        guard loaded >= 0 else {
            snd_config_delete(tree)
            throw .invalidDeviceConfiguration(code: loaded, alsaMessage: message)
        }
        return tree
    }

    /// Sets the stream format. ALSA may resample in software (`soft_resample`) when the hardware
    /// runs at another rate; a device that still refuses the rate or channel count is an error.
    func configure(sampleRate: Int, channels: Int, latencyMicroseconds: Int) throws(AudioError) {
        let (code, message) = withAlsaMessages {
            snd_pcm_set_params(
                handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, UInt32(channels),
                UInt32(sampleRate), 1, UInt32(latencyMicroseconds))
        }
        guard code >= 0 else {
            throw .streamRefused(
                device: name, sampleRate: sampleRate, channels: channels, code: code,
                alsaMessage: message)
        }
        var buffer: snd_pcm_uframes_t = 0
        var period: snd_pcm_uframes_t = 0
        snd_pcm_get_params(handle, &buffer, &period)
        bufferFrames = Int(buffer)
        periodFrames = max(1, Int(period))
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = withAlsaMessages { snd_pcm_close(handle) }
        if let configuration { snd_config_delete(configuration) }
        configuration = nil
    }

    deinit { close() }
}
