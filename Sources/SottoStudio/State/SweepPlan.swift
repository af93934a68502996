import Foundation
import SottoCore

/// A setting a sweep varies.
public enum SweepAxis: String, Codable, CaseIterable, Sendable {
    case voice
    /// Kokoro blend weights: each value is a whole blend string (`jf_alpha:0.7,jm_kumo:0.3`).
    case blend
    case speed
    case seed
    /// A VoiceDesign description.
    case design
    case model
}

/// One axis of a sweep and the values it takes, spelled as the settings spell them.
public struct SweepDimension: Codable, Equatable, Sendable {
    public var axis: SweepAxis
    public var values: [String]

    public init(axis: SweepAxis, values: [String]) {
        self.axis = axis
        self.values = values
    }
}

/// What `:sweep AXIS=v1,v2 [AXIS=...]` asks for: one or two axes, so the takes form a grid of
/// rows (the first axis) by columns (the second).
public struct SweepPlan: Equatable, Sendable {
    /// More than two axes would not be a grid one can read at a glance.
    public static let maximumAxes = 2
    /// Enough for a 6×6 grid; more takes than one listens through in a sitting.
    public static let maximumTakes = 36

    public var dimensions: [SweepDimension]

    public init(dimensions: [SweepDimension]) {
        self.dimensions = dimensions
    }

    public var rows: Int { dimensions.first?.values.count ?? 0 }
    public var columns: Int { dimensions.count > 1 ? dimensions[1].values.count : 1 }
    public var count: Int { rows * columns }

    /// The value of every axis at one place in the grid.
    public func values(row: Int, column: Int) -> [(axis: SweepAxis, value: String)] {
        var result = [(dimensions[0].axis, dimensions[0].values[row])]
        if dimensions.count > 1 { result.append((dimensions[1].axis, dimensions[1].values[column])) }
        return result
    }

    /// Reads the text after `:sweep`. `currentVoice` is the partner of a one-voice blend axis
    /// (`blend=jf_alpha:0.2..0.8/4` blends jf_alpha with the voice in use).
    public static func parse(_ text: String, currentVoice: String?) throws -> SweepPlan {
        let segments = try axisSegments(text)
        guard !segments.isEmpty else {
            throw SottoError(":sweep needs at least one AXIS=values", hint: "e.g. :sweep voice=jf_alpha,jm_kumo speed=0.9,1.1")
        }
        if segments.count > maximumAxes {
            throw SottoError("a sweep varies at most \(maximumAxes) settings (rows and columns), not \(segments.count): \(segments.map(\.axis.rawValue).joined(separator: ", "))")
        }
        var dimensions: [SweepDimension] = []
        for (axis, raw) in segments {
            if dimensions.contains(where: { $0.axis == axis }) { throw SottoError("\(axis.rawValue)= is given twice") }
            dimensions.append(SweepDimension(axis: axis, values: try values(of: axis, raw, currentVoice: currentVoice)))
        }
        if Set(dimensions.map(\.axis)) == [.voice, .blend] {
            throw SottoError("voice= and blend= both set the voice: sweep one of them")
        }
        let plan = SweepPlan(dimensions: dimensions)
        if plan.count > maximumTakes {
            let sizes = dimensions.map { "\($0.values.count) \($0.axis.rawValue)" }.joined(separator: " × ")
            throw SottoError("a sweep makes at most \(maximumTakes) takes; \(sizes) is \(plan.count)")
        }
        return plan
    }

    // MARK: Reading

