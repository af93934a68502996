import Foundation
import SottoCore
import SottoKernels

/// What a request asks of the model, resolved against its config: speaker, language and
/// instruction, checked, with anything ignored noted.
public struct Qwen3PromptRequest: Sendable {
    public var text: String
    public var speaker: String?
    public var instruct: String?
    public var language: String
    public var notes: [String]
    /// A Base model's x-vector (the speaker encoder's output for a reference recording), which
    /// takes the speaker's place in the codec track. A voice clone streams its text one token
    /// per frame, as the reference does by default for voice clones.
    public var speakerEmbedding: [Float]?

    public init(text: String, speaker: String? = nil, instruct: String? = nil, language: String, notes: [String] = [],
                speakerEmbedding: [Float]? = nil) {
        self.text = text
        self.speaker = speaker
        self.instruct = instruct
        self.language = language
        self.notes = notes
        self.speakerEmbedding = speakerEmbedding
    }
}

/// The talker's input: prefill rows (text track + codec track summed) and the text rows fed one
/// per generated frame afterwards.
struct TalkerPrompt {
    var prefill: [Float]
    var prefillCount: Int
    var trailing: [[Float]]
    var padRow: [Float]
    var textTokenCount: Int
}

/// Builds prompts exactly as the reference does for CustomVoice, VoiceDesign and x-vector-only
/// voice clones (Base): the templated
/// strings are tokenized whole and sliced by position (so a leading newline in the text merges
/// with the role's newline, as it does there).
struct PromptBuilder {
    let configuration: Qwen3Configuration
    let tokenizer: BPETokenizer
    let talker: Talker

    /// Texts longer than this are refused rather than run for minutes; callers split long text.
    static let maximumTextTokens = 2000

    func assistantIDs(_ text: String) -> [Int] {
        tokenizer.encode("<|im_start|>assistant\n\(text)<|im_end|>\n<|im_start|>assistant\n")
    }

    func instructIDs(_ instruct: String) -> [Int] {
        tokenizer.encode("<|im_start|>user\n\(instruct)<|im_end|>\n")
    }

    func build(_ request: Qwen3PromptRequest, workspace: Workspace) throws -> TalkerPrompt {
        let t = configuration.talker
        let h = talker.hiddenSize
        let ids = assistantIDs(request.text)
        guard ids.count >= 8 else {
            throw SottoError("the text has nothing to say", hint: "give some words to speak")
        }
        let textIDs = Array(ids[3 ..< ids.count - 5])
        guard textIDs.count <= Self.maximumTextTokens else {
            throw SottoError("the text is too long for one take (\(textIDs.count) tokens, at most \(Self.maximumTextTokens))",
                             hint: "split it into paragraphs")
        }
        let special = try talker.projectText([configuration.ttsBOSTokenID, configuration.ttsEOSTokenID, configuration.ttsPadTokenID],
                                                workspace: workspace)
        let bos = Array(special[0 ..< h]), eos = Array(special[h ..< 2 * h]), pad = Array(special[2 * h ..< 3 * h])

        var codecIDs: [Int]
        let language = request.language.lowercased()
        var languageID = language == "auto" ? nil : t.languageIDs[language]
        if let speaker = request.speaker, ["chinese", "auto"].contains(language),
           let dialect = t.speakerDialects[speaker], let dialectID = t.languageIDs[dialect] {
            languageID = dialectID
        }
        if let languageID {
            codecIDs = [t.codecThink, t.codecThinkBOS, languageID, t.codecThinkEOS]
        } else {
            codecIDs = [t.codecNoThink, t.codecThinkBOS, t.codecThinkEOS]
        }
        var codecRows: [[Float]] = codecIDs.map { codecRow($0) }
        if let embedding = request.speakerEmbedding {
            guard embedding.count == h else {
                throw SottoError("the speaker embedding has \(embedding.count) values but this model's talker takes \(h)",
                                 hint: "compute it with this model's speaker encoder")
            }
            codecRows.append(embedding)
        } else if let speaker = request.speaker, let id = t.speakerIDs[speaker] {
            codecRows.append(codecRow(id))
        }
        codecRows.append(codecRow(t.codecPad))
        codecRows.append(codecRow(t.codecBOS))

        var rows: [Float] = []
        if let instruct = request.instruct, !instruct.isEmpty {
            rows += try talker.projectText(instructIDs(instruct), workspace: workspace)
        }
        rows += try talker.projectText(Array(ids[0 ..< 3]), workspace: workspace)
        let n = codecRows.count
        for i in 0 ..< n - 1 {
            rows += zip(i < n - 2 ? pad : bos, codecRows[i]).map(+)
        }
        let padCodec = codecRow(t.codecPad)
        let projected = try talker.projectText(textIDs, workspace: workspace)
        if request.speakerEmbedding != nil {
            // Streaming text: the first text token goes with the codec BOS; the rest, then the
            // end-of-text row, are added to the frames as they are generated.
            guard !textIDs.isEmpty else {
                throw SottoError("the text has nothing to say", hint: "give some words to speak")
            }
            rows += zip(projected[0 ..< h], codecRows[n - 1]).map(+)
            let trailing = (1 ..< textIDs.count).map { Array(projected[$0 * h ..< ($0 + 1) * h]) } + [eos]
            return TalkerPrompt(prefill: rows, prefillCount: rows.count / h, trailing: trailing, padRow: pad,
                                textTokenCount: textIDs.count)
        }
        for k in 0 ..< textIDs.count {
            rows += zip(projected[k * h ..< (k + 1) * h], padCodec).map(+)
        }
        rows += zip(eos, padCodec).map(+)
        rows += zip(pad, codecRows[n - 1]).map(+)
        return TalkerPrompt(prefill: rows, prefillCount: rows.count / h, trailing: [pad], padRow: pad,
                            textTokenCount: textIDs.count)
    }

    private func codecRow(_ id: Int) -> [Float] {
        var row = [Float](repeating: 0, count: talker.hiddenSize)
        row.withUnsafeMutableBufferPointer { talker.codecEmbedding.gather(id, into: $0.baseAddress!) }
        return row
    }
}
