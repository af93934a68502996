import Foundation
import SottoCore

extension StudioModel {
    /// `y` / `:copy`: shows the `sotto say` command that makes the take again, and hands it to the
    /// terminal's clipboard.
    public func copyCommand(takeReference: String?) {
        guard let takeID = chosenTakeID(takeReference, noTakes: "no takes yet: synthesize one with s",
                                        noSelection: "select a take to copy its command") else { return }
        guard let take = take(takeID) else {
            error("take #\(takeID) is still being made; copy its command when it is done")
            return
        }
        let line = sayCommand(for: take)
        clipboardRequest = line
        info("copied: " + line)
    }

    /// The command for `take`, naming the models folder only when `sotto` would not find it alone.
    public func sayCommand(for take: Take) -> String {
        let folder = environment.modelsDirectory.standardizedFileURL
        let usual = SottoPaths().modelsDirectory().standardizedFileURL
        return SayCommand.line(for: take, modelsDirectory: folder == usual ? nil : folder.path)
    }

    /// The clipboard text waiting for the terminal, once.
    public func takeClipboardRequest() -> String? {
        defer { clipboardRequest = nil }
        return clipboardRequest
    }
}