    /// Splits `voice=a,b speed=1,2` at each `NAME=` that starts a word outside quotes.
    static func axisSegments(_ text: String) throws -> [(axis: SweepAxis, raw: String)] {
        let characters = Array(text)
        var starts: [(index: Int, axis: SweepAxis, valueStart: Int)] = []
        var quoted = false
        for index in characters.indices {
            if characters[index] == "\"" { quoted.toggle() }
            guard !quoted, index == 0 || characters[index - 1] == " " else { continue }
            let word = String(characters[index...].prefix { $0.isLetter })
            guard !word.isEmpty, index + word.count < characters.count, characters[index + word.count] == "=" else { continue }
            guard let axis = axis(named: word) else {
                throw SottoError("unknown sweep axis \"\(word)\"", hint: "axes: \(SweepAxis.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            starts.append((index, axis, index + word.count + 1))
        }
        if quoted { throw SottoError("a quote in the sweep is not closed: \(text)") }
        let leading = String(characters[..<(starts.first?.index ?? characters.count)]).trimming(" ")
        if !leading.isEmpty {
            throw SottoError("cannot read \"\(leading)\" in the sweep", hint: "write AXIS=v1,v2, e.g. :sweep voice=jf_alpha,jm_kumo speed=0.9,1.1")
        }
        return starts.enumerated().map { number, start in
            let end = number + 1 < starts.count ? starts[number + 1].index : characters.count
            return (start.axis, String(characters[start.valueStart..<end]).trimming(" "))
        }
    }

    static func axis(named word: String) -> SweepAxis? {
        let lower = word.lowercased()
        let aliases: [String: SweepAxis] = ["voices": .voice, "speaker": .voice, "speakers": .voice, "blends": .blend,
                                            "weights": .blend, "speeds": .speed, "seeds": .seed, "designs": .design,
                                            "description": .design, "descriptions": .design, "models": .model]
        return SweepAxis(rawValue: lower) ?? aliases[lower]
    }

    static func values(of axis: SweepAxis, _ raw: String, currentVoice: String?) throws -> [String] {
        guard !raw.isEmpty else { throw SottoError("\(axis.rawValue)= has no values") }
        switch axis {
        case .speed:
            return try items(raw, splitOnCommas: true).flatMap { try numbers($0, what: "speed") }.map { speed in
                guard VoiceSettings.speedRange.contains(speed) else { throw SottoError("speed \(format(speed)) is outside 0.25 to 4") }
                return format(speed)
            }
        case .seed:
            return try items(raw, splitOnCommas: true).flatMap(seeds)
        case .blend:
            if !raw.contains("|"), !raw.contains("\""), let weighted = try weightedBlends(raw, currentVoice: currentVoice) {
                return weighted
            }
            return try items(raw, splitOnCommas: false)
        case .design:
            return try items(raw, splitOnCommas: false)
        case .voice, .model:
            return try items(raw, splitOnCommas: true)
        }
    }

    /// Values separated by `|`, or quoted, or (for names and numbers) by commas.
    static func items(_ raw: String, splitOnCommas: Bool) throws -> [String] {
        var result: [String]
        if raw.contains("\"") {
            result = []
            var current: String?
            for character in raw {
                if character == "\"" {
                    if let value = current { result.append(value); current = nil } else { current = "" }
                } else if current != nil {
                    current!.append(character)
                } else if !" ,|".contains(character) {
                    throw SottoError("quote each value or none: \(raw)")
                }
            }
        } else if raw.contains("|") {
            result = raw.split(separator: "|", omittingEmptySubsequences: false).map { String($0) }
        } else if splitOnCommas {
            result = raw.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        } else {
            result = [raw]
        }
        result = result.map { $0.trimming(" ") }
        if result.contains(where: \.isEmpty) { throw SottoError("an empty value in \(raw)") }
        return result
    }

    /// `0.9`, or `0.8..1.2/5` (five values from 0.8 to 1.2).
    static func numbers(_ item: String, what: String) throws -> [Double] {
        if let value = Double(item), value.isFinite { return [value] }
        let parts = item.components(separatedBy: "..")
        guard parts.count == 2 else { throw SottoError("\(what) \"\(item)\" is not a number or a range like 0.8..1.2/5") }
        let ends = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let low = Double(parts[0]), let high = Double(ends[0]), low.isFinite, high.isFinite else {
            throw SottoError("cannot read the range \"\(item)\"", hint: "write FROM..TO/COUNT, e.g. 0.8..1.2/5")
        }
        guard ends.count == 2, let count = Int(ends[1]), count >= 2 else {
            throw SottoError("the range \"\(item)\" needs how many values, 2 or more: \(parts[0])..\(ends[0])/5")
        }
        guard count <= maximumTakes else { throw SottoError("a sweep makes at most \(maximumTakes) takes; \(item) alone is \(count)") }
        return (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }
    }

    /// `7`, or `1..4` (1, 2, 3, 4).
    static func seeds(_ item: String) throws -> [String] {
        if let seed = UInt64(item) { return [String(seed)] }
        let parts = item.components(separatedBy: "..")
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low <= high else {
            throw SottoError("seed \"\(item)\" is not a whole number or a range like 1..4")
        }
        guard high - low < UInt64(maximumTakes) else {
            throw SottoError("a sweep makes at most \(maximumTakes) takes; \(item) alone is more")
        }
        return (low...high).map(String.init)
    }

    /// `jf_alpha+jm_kumo:0.2..0.8/4` or `jf_alpha+jm_kumo:0.3,0.5` (the first voice's weight;
    /// the second has the rest), or `jf_alpha:...` blended with the voice in use. Nil when the
    /// text is a single blend written out (`jf_alpha:0.7,jm_kumo:0.3`).
    static func weightedBlends(_ raw: String, currentVoice: String?) throws -> [String]? {
        guard let colon = raw.firstIndex(of: ":") else { return nil }
        let voices = raw[..<colon].split(separator: "+", omittingEmptySubsequences: false).map { $0.trimming(" ") }
        let weights = String(raw[raw.index(after: colon)...])
        guard !raw[..<colon].contains(","), voices.count <= 2, !voices.contains(where: \.isEmpty),
              weights.split(separator: ",").allSatisfy({ Double($0.trimming(" ")) != nil || $0.contains("..") }) else { return nil }
        let first = voices[0]
        let second: String
        if voices.count == 2 {
            second = voices[1]
        } else {
            guard let currentVoice, !currentVoice.contains(":"), !currentVoice.contains(","), currentVoice != first else {
                throw SottoError("blend=\(raw) blends \(first) with the voice in use, and that is not one other voice",
                                 hint: "name both: blend=\(first)+OTHER:\(weights)")
            }
            second = currentVoice
        }
        return try weights.split(separator: ",").flatMap { try numbers($0.trimming(" "), what: "blend weight") }.map { weight in
            guard (0...1).contains(weight) else { throw SottoError("a blend weight is from 0 to 1, not \(format(weight))") }
            return "\(first):\(format(weight)),\(second):\(format(1 - weight))"
        }
    }

    /// A number as short as it reads: 0.9, 1, 0.35 (to two decimals).
    static func format(_ value: Double) -> String {
        var text = String(format: "%.2f", (value * 100).rounded() / 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
