import SottoCore

/// Which of the two comparison slots.
public enum ABSlot: String, Equatable, Sendable {
    case a = "A"
    case b = "B"
}

/// What can be typed after `:`.
public enum StudioCommand: Equatable, Sendable {
    case synthesize
    /// A take by number, `A`, `B`, or the selected take when nil.
    case play(String?)
    case stop
    case model(String)
    case load(String?)
    case unload(String?)
    case voice(String)
    case preset(String)
    /// A name, and whether an existing preset of that name may be replaced (`:preset save! NAME`).
    case savePreset(String, overwrite: Bool)
    /// `:keep NAME [MODEL] [FILE]`: keep a take's (or a file's) voice as a cloned voice.
    case keepVoice(KeepVoiceRequest)
    case speed(Double)
    case seed(SeedChoice)
    /// Nil: the studio's default for the model.
    case precision(WeightPrecision?)
    case language(String?)
    case instruct(String)
    case design(String)
    /// Nil lists the themes.
    case theme(String?)
    /// A path, and the take (number, `A`, `B`) or nil for the selected one.
    case export(path: String, take: String?)
    /// `:copy [N|A|B]`: the `sotto say` command of a take (the selected one when nil).
    case copyCommand(String?)
    case mark(ABSlot, String?)
    case toggleAB
    case blind
    /// `:abx [ROUNDS]`: nil is the default number of rounds.
    case abx(rounds: Int?)
    /// `:rank`: a blind ranking of the picked takes.
    case rank
    /// `:pick N …` (takes by number, `A`, `B`), or `:pick none`.
    case pick([String])
    /// `:diff [T [T]]`.
    case diff([String])
    /// `:export FOLDER/ [wav|flac|ogg]`: the picked takes and their settings.
    case exportPicked(folder: String, format: String?)
    /// `:export-votes FILE`; `replace` with `:export-votes! FILE`.
    case exportVotes(path: String, replace: Bool)
    case tally
    /// `:sweep AXIS=values ...`, `:sweep cancel`, or `:sweep [N]` to show a sweep's grid.
    case sweep(String?)
    case selectTake(String)
    case device(String)
    case autoplay(Bool)
    /// `:view [waveform|spectrogram]`: nil switches to the other.
    case stripView(StripView?)
    case newSession
    /// `:open NAME`: a session by name or folder.
    case openSession(String)
    /// `:sessions` (and `:open` alone): list the sessions.
    case sessions
    case help
    case messages
    case quit
}

/// One command as the help overlay and completion know it.
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    /// "NAME", "[N|A|B]", ... (empty when the command takes nothing).
    public var arguments: String
    public var summary: String
    /// What the argument completes from.
    public var completes: Completion

    public enum Completion: Sendable {
        case nothing
        case models
        case voices
        case presets
        case themes
        case languages
        case takes
        case sessions
        case fixed([String])
    }
}

