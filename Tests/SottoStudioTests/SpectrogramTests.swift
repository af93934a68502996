import Foundation
import SottoAudio
import SottoCore
import SottoStudio
import Testing

/// The Playback strip's spectrogram: where a tone lands on the mel axis, that silence draws
/// nothing, that it fills the strip's width, and that its playhead moves while the take plays.
@Suite struct SpectrogramTests {
    static func tone(hz: Double, seconds: Double, sampleRate: Int, amplitude: Float = 0.5) -> [Float] {
        (0..<Int(seconds * Double(sampleRate))).map { amplitude * Float(sin(2 * Double.pi * hz * Double($0) / Double(sampleRate))) }
    }

    /// The frequency in the middle of row `row` (counted from the bottom) of `rows` rows
    /// spanning 0 Hz to Nyquist on the HTK mel scale, worked out here from the scale's definition.
    static func middleOfRow(_ row: Int, of rows: Int, sampleRate: Int) -> Double {
        let topMel = 2595 * log10(1 + Double(sampleRate) / 2 / 700)
        let mel = (Double(row) + 0.5) / Double(rows) * topMel
        return 700 * (pow(10, mel / 2595) - 1)
    }

    @Test(arguments: [24_000, 22_050, 16_000])
    func aPureToneLightsTheRowOfItsFrequencyAndNoRowFarFromIt(sampleRate: Int) {
        let rows = 10, lit = 3
        let hz = Self.middleOfRow(lit, of: rows, sampleRate: sampleRate)
        let spectrogram = Spectrogram(sampleRate: sampleRate)
        spectrogram.update(Self.tone(hz: hz, seconds: 1.5, sampleRate: sampleRate))
        let image = spectrogram.image(columns: 30, rows: rows)
        let expectedRow = rows - 1 - lit
        for column in 0..<image.columns {
            let levels = (0..<rows).map { image.level(row: $0, column: column) }
            #expect(levels[expectedRow] > 0.99, "column \(column): \(levels)")
            for row in 0..<rows where abs(row - expectedRow) >= 2 {
                #expect(levels[row] == 0, "\(hz) Hz lit row \(row) in column \(column): \(levels)")
            }
        }
    }

    @Test func theAnalysisWindowIs43MillisecondsAtEveryRate() {
        #expect(Spectrogram(sampleRate: 24_000).fftSize == 1024 && Spectrogram(sampleRate: 24_000).hopSize == 256)
        #expect(Spectrogram(sampleRate: 22_050).fftSize == 1024)
        #expect(Spectrogram(sampleRate: 48_000).fftSize == 2048)
        #expect(Spectrogram(sampleRate: 16_000).fftSize == 512)
    }

    @Test func silenceDrawsNothing() {
        let spectrogram = Spectrogram(sampleRate: 24_000)
        spectrogram.update([Float](repeating: 0, count: 24_000))
        #expect(spectrogram.frameCount > 0)
        let image = spectrogram.image(columns: 40, rows: 6)
        #expect(image.levels.allSatisfy { $0 == 0 })
        #expect(image.levels.allSatisfy { Glyphs.unicode.shade($0) == " " })
    }

    @Test func aTakeShorterThanOneWindowDrawsNothingAndDoesNotTrap() {
        let spectrogram = Spectrogram(sampleRate: 24_000)
        spectrogram.update(Self.tone(hz: 1000, seconds: 0.01, sampleRate: 24_000))
        #expect(spectrogram.frameCount == 0)
        #expect(spectrogram.image(columns: 10, rows: 3).levels == [Double](repeating: 0, count: 30))
    }

