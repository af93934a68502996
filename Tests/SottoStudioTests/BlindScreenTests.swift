import Foundation
import SottoCore
import SottoStudio
import Testing

/// What the screen gives away, or must not, during a blind test.
@Suite struct BlindScreenTests {
    @Test func thePlaybackStripHidesHowLongEachSampleIs() throws {
        let folder = ScratchFolder()
        let studio = try makeStudio(folder: folder, models: try makeFakeModels(in: folder))
        #expect(studio.settle { !studio.loadedModels.isEmpty })
        studio.handle(.character("i"))
        studio.type("Hello there.")
        studio.handle(.escape)
        studio.command("autoplay off")
        for _ in 0..<2 {
            let before = studio.takes.count
            studio.handle(.character("s"))
            #expect(studio.settle { studio.takes.count == before + 1 && studio.jobs.isEmpty })
        }
        let seconds = studio.takes[0].seconds
        let length = String(format: "%d:%04.1f", Int(seconds) / 60, seconds.truncatingRemainder(dividingBy: 60))
        studio.command("mark a 1")
        studio.command("mark b 2")
        let view = StudioView(glyphs: .unicode)
        let grid = ScreenGrid(width: 100, height: 30)
        view.draw(studio, on: grid)
        #expect(!grid.rows(containing: length).isEmpty, "the length shows outside a blind test:\n\(grid.text)")

        studio.handle(.character("B"))
        #expect(studio.blind != nil)
        for key in ["1", " ", "2"] {
            studio.handle(.character(Character(key)))
            studio.playback.settle()
            studio.tick()
            view.draw(studio, on: grid)
            #expect(grid.rows(containing: length).isEmpty, "after \(key):\n\(grid.text)")
        }
        studio.shutdown()
    }
}