/// Parses command lines, with errors that say what was expected.
public enum CommandParser {
    public static let specs: [CommandSpec] = [
        CommandSpec(name: "synth", aliases: ["s", "synthesize", "say"], arguments: "", summary: "synthesize the text as a new take", completes: .nothing),
        CommandSpec(name: "play", aliases: ["p"], arguments: "[N|A|B]", summary: "play a take (the selected one by default)", completes: .takes),
        CommandSpec(name: "stop", aliases: ["cancel"], arguments: "", summary: "stop playback and cancel synthesis", completes: .nothing),
        CommandSpec(name: "model", aliases: ["m"], arguments: "NAME", summary: "use a model (loading it)", completes: .models),
        CommandSpec(name: "load", aliases: [], arguments: "[NAME]", summary: "load a model without switching to it", completes: .models),
        CommandSpec(name: "unload", aliases: [], arguments: "[NAME]", summary: "unload a model and free its memory", completes: .models),
        CommandSpec(name: "voice", aliases: ["v", "speaker"], arguments: "NAME", summary: "choose a voice or speaker (or a:0.6,b:0.4 blend)", completes: .voices),
        CommandSpec(name: "preset", aliases: [], arguments: "NAME|save[!] NAME", summary: "apply a voice preset, or save the settings as one (save! replaces)", completes: .presets),
        CommandSpec(name: "keep", aliases: ["clone"], arguments: "NAME [MODEL] [FILE]", summary: "keep the selected take's voice (or a recording's) as a cloned voice of a Qwen3-TTS Base model (keep! replaces)", completes: .models),
        CommandSpec(name: "speed", aliases: [], arguments: "X", summary: "speaking rate, 0.25 to 4", completes: .nothing),
        CommandSpec(name: "seed", aliases: [], arguments: "N|random", summary: "fix the seed, or draw a new one per take", completes: .fixed(["random"])),
        CommandSpec(name: "precision", aliases: [], arguments: "NAME", summary: "weight precision: fp32, bf16, int8, int4 or default (Qwen3-TTS; reloads the model)", completes: .fixed(WeightPrecision.allCases.map(\.rawValue) + ["default"])),
        CommandSpec(name: "lang", aliases: ["language"], arguments: "NAME|auto", summary: "spoken language (Kokoro, Qwen3-TTS)", completes: .languages),
        CommandSpec(name: "instruct", aliases: ["style", "emotion"], arguments: "TEXT", summary: "emotion or style instruction (Qwen3-TTS CustomVoice)", completes: .nothing),
        CommandSpec(name: "design", aliases: ["description"], arguments: "TEXT", summary: "describe the voice to design (Qwen3-TTS VoiceDesign)", completes: .nothing),
        CommandSpec(name: "theme", aliases: [], arguments: "[NAME]", summary: "switch theme (and remember it); list themes", completes: .themes),
        CommandSpec(name: "export", aliases: ["w", "write"], arguments: "PATH [N|A|B]", summary: "write a take to .wav, .flac or .ogg; a FOLDER/ [wav|flac|ogg] gets the picked takes and takes.json", completes: .nothing),
        CommandSpec(name: "copy", aliases: ["yank", "command"], arguments: "[N|A|B]", summary: "the sotto say command that makes a take again (copied to the clipboard)", completes: .takes),
        CommandSpec(name: "mark", aliases: [], arguments: "a|b [N]", summary: "mark a take as A or B", completes: .fixed(["a", "b"])),
        CommandSpec(name: "ab", aliases: ["toggle"], arguments: "", summary: "switch between A and B at the same position", completes: .nothing),
        CommandSpec(name: "blind", aliases: [], arguments: "", summary: "blind A/B test of the takes marked A and B", completes: .nothing),
        CommandSpec(name: "abx", aliases: [], arguments: "[ROUNDS]", summary: "ABX test of A and B: is X A or B? (10 rounds unless told)", completes: .nothing),
        CommandSpec(name: "pick", aliases: [], arguments: "N…|none", summary: "pick takes for :rank and folder export (x picks the selected one)", completes: .takes),
        CommandSpec(name: "rank", aliases: ["ranking"], arguments: "", summary: "blind ranking of the 3 to 8 picked takes", completes: .nothing),
        CommandSpec(name: "diff", aliases: ["compare"], arguments: "[N|A|B] [N|A|B]", summary: "two takes' settings side by side (A and B unless named)", completes: .takes),
        CommandSpec(name: "tally", aliases: ["votes"], arguments: "", summary: "blind votes, rankings and ABX by model, voice and setting", completes: .nothing),
        CommandSpec(name: "export-votes", aliases: ["export-tally"], arguments: "FILE.csv", summary: "write the tallies as CSV (export-votes! replaces a file)", completes: .nothing),
        CommandSpec(name: "sweep", aliases: ["grid"], arguments: "AXIS=v1,v2 [AXIS=…]", summary: "one take per place of a grid of voice, blend, speed, seed, design or model (2 axes, 36 takes); alone or N: a sweep's grid; cancel: its queued takes", completes: .fixed(["cancel", "voice=", "blend=", "speed=", "seed=", "design=", "model="])),
        CommandSpec(name: "take", aliases: ["t"], arguments: "N", summary: "select take N", completes: .takes),
        CommandSpec(name: "device", aliases: [], arguments: "NAME", summary: "ALSA playback device (and remember it)", completes: .fixed(["default"])),
        CommandSpec(name: "view", aliases: [], arguments: "[NAME]", summary: "what the Playback strip shows: waveform or spectrogram (alone, or v: the other)", completes: .fixed(StripView.allCases.map(\.rawValue))),
        CommandSpec(name: "autoplay", aliases: [], arguments: "on|off", summary: "play takes while they are synthesized", completes: .fixed(["on", "off"])),
        CommandSpec(name: "new", aliases: [], arguments: "", summary: "start a new session (the current one stays on disk)", completes: .nothing),
        CommandSpec(name: "open", aliases: ["session"], arguments: "NAME|PATH", summary: "open a session (a new one if NAME is new)", completes: .sessions),
        CommandSpec(name: "sessions", aliases: [], arguments: "", summary: "list the sessions: name, takes, last used", completes: .nothing),
        CommandSpec(name: "help", aliases: ["h"], arguments: "", summary: "show keys and commands", completes: .nothing),
        CommandSpec(name: "messages", aliases: ["log"], arguments: "", summary: "show recent messages and errors", completes: .nothing),
        CommandSpec(name: "quit", aliases: ["q", "exit"], arguments: "", summary: "leave the studio (the session is already saved)", completes: .nothing),
    ]