    @Test func growingAudioGivesTheSameSpectrumAsAllAtOnce() {
        let samples = Self.tone(hz: 700, seconds: 1, sampleRate: 24_000)
        let whole = Spectrogram(sampleRate: 24_000)
        whole.update(samples)
        let grown = Spectrogram(sampleRate: 24_000)
        for end in stride(from: 5_000, through: samples.count, by: 5_000) { grown.update(Array(samples[..<end])) }
        grown.update(samples)
        #expect(grown.frameCount == whole.frameCount)
        // The same frames, up to the FFT's rounding (frames are transformed in pairs).
        let (a, b) = (grown.image(columns: 50, rows: 8).levels, whole.image(columns: 50, rows: 8).levels)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func aLongTakeIsAnalysedAFewFramesAtATimeAndFillsInFromTheLeft() {
        let samples = Self.tone(hz: 700, seconds: 4, sampleRate: 24_000)
        let whole = Spectrogram(sampleRate: 24_000)
        whole.update(samples)
        let budgeted = Spectrogram(sampleRate: 24_000)
        budgeted.update(samples, frameBudget: 100)
        #expect(budgeted.frameCount == 100 && !budgeted.isComplete)
        // 100 of 372 frames: the left quarter shows the tone, the rest waits, blank.
        let partial = budgeted.image(columns: 40, rows: 6)
        let lit = (0..<40).map { column in (0..<6).contains { partial.level(row: $0, column: column) > 0 } }
        #expect(lit.prefix(9).allSatisfy { $0 } && lit.suffix(25).allSatisfy { !$0 }, "\(lit)")
        var updates = 1
        while !budgeted.isComplete { budgeted.update(samples, frameBudget: 100); updates += 1 }
        #expect(updates == 4 && budgeted.frameCount == whole.frameCount)
        let (a, b) = (budgeted.image(columns: 40, rows: 6).levels, whole.image(columns: 40, rows: 6).levels)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test(arguments: [1, 37, 98, 158])
    func theImageHasOneColumnPerScreenColumn(columns: Int) {
        let spectrogram = Spectrogram(sampleRate: 24_000)
        spectrogram.update(Self.tone(hz: 1000, seconds: 0.5, sampleRate: 24_000))
        let image = spectrogram.image(columns: columns, rows: 4)
        #expect(image.columns == columns && image.levels.count == columns * 4)
        // Every column shows the tone, however many frames it spans.
        #expect((0..<columns).allSatisfy { column in (0..<4).contains { image.level(row: $0, column: column) > 0 } })
    }

    /// A session with one take: a tone in the middle of the fourth of 7 rows (at 16 kHz).
    static func toneSession(in root: URL, seconds: Double = 4) throws -> (hz: Double, seconds: Double) {
        let (handle, created) = try SessionStore(root: root).create()
        var manifest = created
        let hz = middleOfRow(3, of: 7, sampleRate: 16_000)
        let samples = tone(hz: hz, seconds: seconds, sampleRate: 16_000)
        let name = SessionHandle.audioFileName(takeID: 1)
        try AudioFile.write(samples: samples, sampleRate: 16_000, to: handle.audioURL(name).path, format: .wavFloat)
        manifest.takes.append(Take(
            id: 1, createdAt: Date(), text: "A tone.",
            model: TakeModel(id: "piper:fixture", name: "fixture", kind: .piper, variant: nil),
            settings: VoiceSettings(voice: "tone"), seed: nil, sampleRate: 16_000, frames: samples.count,
            audioFile: name, metrics: TakeMetrics(timeToFirstAudio: 0.1, synthesisSeconds: 0.2, audioSeconds: seconds),
            notes: [], outcome: .complete))
        manifest.nextTakeID = 2
        manifest.text = "A tone."
        try handle.writeManifest(manifest)
        return (hz, seconds)
    }

    /// The columns of the strip's picture rows holding the playhead line, and the picture rows.
    static func strip(_ grid: ScreenGrid, layout: StudioLayout) -> (rows: [String], headColumns: Set<Int>) {
        let inner = layout.playback.inset
        // The last row of the strip's inside is its status line.
        let rows = (inner.row..<(inner.row + inner.height - 1)).map { row in
            Array(grid.lines[row]).dropFirst(inner.column).prefix(inner.width).map(String.init).joined()
        }
        var heads = Set<Int>()
        for row in rows {
            for (column, character) in row.enumerated() where character == "│" { heads.insert(column) }
        }
        return (rows, heads)
    }

    @Test func vShowsTheSelectedTakesSpectrogramAcrossTheStripWithAMovingPlayhead() throws {
        let folder = ScratchFolder()
        _ = try Self.toneSession(in: folder.path("sessions"))
        let output = ManualOutput()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: output)
        defer { studio.shutdown() }
        #expect(studio.takes.count == 1)
        let view = StudioView(glyphs: .unicode)
        let waveformLayout = StudioLayout(width: 100, height: 30, focus: studio.focus)
        studio.handle(.character("v"))
        #expect(studio.stripView == .spectrogram)
        for width in [100, 130] {
            let grid = ScreenGrid(width: width, height: 30)
            var layout = StudioLayout(width: width, height: 30, focus: studio.focus, strip: .spectrogram)
            #expect(studio.settle {
                view.draw(studio, on: grid)
                layout = studio.drawn.layout ?? layout
                return Self.strip(grid, layout: layout).rows.joined().contains("█")
            }, "\(grid.text)")
            #expect(grid.rows(containing: "Playback · spectrogram").count == 1, "\(grid.text)")
            // The strip grows to a third of the screen: 7 rows of picture over its status at 30 rows.
            #expect(layout.playback.height > waveformLayout.playback.height)
            let (rows, _) = Self.strip(grid, layout: layout)
            #expect(rows.count == 7)
            // The tone is one band, the fourth row from the bottom, lit across the whole width.
            let toneRow = rows.count - 1 - 3
            #expect(rows[toneRow].count == layout.playback.width - 2 && rows[toneRow].allSatisfy { $0 == "█" }, "\(rows)")
            for (index, row) in rows.enumerated() where abs(index - toneRow) >= 2 {
                #expect(row.allSatisfy { $0 == " " }, "row \(index): \(row)")
            }
        }

