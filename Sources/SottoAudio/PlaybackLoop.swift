import CAlsa
import Glibc
import Synchronization

/// The body of the playback thread: one period at a time from the source to the device.
struct PlaybackLoop: Sendable {
    let pcm: AlsaPCM
    let source: PlaybackBuffer
    let startFrame: Int
    let status: PlaybackStatus

    /// How long any single wait may last before the thread looks at `stopRequested` again.
    private static let pollMilliseconds = 20
    private static let pollInterval = Duration.milliseconds(pollMilliseconds)
    /// A device whose queue does not shrink for this long is treated as wedged when draining.
    private static let stallSeconds = 2.0

    private enum Outcome {
        case completed
        case stopped
        case failed(AudioError)
    }

    func run() {
        let final = play()
        // Publish the end only after the device is closed, so a caller that waited for it may
        // reopen the same device at once.
        pcm.close()
        status.transition(to: final)
    }

    private var stopRequested: Bool { status.stopRequested.load(ordering: .acquiring) }

    /// Frames handed to the device so far, not counting the start offset.
    private var written: Int { status.framesWritten.load(ordering: .relaxed) - startFrame }

    private func play() -> PlaybackState {
        let channels = source.channels
        let period = pcm.periodFrames
        var floats = [Float](repeating: 0, count: period * channels)
        var samples = [Int16](repeating: 0, count: period * channels)
        var position = startFrame
        while true {
            if stopRequested { return stopNow() }
            switch source.read(
                from: position, maxFrames: period, into: &floats, timeout: Self.pollInterval)
            {
            case .pending:
                // The producer is late. The device keeps playing what it has and may run dry;
                // the next write then reports the underrun and recovers.
                noteRunning()
                publishPlayhead()
            case .ended:
                return finish()
            case let .frames(frames):
                for index in 0..<(frames * channels) {
                    samples[index] = SampleConversion.int16(floats[index])
                }
                switch write(samples, frames: frames) {
                case .completed: position += frames
                case .stopped: return stopNow()
                case let .failed(error): return .failed(error)
                }
            }
        }
    }

    /// Writes `frames` frames, waiting while the device buffer is full and recovering underruns.
    private func write(_ samples: [Int16], frames: Int) -> Outcome {
        let channels = source.channels
        var done = 0
        while done < frames {
            if stopRequested { return .stopped }
            let result = samples.withUnsafeBufferPointer { buffer in
                snd_pcm_writei(
                    pcm.handle, buffer.baseAddress! + done * channels,
                    snd_pcm_uframes_t(frames - done))
            }
            if result > 0 {
                done += result
                status.framesWritten.add(result, ordering: .releasing)
                noteWrite(frames: result)
                publishPlayhead()
                continue
            }
            let code = Int32(result)
            switch code {
            case 0, -EAGAIN:
                // Non-blocking mode: the buffer is full. Sleep until there is room (or the poll
                // interval passes, to notice stop()).
                _ = snd_pcm_wait(pcm.handle, Int32(Self.pollMilliseconds))
                publishPlayhead()
            case -EPIPE, -ESTRPIPE, -EINTR:
                // An underrun means the device played everything it had, so the playhead is at
                // the write position; publish that before recovery resets the device's counters.
                if code == -EPIPE { status.advancePlayhead(to: startFrame + written) }
                let (recovered, message) = withAlsaMessages { snd_pcm_recover(pcm.handle, code, 1) }
                guard recovered >= 0 else {
                    return .failed(.playbackFailed(
                        device: pcm.name, code: recovered, alsaMessage: message))
                }
                if code == -EPIPE { status.underruns.add(1, ordering: .releasing) }
            default:
                return .failed(.playbackFailed(device: pcm.name, code: code, alsaMessage: ""))
            }
        }
        return .completed
    }

    /// Lets the device play out what it holds, still honouring stop(), then drains it.
    private func finish() -> PlaybackState {
        // A sound shorter than the start threshold would otherwise sit in the buffer unplayed.
        if snd_pcm_state(pcm.handle) == SND_PCM_STATE_PREPARED && written > 0 {
            snd_pcm_start(pcm.handle)
        }
        noteRunning()
        var smallestDelay = Int.max
        var lastProgress = monotonicSeconds()
        while true {
            if stopRequested { return stopNow() }
            let state = snd_pcm_state(pcm.handle)
            guard state == SND_PCM_STATE_RUNNING || state == SND_PCM_STATE_DRAINING else { break }
            var delay: snd_pcm_sframes_t = 0
            guard snd_pcm_delay(pcm.handle, &delay) >= 0, delay > 0 else { break }
            publishPlayhead(delay: delay)
            if delay < smallestDelay {
                smallestDelay = delay
                lastProgress = monotonicSeconds()
            } else if monotonicSeconds() - lastProgress > Self.stallSeconds {
                // The queue stopped shrinking: a blocking drain could wait for ever.
                _ = withAlsaMessages { snd_pcm_drop(pcm.handle) }
                return .failed(.playbackFailed(device: pcm.name, code: -ETIMEDOUT, alsaMessage: ""))
            }
            let queuedSeconds = Double(delay) / Double(source.sampleRate)
            sleep(seconds: min(queuedSeconds, Double(Self.pollMilliseconds) / 1000))
        }
        // What is left is at most a few frames, and plugins such as `file` flush on drain.
        snd_pcm_nonblock(pcm.handle, 0)
        _ = withAlsaMessages { snd_pcm_drain(pcm.handle) }
        status.advancePlayhead(to: startFrame + written)
        return .finished
    }

    private func stopNow() -> PlaybackState {
        _ = withAlsaMessages { snd_pcm_drop(pcm.handle) }
        return .stopped
    }

    /// Records when the first frames reached ALSA (once), then whether the device now runs.
    private func noteWrite(frames: Int) {
        let now = monotonicSeconds()
        status.startTiming.withLock { timing in
            if timing.firstWriteAt == nil {
                timing.firstWriteAt = now
                timing.firstWriteFrames = frames
            }
        }
        noteRunning()
    }

    /// Records, once, when the device is first seen running, how much it had played by then and
    /// the latency it reports beyond its queue (`snd_pcm_delay` less the frames still queued).
    private func noteRunning() {
        guard status.startTiming.withLock({ $0.runningAt == nil }),
              snd_pcm_state(pcm.handle) == SND_PCM_STATE_RUNNING else { return }
        var available: snd_pcm_sframes_t = 0
        var delay: snd_pcm_sframes_t = 0
        let now = monotonicSeconds()
        guard snd_pcm_avail_delay(pcm.handle, &available, &delay) >= 0 else { return }
        let written = self.written
        let queued = min(written, max(0, pcm.bufferFrames - Int(available)))
        status.startTiming.withLock { timing in
            timing.runningAt = now
            timing.playedFramesAtRunning = written - queued
            timing.extraDelayFrames = max(0, Int(delay) - queued)
        }
    }

    /// Publishes the playhead from the device's queue length, if the device can tell it.
    private func publishPlayhead() {
        var delay: snd_pcm_sframes_t = 0
        let code = snd_pcm_delay(pcm.handle, &delay)
        if code >= 0 {
            publishPlayhead(delay: delay)
        } else if code == -EPIPE {
            // Underrun: the device ran out, so everything written has been played.
            status.advancePlayhead(to: startFrame + written)
        }
    }

    private func publishPlayhead(delay: snd_pcm_sframes_t) {
        let written = self.written
        let played = min(written, max(0, written - Int(delay)))
        status.advancePlayhead(to: startFrame + played)
    }

    private func sleep(seconds: Double) {
        var remaining = timespec(
            tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var request = remaining
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }
}
