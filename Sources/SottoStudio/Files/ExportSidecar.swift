import Foundation

/// The settings of takes exported together, written beside their audio as `takes.json`: for
/// each take its file, text, model, every setting, the seed, and the `sotto say` command that
/// makes it again (the one `y` copies).
public struct ExportSidecar: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var take: Int
        public var file: String
        public var text: String
        public var model: TakeModel
        public var voice: String?
        public var instruct: String?
        public var voiceDescription: String?
        public var language: String?
        public var speed: Double
        public var seed: UInt64?
        public var precision: String?
        public var sampleRate: Int
        public var seconds: Double
        public var loudnessLUFS: Double?
        /// The `sotto say` command, quoted for a POSIX shell, and the same as separate words.
        public var command: String
        public var arguments: [String]

        public init(take: Take, file: String, modelsDirectory: String?) {
            let settings = take.settings
            self.take = take.id
            self.file = file
            text = take.text
            model = take.model
            voice = settings.voice
            instruct = settings.instruct.isEmpty ? nil : settings.instruct
            voiceDescription = settings.voiceDescription.isEmpty ? nil : settings.voiceDescription
            language = settings.language
            speed = settings.speed
            seed = take.seed
            precision = settings.precision?.rawValue
            sampleRate = take.sampleRate
            seconds = take.seconds
            loudnessLUFS = take.metrics.loudness?.integratedLUFS
            command = SayCommand.line(for: take, modelsDirectory: modelsDirectory)
            arguments = ["sotto"] + SayCommand.arguments(for: take, modelsDirectory: modelsDirectory)
        }
    }

    public var session: String
    public var exportedAt: Date
    public var takes: [Entry]

    public init(session: String, exportedAt: Date, takes: [Entry]) {
        self.session = session
        self.exportedAt = exportedAt
        self.takes = takes
    }

    public static let fileName = "takes.json"

    /// "take-0003-af_bella.wav": the take's number and voice, safe as a file name.
    public static func audioFileName(for take: Take, fileExtension: String) -> String {
        let voice = (take.settings.voice ?? take.voiceName)
            .map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? String($0) : $0 == "," ? "+" : "-" }.joined()
        return String(format: "take-%04d-", take.id) + voice + "." + fileExtension
    }
}
