import Foundation

/// The `sotto say` command that makes a take again: its text, model, voice or blend, language,
/// speed, seed and precision, quoted for a POSIX shell.
public enum SayCommand {
    /// The words after `sotto`, unquoted. `modelsDirectory` is named only when it is not the one
    /// `sotto` finds by itself.
    public static func arguments(for take: Take, modelsDirectory: String? = nil) -> [String] {
        var words = ["say", "-m", take.model.id]
        let settings = take.settings
        // A single-speaker Piper voice is named after its model: nothing to choose.
        if let voice = settings.voice, voice != take.model.name { words += ["-v", voice] }
        if !settings.instruct.isEmpty { words += ["--instruct", settings.instruct] }
        if !settings.voiceDescription.isEmpty { words += ["--design", settings.voiceDescription] }
        if let language = settings.language { words += ["--language", language] }
        if settings.speed != 1 { words += ["--speed", String(settings.speed)] }
        if let seed = take.seed { words += ["--seed", String(seed)] }
        if let precision = settings.precision { words += ["--precision", precision.rawValue] }
        if let modelsDirectory { words += ["--models-dir", modelsDirectory] }
        // Text that starts with a dash would be read as an option without the `--`.
        if take.text.hasPrefix("-") { words.append("--") }
        words.append(take.text)
        return words
    }

    /// "sotto say -m piper:en_US-joe-medium --seed 7 'Hello there.'"
    public static func line(for take: Take, modelsDirectory: String? = nil) -> String {
        (["sotto"] + arguments(for: take, modelsDirectory: modelsDirectory)).map(shellQuoted).joined(separator: " ")
    }

    /// A word as a POSIX shell reads it back unchanged: bare when it holds only characters no
    /// shell treats specially, else in single quotes (a single quote inside becomes `'\''`).
    public static func shellQuoted(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:/+=@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The terminal sequence (OSC 52) that asks the terminal to put `text` on the clipboard.
    /// Terminals that do not support it ignore it.
    public static func clipboardSequence(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }
}
