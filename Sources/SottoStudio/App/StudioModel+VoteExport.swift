import Foundation
import SottoCore

extension StudioModel {
    /// `:export-votes FILE.csv`: the tallies `:tally` shows, as CSV. An existing file is
    /// replaced only with `:export-votes! FILE.csv`; either way the file appears whole.
    public func exportVotes(to rawPath: String, replace: Bool) {
        let path = Self.expandPath(rawPath)
        let url = URL(fileURLWithPath: path)
        let log = manifest.listeningLog
        guard !manifest.votes.isEmpty || !log.rankings.isEmpty || !log.abxTrials.isEmpty else {
            error("no blind votes, rankings or ABX rounds in this session yet")
            return
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path, isDirectory: &isFolder), isFolder.boolValue else {
            error("there is no folder \(url.deletingLastPathComponent().path): create it first, or export elsewhere")
            return
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            error("\(path) is a folder: name a file, e.g. \(rawPath.hasSuffix("/") ? rawPath : rawPath + "/")votes.csv")
            return
        }
        let data = Data(VoteTable(manifest: manifest).csv.utf8)
        do {
            if replace {
                try AtomicFile.write(data, to: url)
            } else {
                try NewFile.create(at: url, data: data)
            }
            info("tallies written to \(path)")
        } catch {
            if FileManager.default.fileExists(atPath: path), !replace {
                // The name first: a long folder is what the status bar cuts short.
                self.error("\(url.lastPathComponent) already exists in \(url.deletingLastPathComponent().path) (not replaced: :export-votes! \(rawPath) replaces it)")
            } else {
                self.error("export failed: \(SottoError.describe(error))")
            }
        }
    }
}
