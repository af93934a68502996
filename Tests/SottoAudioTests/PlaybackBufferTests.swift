import SottoAudio
import Testing

@Suite("Growing sample buffer")
struct PlaybackBufferTests {
    @Test func framesCountOnlyWhenComplete() {
        let buffer = PlaybackBuffer(sampleRate: 48_000, channels: 2)
        buffer.append([0.1, 0.2, 0.3])
        #expect(buffer.frameCount == 1)
        #expect(buffer.samples() == [0.1, 0.2])
        buffer.append([0.4])
        #expect(buffer.frameCount == 2)
        #expect(buffer.samples() == [0.1, 0.2, 0.3, 0.4])
    }

    @Test func finishingStopsFurtherAppends() {
        let buffer = PlaybackBuffer(sampleRate: 16_000)
        buffer.append([1, 2])
        #expect(!buffer.isFinished)
        buffer.finish()
        buffer.append([3])
        #expect(buffer.isFinished)
        #expect(buffer.samples() == [1, 2])
    }

    @Test func concurrentProducersLoseNothing() async {
        let buffer = PlaybackBuffer(sampleRate: 16_000)
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<8 {
                group.addTask {
                    for index in 0..<500 { buffer.append([Float(producer * 1_000 + index)]) }
                }
            }
        }
        buffer.finish()
        #expect(buffer.frameCount == 4_000)
        let values = Set(buffer.samples())
        #expect(values.count == 4_000)
        // Each producer's own samples stay in the order it appended them.
        let samples = buffer.samples()
        for producer in 0..<8 {
            let own = samples.filter { Int($0) / 1_000 == producer }
            #expect(own == own.sorted())
        }
    }

    @Test func waitingForFramesReturnsOnceTheyArrive() async {
        let buffer = PlaybackBuffer(sampleRate: 16_000)
        let waiter = Task.detached { buffer.waitForFrames(3, timeout: .seconds(60)) }
        buffer.append([1])
        buffer.append([2, 3, 4])
        #expect(await waiter.value >= 3)
        let finished = PlaybackBuffer(samples: [1], sampleRate: 16_000)
        #expect(finished.waitForFrames(10) == 1)
    }
}