    public static func spec(named word: String) -> CommandSpec? {
        let lower = word.lowercased()
        return specs.first { $0.name == lower || $0.aliases.contains(lower) }
    }

    public static func parse(_ line: String) throws -> StudioCommand {
        var trimmed = line.trimming(" ")
        if trimmed.hasPrefix(":") { trimmed.removeFirst() }
        guard !trimmed.isEmpty else { throw SottoError("no command", hint: "try :help") }
        var word = String(trimmed.prefix { $0 != " " })
        let rest = trimmed.dropFirst(word.count).trimming(" ")
        // `!` after a command that writes a file allows replacing one.
        let replacing = word.hasSuffix("!") && word.count > 1
        if replacing { word.removeLast() }
        guard let spec = spec(named: word) else {
            let near = specs.map(\.name).filter { $0.hasPrefix(word.lowercased().prefix(1)) }
            throw SottoError("unknown command :\(word)", hint: near.isEmpty ? "try :help" : "did you mean :\(near.joined(separator: ", :"))?")
        }
        if replacing, !["export-votes", "keep"].contains(spec.name) {
            throw SottoError(":\(spec.name) takes no !", hint: ":\(spec.name) \(spec.arguments)")
        }
        let argument: String? = rest.isEmpty ? nil : rest
        func required(_ what: String) throws -> String {
            guard let argument else { throw SottoError(":\(spec.name) needs \(what)", hint: ":\(spec.name) \(spec.arguments)") }
            return argument
        }
        switch spec.name {
        case "synth": return .synthesize
        case "play": return .play(argument)
        case "stop": return .stop
        case "model": return .model(try required("a model name"))
        case "load": return .load(argument)
        case "unload": return .unload(argument)
        case "voice": return .voice(try required("a voice or speaker"))
        case "preset":
            let value = try required("a preset name, or save NAME")
            let lower = value.lowercased()
            if lower == "save" || lower == "save!" || lower.hasPrefix("save ") || lower.hasPrefix("save! ") {
                let overwrite = lower.hasPrefix("save!")
                let name = value.dropFirst(overwrite ? 5 : 4).trimming(" ")
                guard !name.isEmpty else { throw SottoError(":preset save needs a name", hint: ":preset save NAME") }
                return .savePreset(name, overwrite: overwrite)
            }
            return .preset(value)
        case "keep":
            return .keepVoice(try KeepVoiceRequest.parse(try required("a name for the voice"), overwrite: replacing))
        case "speed":
            let value = try required("a number")
            guard let speed = Double(value), speed.isFinite, VoiceSettings.speedRange.contains(speed) else {
                throw SottoError("speed must be a number from 0.25 to 4, not \"\(value)\"")
            }
            return .speed(speed)
        case "seed":
            let value = try required("a number or random")
            if value.lowercased() == "random" { return .seed(.random) }
            guard let seed = UInt64(value) else { throw SottoError("seed must be a whole number or random, not \"\(value)\"") }
            return .seed(.fixed(seed))
        case "precision":
            return .precision(try precision(try required("fp32, bf16, int8, int4 or default")))
        case "lang":
            let value = try required("a language, or auto")
            return .language(value.lowercased() == "auto" ? nil : value)
        case "instruct": return .instruct(argument ?? "")
        case "design": return .design(argument ?? "")
        case "theme": return .theme(argument)
        case "export":
            let value = try required("a file path")
            var parts = value.split(separator: " ").map(String.init)
            if parts.count > 1, let last = parts.last, ["wav", "flac", "ogg"].contains(last.lowercased()) {
                parts.removeLast()
                return .exportPicked(folder: parts.joined(separator: " "), format: last)
            }
            if parts.count > 1, let last = parts.last, isTakeReference(last) {
                parts.removeLast()
                return .export(path: parts.joined(separator: " "), take: last)
            }
            return .export(path: value, take: nil)
        case "copy": return .copyCommand(argument)
        case "mark":
            let value = try required("a or b")
            let parts = value.split(separator: " ").map(String.init)
            guard let slot = ABSlot(rawValue: parts[0].uppercased()) else {
                throw SottoError(":mark takes a or b, not \"\(parts[0])\"")
            }
            return .mark(slot, parts.count > 1 ? parts[1] : nil)
        case "ab": return .toggleAB
        case "blind": return .blind
        case "abx":
            guard let argument else { return .abx(rounds: nil) }
            guard let rounds = Int(argument) else { throw SottoError(":abx takes a number of rounds, not \"\(argument)\"") }
            return .abx(rounds: rounds)
        case "rank": return .rank
        case "pick": return .pick(try required("take numbers, or none").split(separator: " ").map(String.init))
        case "diff": return .diff(argument.map { $0.split(separator: " ").map(String.init) } ?? [])
        case "export-votes": return .exportVotes(path: try required("a file name, e.g. votes.csv"), replace: replacing)
        case "tally": return .tally
        case "sweep": return .sweep(argument)
        case "take": return .selectTake(try required("a take number"))
        case "device": return .device(try required("an ALSA device name"))
        case "autoplay":
            let value = try required("on or off")
            guard let flag = StudioConfig.flag(value) else { throw SottoError(":autoplay takes on or off, not \"\(value)\"") }
            return .autoplay(flag)
        case "view":
            guard let argument else { return .stripView(nil) }
            guard let view = StripView(rawValue: argument.lowercased()) else {
                throw SottoError(":view takes waveform or spectrogram, not \"\(argument)\"")
            }
            return .stripView(view)
        case "new": return .newSession
        case "open": return argument.map(StudioCommand.openSession) ?? .sessions
        case "sessions": return .sessions
        case "help": return .help
        case "messages": return .messages
        case "quit": return .quit
        default: throw SottoError("unknown command :\(word)")
        }
    }

