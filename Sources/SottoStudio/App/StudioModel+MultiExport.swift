import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    /// Whether `:export PATH` names a folder (for the picked takes) rather than one audio file:
    /// it ends in `/`, or is a folder already.
    static func namesFolder(_ rawPath: String) -> Bool {
        if rawPath.hasSuffix("/") { return true }
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: expandPath(rawPath), isDirectory: &isFolder) && isFolder.boolValue
    }

    /// `:export FOLDER [wav|flac|ogg]`: every picked take as its own audio file in `folder`
    /// (created if its parent exists), and `takes.json` beside them with their settings. Nothing
    /// there is ever replaced: a name already taken stops the export before anything is written.
    public func exportPicked(to rawFolder: String, formatName: String?) {
        let ids = pickedTakes
        guard !ids.isEmpty else {
            error("pick the takes to export with x in Takes (or :pick N N …), or give a file name: :export NAME.wav")
            return
        }
        let format: AudioFileFormat
        switch formatName?.lowercased() ?? "wav" {
        case "wav": format = .wav16
        case "flac": format = .flac16
        case "ogg": format = .oggVorbis
        default:
            error("export format must be wav, flac or ogg, not \"\(formatName ?? "")\"")
            return
        }
        let folder = URL(fileURLWithPath: Self.expandPath(rawFolder))
        do {
            try prepareFolder(folder)
            let takes = ids.compactMap { take($0) }
            let names = takes.map { ExportSidecar.audioFileName(for: $0, fileExtension: format.fileExtension) }
            for name in names + [ExportSidecar.fileName] where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
                throw SottoError("\(name) already exists in \(folder.path)", hint: "export to another folder; nothing was written")
            }
            // Every take's audio is read before anything is written, so a missing one stops it all.
            let audio = try takes.map { try finishedAudio(of: $0) }
            for (name, buffer) in zip(names, audio) {
                try NewFile.create(at: folder.appendingPathComponent(name)) { path in
                    try AudioFile.write(samples: buffer.samples(), sampleRate: buffer.sampleRate, to: path, format: format)
                }
            }
            let models = sayCommandModelsDirectory
            let sidecar = ExportSidecar(session: manifest.id, exportedAt: Date(),
                                        takes: zip(takes, names).map { ExportSidecar.Entry(take: $0, file: $1, modelsDirectory: models) })
            try NewFile.create(at: folder.appendingPathComponent(ExportSidecar.fileName), data: try SessionManifest.encoder.encode(sidecar))
            info("\(takes.count) take\(takes.count == 1 ? "" : "s") and \(ExportSidecar.fileName) written to \(folder.path)")
        } catch {
            self.error("export failed: \(SottoError.describe(error))")
        }
    }

    /// The folder, made when missing (only the last part: a mistyped parent is not created).
    private func prepareFolder(_ folder: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw SottoError("\(folder.path) is a file, not a folder") }
            return
        }
        let parent = folder.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SottoError("there is no folder \(parent.path)", hint: "create it first, or export elsewhere")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    }

    /// A take's whole audio: from memory when it is there, else from the session.
    func finishedAudio(of take: Take) throws -> PlaybackBuffer {
        if let cached = library.cached(take.id), cached.isFinished { return cached }
        guard let file = take.audioFile else { throw SottoError("take #\(take.id) has no saved audio") }
        return try library.load(take.id, from: session.audioURL(file))
    }

    /// The models folder a `sotto say` command must name: nil when `sotto` finds it by itself.
    var sayCommandModelsDirectory: String? {
        let folder = environment.modelsDirectory.standardizedFileURL
        return folder == SottoPaths().modelsDirectory().standardizedFileURL ? nil : folder.path
    }
}
