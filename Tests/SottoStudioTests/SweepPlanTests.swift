import Foundation
import SottoCore
import SottoStudio
import Testing

/// Reading `:sweep AXIS=values ...`: axes, lists, ranges, blends, quoted designs, the limits.
@Suite struct SweepPlanTests {
    @Test func twoAxesMakeRowsByColumns() throws {
        let plan = try SweepPlan.parse("voice=jf_alpha,jf_nezumi,jm_kumo speed=0.9,1.1", currentVoice: nil)
        #expect(plan.rows == 3 && plan.columns == 2 && plan.count == 6)
        #expect(plan.dimensions.map(\.axis) == [.voice, .speed])
        #expect(plan.dimensions[0].values == ["jf_alpha", "jf_nezumi", "jm_kumo"])
        #expect(plan.dimensions[1].values == ["0.9", "1.1"])
        let place = plan.values(row: 2, column: 1)
        #expect(place.map(\.axis) == [.voice, .speed] && place.map(\.value) == ["jm_kumo", "1.1"])
    }

    @Test func oneAxisIsASingleColumn() throws {
        let plan = try SweepPlan.parse("seed=1..4", currentVoice: nil)
        #expect(plan.rows == 4 && plan.columns == 1)
        #expect(plan.dimensions[0].values == ["1", "2", "3", "4"])
    }

    @Test func rangesSpreadTheirCountEvenly() throws {
        let plan = try SweepPlan.parse("speed=0.8..1.2/5", currentVoice: nil)
        #expect(plan.dimensions[0].values == ["0.8", "0.9", "1", "1.1", "1.2"])
    }

    @Test func blendWeightsNameBothVoicesOrTakeTheVoiceInUse() throws {
        let both = try SweepPlan.parse("blend=jf_alpha+jm_kumo:0.2..0.8/4", currentVoice: nil)
        #expect(both.dimensions[0].values == ["jf_alpha:0.2,jm_kumo:0.8", "jf_alpha:0.4,jm_kumo:0.6",
                                               "jf_alpha:0.6,jm_kumo:0.4", "jf_alpha:0.8,jm_kumo:0.2"])
        let listed = try SweepPlan.parse("blend=jf_alpha:0.3,0.7", currentVoice: "jm_kumo")
        #expect(listed.dimensions[0].values == ["jf_alpha:0.3,jm_kumo:0.7", "jf_alpha:0.7,jm_kumo:0.3"])
        let written = try SweepPlan.parse("blend=jf_alpha:0.7,jm_kumo:0.3|jf_alpha:0.5,jf_nezumi:0.5", currentVoice: nil)
        #expect(written.dimensions[0].values == ["jf_alpha:0.7,jm_kumo:0.3", "jf_alpha:0.5,jf_nezumi:0.5"])
        #expect(throws: SottoError.self) { try SweepPlan.parse("blend=jf_alpha:0.2..0.8/4", currentVoice: nil) }
        #expect(throws: SottoError.self) { try SweepPlan.parse("blend=jf_alpha+jm_kumo:0.2,1.5", currentVoice: nil) }
    }

    @Test func designsAreSeparatedByBarsOrQuotedAndKeepTheirCommas() throws {
        let barred = try SweepPlan.parse("design=a warm low voice, slow|a bright voice seed=1,2", currentVoice: nil)
        #expect(barred.dimensions[0].values == ["a warm low voice, slow", "a bright voice"])
        #expect(barred.dimensions[1].values == ["1", "2"])
        let quoted = try SweepPlan.parse(#"design="calm, deep","speed=fast" speed=1"#, currentVoice: nil)
        #expect(quoted.dimensions[0].values == ["calm, deep", "speed=fast"])
        #expect(quoted.dimensions[1].values == ["1"])
    }

    @Test func moreThanTwoAxesOrTooManyTakesAreClearErrors() {
        #expect(message { try SweepPlan.parse("voice=a,b speed=1,2 seed=1,2", currentVoice: nil) }
                    .contains("at most 2 settings"))
        #expect(message { try SweepPlan.parse("seed=1..7 speed=0.5..2/6", currentVoice: nil) }
                    .contains("at most 36 takes; 7 seed × 6 speed is 42"))
        #expect(message { try SweepPlan.parse("colour=red", currentVoice: nil) }.contains("unknown sweep axis \"colour\""))
        #expect(message { try SweepPlan.parse("voice=a blend=a:0.5,b:0.5", currentVoice: nil) }.contains("both set the voice"))
        #expect(message { try SweepPlan.parse("speed=9", currentVoice: nil) }.contains("outside 0.25 to 4"))
        #expect(message { try SweepPlan.parse("speed=0.8..1.2", currentVoice: nil) }.contains("needs how many values"))
        #expect(message { try SweepPlan.parse("seed=x", currentVoice: nil) }.contains("not a whole number"))
        #expect(message { try SweepPlan.parse("voice=a,,b", currentVoice: nil) }.contains("empty value"))
        #expect(message { try SweepPlan.parse("hello voice=a", currentVoice: nil) }.contains("cannot read \"hello\""))
        #expect(message { try SweepPlan.parse("speed=1 speed=2", currentVoice: nil) }.contains("given twice"))
    }

    func message(_ body: () throws -> SweepPlan) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return SottoError.describe(error)
        }
    }
}

/// A sweep's grid as kept in the session: places, ratings and their means, where each take is.
@Suite struct SweepStateTests {
    func sweep() throws -> Sweep {
        let plan = try SweepPlan.parse("voice=a,b,c speed=1,2", currentVoice: nil)
        return Sweep(id: 1, createdAt: Date(), text: "t", modelName: "m", plan: plan, takeIDs: Array(10..<16))
    }