    /// A precision by name; "default" (or nothing) is nil, the studio's default.
    public static func precision(_ value: String) throws -> WeightPrecision? {
        let word = value.trimming(" ").lowercased()
        if word.isEmpty || word == "default" || word == "auto" { return nil }
        guard let precision = WeightPrecision(rawValue: word) else {
            throw SottoError("precision must be fp32, bf16, int8, int4 or default, not \"\(value)\"")
        }
        return precision
    }

    /// "3", "#3", "A", "b".
    public static func isTakeReference(_ word: String) -> Bool {
        let lower = word.lowercased()
        if lower == "a" || lower == "b" { return true }
        return Int(lower.hasPrefix("#") ? String(lower.dropFirst()) : lower) != nil
    }

    /// Completions for what has been typed so far: command names for the first word, then
    /// names from `candidates` for commands that take one.
    public static func complete(_ line: String, candidates: (CommandSpec.Completion) -> [String]) -> [String] {
        let text = line.hasPrefix(":") ? String(line.dropFirst()) : line
        guard let space = text.firstIndex(of: " ") else {
            let lower = text.lowercased()
            return specs.map(\.name).filter { $0.hasPrefix(lower) }.map { $0 + " " }
        }
        let word = String(text[..<space])
        guard let spec = spec(named: word) else { return [] }
        let argument = text[text.index(after: space)...].lowercased()
        let options: [String]
        if case .fixed(let values) = spec.completes { options = values } else { options = candidates(spec.completes) }
        return options.filter { $0.lowercased().hasPrefix(argument) }.map { "\(word) \($0)" }
    }
}