        studio.handle(.character(" "))
        studio.playback.settle()
        let sound = try #require(output.opened.last)
        var columns: [Int] = []
        for frame in [8_000, 32_000, 56_000] {
            sound.advance(to: frame)
            let grid = ScreenGrid(width: 100, height: 30)
            #expect(studio.settle { studio.playbackSnapshot.playheadSeconds == Double(frame) / 16_000 })
            view.draw(studio, on: grid)
            let layout = try #require(studio.drawn.layout)
            let heads = Self.strip(grid, layout: layout).headColumns
            #expect(heads.count == 1, "\(grid.text)")
            columns.append(heads.first ?? -1)
        }
        // 0.5 s, 2 s and 3.5 s of 4 s across 98 columns.
        #expect(columns == [12, 49, 85], "\(columns)")

        studio.handle(.character("v"))
        #expect(studio.stripView == .waveform)
        studio.command("view spectrogram")
        #expect(studio.stripView == .spectrogram)
        studio.command("view waveform")
        #expect(studio.stripView == .waveform)
        studio.command("view sideways")
        #expect(studio.log.current(at: studio.now)?.isError == true)
        #expect(studio.stripView == .waveform)
    }

    @Test func aBlindTestShowsNoSpectrum() throws {
        let folder = ScratchFolder()
        try LoudnessFixture.writeSession(amplitudes: [0.4, 0.2], into: folder.path("sessions"))
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder), output: ManualOutput())
        defer { studio.shutdown() }
        studio.command("view spectrogram")
        studio.command("mark a 1")
        studio.command("mark b 2")
        studio.handle(.character("B"))
        studio.handle(.character("1"))
        studio.playback.settle()
        let grid = ScreenGrid(width: 100, height: 30)
        #expect(studio.settle {
            StudioView(glyphs: .unicode).draw(studio, on: grid)
            return studio.library.cached(1) != nil && studio.library.cached(2) != nil
        })
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        for shade in ["░", "▒", "▓"] { #expect(grid.rows(containing: shade).isEmpty, "\(grid.text)") }
        // Only the even bar that shows progress: every row of the picture is one glyph throughout.
        let layout = try #require(studio.drawn.layout)
        for row in Self.strip(grid, layout: layout).rows { #expect(Set(row).count == 1, "\(row)") }
    }

    @Test func theSpectrogramHasItsOwnThemeRolesWithAMonochromeFallback() {
        #expect(StyleRole(rawValue: "spectrogram")?.parent == .waveform)
        #expect(StyleRole(rawValue: "spectrogram_peak")?.parent == .waveformPlayed)
        #expect(StyleRole.spectrogramPeak.monochromeAttributes.contains(.bold))
        #expect(Glyphs.ascii.shades.count == Glyphs.unicode.shades.count)
        #expect((0...8).map { Glyphs.unicode.shade(Double($0) / 8) } == [" ", "░", "░", "▒", "▒", "▓", "▓", "█", "█"])
    }
}
