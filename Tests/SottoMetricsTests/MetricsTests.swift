import Foundation
import SottoMetrics
import Testing

@Suite struct RealTimeFactorTests {
    @Test func bothConventionsAndLabel() {
        let rtf = RealTimeFactor(computeSeconds: 0.5, audioSeconds: 2)
        #expect(rtf.rtf == 0.25)
        #expect(rtf.timesRealTime == 4)
        #expect(rtf.label == "RTF 0.25 (4.00× real time)")
        let slow = RealTimeFactor(computeSeconds: 30, audioSeconds: 2)
        #expect(slow.label == "RTF 15.0 (0.067× real time)")
    }

    @Test func undefinedWithoutAudio() {
        let none = RealTimeFactor(computeSeconds: 1, audioSeconds: 0)
        #expect(none.rtf == nil)
        #expect(none.timesRealTime == nil)
        #expect(none.label.contains("no audio"))
    }
}

@Suite struct StageTests {
    @Test func stagesAccumulateInFirstSeenOrder() {
        let recorder = StageRecorder()
        recorder.add("phonemes", seconds: 0.1)
        recorder.add("decoder", seconds: 1)
        recorder.add("phonemes", seconds: 0.2)
        #expect(recorder.timings.map(\.name) == ["phonemes", "decoder"])
        #expect(abs(recorder.timings[0].seconds - 0.3) < 1e-12)
    }

    @Test func measureChargesTimeEvenWhenTheBodyThrows() {
        struct Boom: Error {}
        let recorder = StageRecorder()
        #expect(throws: Boom.self) {
            try recorder.measure("failing") {
                usleep(2000)
                throw Boom()
            }
        }
        let value = recorder.measure("ok") { 42 }
        #expect(value == 42)
        #expect(recorder.timings.map(\.name) == ["failing", "ok"])
        #expect(recorder.timings[0].seconds >= 0.002)
    }

    @Test func concurrentAddsAreNotLost() async {
        let recorder = StageRecorder()
        await withTaskGroup(of: Void.self) { group in
            for i in 0 ..< 400 { group.addTask { recorder.add("s\(i % 4)", seconds: 1) } }
        }
        #expect(recorder.timings.count == 4)
        #expect(recorder.timings.allSatisfy { $0.seconds == 100 })
    }

    @Test func meterRecordsFirstAudioOnceAndSumsAudio() {
        var meter = SynthesisMeter(loadSeconds: 0.7)
        usleep(3000)
        meter.audioProduced(frames: 24000, sampleRate: 24000)
        let first = meter.metrics.firstAudioSeconds
        usleep(3000)
        meter.audioProduced(frames: 12000, sampleRate: 24000)
        let metrics = meter.finish(stages: [StageTiming(name: "decoder", seconds: 0.004)])
        #expect(metrics.firstAudioSeconds == first)
        #expect((first ?? 0) >= 0.003)
        #expect(metrics.synthesisSeconds > (first ?? .infinity))
        #expect(metrics.audioSeconds == 1.5)
        #expect(metrics.loadSeconds == 0.7)
        #expect(metrics.stages.map(\.name) == ["decoder"])
        #expect((metrics.peakResidentMB ?? 0) >= (metrics.residentMB ?? .infinity) - 0.001)
    }
}

@Suite(.serialized) struct ProcessMemoryTests {
    @Test func parsesProcStatus() {
        let status = "Name:\tsotto\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t3\n"
        let reading = ProcessMemory.parse(status: status)
        #expect(reading?.residentBytes == 102_400 * 1024)
        #expect(reading?.peakResidentMB == 200)
        #expect(ProcessMemory.parse(status: "Name:\tx\n") == nil)
    }

    @Test func seesAllocationsAndPeakReset() throws {
        let before = try #require(ProcessMemory.read())
        let bytes = 512 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        memset(block, 1, bytes)  // touch every page so it is resident
        let during = try #require(ProcessMemory.read())
        #expect(during.residentBytes - before.residentBytes > 256 << 20)
        block.deallocate()
        let after = try #require(ProcessMemory.read())
        // The kernel batches per-thread RSS counters (up to 64 page faults per thread) before
        // it updates the high-water mark, so the peak may trail an RSS reading by a few pages.
        let counterSlack = 2 << 20
        #expect(after.peakResidentBytes >= during.residentBytes - counterSlack)
        if ProcessMemory.resetPeak() {
            let reset = try #require(ProcessMemory.read())
            #expect(reset.peakResidentBytes < during.residentBytes)
        }
    }
}
