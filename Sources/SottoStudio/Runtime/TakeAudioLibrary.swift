import Foundation
import SottoAudio
import SottoCore
import SottoRuntime
import Synchronization

/// Take audio in memory, loaded from the session's files on demand and kept while there is room.
/// The takes being synthesized (their buffers still growing) and those marked A and B stay;
/// others are dropped oldest-first beyond `capacitySamples` and reread when needed.
public final class TakeAudioLibrary: Sendable {
    private struct Entry {
        var buffer: PlaybackBuffer
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var loading: Set<Int> = []
        var failures: [Int: String] = [:]
        var pinned: Set<Int> = []
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    private let loader = WorkerThread(name: "sotto-take-files")
    public let capacitySamples: Int

    public init(capacitySamples: Int = 48_000_000) {
        self.capacitySamples = capacitySamples
    }

    /// Makes `buffer` the audio of `takeID` (a take being synthesized, or just finished).
    public func register(_ takeID: Int, buffer: PlaybackBuffer) {
        state.withLock { state in
            state.clock += 1
            state.entries[takeID] = Entry(buffer: buffer, lastUse: state.clock)
            state.failures[takeID] = nil
            evict(&state)
        }
    }

    /// The audio if it is in memory; never blocks.
    public func cached(_ takeID: Int) -> PlaybackBuffer? {
        state.withLock { state in
            guard var entry = state.entries[takeID] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[takeID] = entry
            return entry.buffer
        }
    }

    /// Why the audio could not be read, if it could not.
    public func failure(_ takeID: Int) -> String? {
        state.withLock { $0.failures[takeID] }
    }

    /// Starts reading the audio in the background unless it is in memory or being read.
    public func prefetch(_ takeID: Int, from url: URL) {
        let start = state.withLock { state -> Bool in
            guard state.entries[takeID] == nil, state.failures[takeID] == nil, !state.loading.contains(takeID) else { return false }
            state.loading.insert(takeID)
            return true
        }
        guard start else { return }
        loader.submit { [self] in _ = try? self.read(takeID, from: url) }
    }

    /// The audio, read from `url` now if needed (blocks; for the playback thread).
    public func load(_ takeID: Int, from url: URL) throws -> PlaybackBuffer {
        if let buffer = cached(takeID) { return buffer }
        return try read(takeID, from: url)
    }

    /// Keeps these takes in memory whatever the capacity.
    public func pin(_ takeIDs: Set<Int>) {
        state.withLock { $0.pinned = takeIDs }
    }

    /// Ends the background reader (reads in progress finish).
    public func shutdown() {
        loader.discardPending()
        loader.shutdown(timeout: 2)
    }

    public func forgetAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.failures.removeAll()
        }
    }

    private func read(_ takeID: Int, from url: URL) throws -> PlaybackBuffer {
        do {
            let audio = try AudioFile.read(url.path).downmixedToMono()
            let buffer = PlaybackBuffer(samples: audio.samples, sampleRate: audio.sampleRate)
            state.withLock { state in
                state.loading.remove(takeID)
                state.clock += 1
                state.entries[takeID] = Entry(buffer: buffer, lastUse: state.clock)
                evict(&state)
            }
            return buffer
        } catch {
            let message = "take \(takeID): \(SottoError.describe(error))"
            state.withLock { state in
                state.loading.remove(takeID)
                state.failures[takeID] = message
            }
            throw SottoError(message)
        }
    }

    private func evict(_ state: inout State) {
        var total = state.entries.values.reduce(0) { $0 + $1.buffer.frameCount }
        guard total > capacitySamples else { return }
        let candidates = state.entries
            .filter { !state.pinned.contains($0.key) && $0.value.buffer.isFinished }
            .sorted { $0.value.lastUse < $1.value.lastUse }
        for (id, entry) in candidates where total > capacitySamples {
            total -= entry.buffer.frameCount
            state.entries[id] = nil
        }
    }
}
