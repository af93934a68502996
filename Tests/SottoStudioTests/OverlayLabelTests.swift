import Foundation
import SottoCore
import SottoStudio
import Testing

/// Labels that must say what is on screen, and a blind test on a small terminal.
@Suite struct OverlayLabelTests {
    func studioWithTwoMarkedTakes(_ folder: ScratchFolder) throws -> StudioModel {
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
        studio.command("mark a 1")
        studio.command("mark b 2")
        return studio
    }

    @Test func theBlindTestsInstructionsFitA40By12Terminal() throws {
        let folder = ScratchFolder()
        let studio = try studioWithTwoMarkedTakes(folder)
        studio.handle(.character("B"))
        let grid = ScreenGrid(width: 40, height: 12)
        StudioView(glyphs: .unicode).draw(studio, on: grid)
        for words in ["Sample 1", "Sample 2", "play/stop", "preference"] {
            #expect(!grid.rows(containing: words).isEmpty, "\(words) missing:\n\(grid.text)")
        }
        studio.shutdown()
    }

    @Test func aVoteForNeitherSaysSoAndEachOverlayNamesItself() throws {
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
        studio.command("mark a 1")
        studio.command("mark b 2")
        studio.handle(.character("B"))
        studio.handle(.character("="))
        #expect(studio.log.messages.last?.text == "blind vote recorded: no preference")
        studio.handle(.escape)

        let grid = ScreenGrid(width: 100, height: 30)
        let view = StudioView(glyphs: .unicode)
        for (key, badge) in [("m", " MESSAGES "), ("?", " HELP ")] {
            studio.handle(.character(Character(key)))
            view.draw(studio, on: grid)
            let status = grid.lines[29]
            #expect(status.hasPrefix(badge), "\(key): \(status)")
            studio.handle(.escape)
        }
        studio.shutdown()
    }
}