    @Test func placesGoRowByRowAndRatingsAverageByRowAndColumn() throws {
        var sweep = try sweep()
        #expect(sweep.cells.map(\.takeID) == Array(10..<16))
        #expect(sweep.cell(row: 2, column: 1)?.takeID == 15)
        #expect(sweep.cell(row: 3, column: 0) == nil)
        #expect(sweep.rowLabel(1) == "b" && sweep.columnLabel(1) == "2" && sweep.axesLabel == "voice × speed")
        sweep.rate(row: 0, column: 0, stars: 5)
        sweep.rate(row: 0, column: 1, stars: 2)
        sweep.rate(row: 1, column: 1, stars: 9)
        #expect(sweep.cell(row: 1, column: 1)?.stars == 5)
        #expect(sweep.averageStars(row: 0) == 3.5)
        #expect(sweep.averageStars(column: 1) == 3.5)
        #expect(sweep.averageStars(row: 2) == nil)
        sweep.rate(row: 0, column: 0, stars: nil)
        #expect(sweep.averageStars(column: 0) == nil)
    }

    @Test func aCellsStatusComesFromItsJobItsTakeOrItsFailure() {
        let take = Take(id: 1, createdAt: Date(), text: "t", model: TakeModel(id: "piper:x", name: "x", kind: .piper, variant: nil),
                        settings: VoiceSettings(), seed: nil, sampleRate: 16_000, frames: 10, audioFile: nil,
                        metrics: TakeMetrics(), notes: [], outcome: .complete)
        var cut = take
        cut.outcome = .cancelled
        #expect(SweepCellStatus.of(jobStarted: false, take: nil, failure: nil) == .queued)
        #expect(SweepCellStatus.of(jobStarted: true, take: nil, failure: nil) == .making)
        #expect(SweepCellStatus.of(jobStarted: nil, take: take, failure: nil) == .done)
        #expect(SweepCellStatus.of(jobStarted: nil, take: cut, failure: nil) == .stopped)
        #expect(SweepCellStatus.of(jobStarted: nil, take: nil, failure: "no voice") == .failed("no voice"))
        #expect(SweepCellStatus.of(jobStarted: nil, take: nil, failure: nil) == .stopped)
    }

    @Test func theGridCursorStopsAtTheEdges() {
        var cursor = SweepGridCursor()
        cursor.move(rows: -1, columns: 5, in: (rows: 3, columns: 2))
        #expect(cursor.row == 0 && cursor.column == 1)
        cursor.move(rows: 7, columns: 0, in: (rows: 3, columns: 2))
        #expect(cursor.row == 2)
        cursor.select(row: 1, column: 0, in: (rows: 3, columns: 2))
        #expect(cursor.row == 1 && cursor.column == 0)
    }

    @Test func aGridTooWideForTheScreenShowsThePartWithTheSelection() throws {
        let plan = try SweepPlan.parse("seed=1,2 speed=0.5..2/16", currentVoice: nil)
        let sweep = Sweep(id: 1, createdAt: Date(), text: "t", modelName: "m", plan: plan, takeIDs: Array(1...32))
        var cursor = SweepGridCursor()
        let first = SweepGridLayout(screenWidth: 100, screenHeight: 30, sweep: sweep, cursor: cursor)
        #expect(first.firstColumn == 0 && first.visibleColumns < 16 && first.visibleColumns >= 4)
        cursor.select(row: 1, column: 15, in: (rows: 2, columns: 16))
        let last = SweepGridLayout(screenWidth: 100, screenHeight: 30, sweep: sweep, cursor: cursor)
        #expect(last.firstColumn + last.visibleColumns == 16)
        // A click on the first shown cell of the second row is that place.
        let row = last.inner.row + 3
        let column = last.inner.column + 1 + last.labelWidth + 2
        #expect(last.place(atRow: row, column: column).map { [$0.row, $0.column] } == [1, last.firstColumn])
        #expect(last.place(atRow: last.inner.row, column: column) == nil)
    }
}

/// The blend slider's arithmetic and look.
@Suite struct BlendSliderTests {
    @Test func readsATwoVoiceBlendAndWritesItBackInTenths() throws {
        let slider = try #require(BlendSlider("jf_alpha:0.7,jm_kumo:0.3"))
        #expect(slider.label == "jf_alpha 0.7 ▮▮▮▮▮▮▮▯▯▯ 0.3 jm_kumo")
        #expect(slider.moved(by: -1).voiceSetting == "jf_alpha:0.6,jm_kumo:0.4")
        #expect(slider.moved(by: 2).voiceSetting == "jf_alpha:0.9,jm_kumo:0.1")
        #expect(slider.moved(by: 9).voiceSetting == "jf_alpha:1.0,jm_kumo:0.0")
        #expect(slider.moved(by: -20).label == "jf_alpha 0.0 ▯▯▯▯▯▯▯▯▯▯ 1.0 jm_kumo")
        #expect(BlendSlider("a:2,b:2")?.voiceSetting == "a:0.5,b:0.5")
        #expect(BlendSlider("a,b")?.voiceSetting == "a:0.5,b:0.5")
    }

    @Test func anythingButTwoVoicesIsNoSlider() {
        #expect(BlendSlider(nil) == nil)
        #expect(BlendSlider("jf_alpha") == nil)
        #expect(BlendSlider("a:1,b:1,c:1") == nil)
        #expect(BlendSlider("a:0,b:0") == nil)
        #expect(BlendSlider("a:x,b:1") == nil)
        #expect(BlendSlider("a:1,a:1") == nil)
    }
}
