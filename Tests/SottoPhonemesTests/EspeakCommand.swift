import Foundation
import Testing

/// The `espeak-ng` command-line tool, the reference the phonemizer is checked against.
enum EspeakCommand {
    /// `espeak-ng -q --ipa -v <voice> <text>`: one clause per line, here joined by single spaces.
    static func ipa(_ text: String, voice: String = "en-us") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-q", "--ipa", "-v", voice, text]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "espeak-ng exited with \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self).normalizedWhitespace
    }
}

extension String {
    /// Without espeak-ng's language-switch marks such as `(en)` and `(de)`, which the
    /// command line prints and the phonemizer removes because no model vocabulary has them.
    var withoutLanguageSwitches: String {
        replacing(#/\([a-z]{2,3}(-[a-z0-9]+)*\)/#, with: "").normalizedWhitespace
    }
}

extension StringProtocol {
    /// Words separated by single spaces, no leading or trailing space.
    var normalizedWhitespace: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
