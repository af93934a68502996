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
    /// A Base model's cloned voice: its x-vector takes the speaker's place in the codec track
    /// and, in context, the reference's words and codes lead the prompt. A voice clone feeds its
    /// text one token per frame, as the reference does by default for voice clones.
    public var clone: VoiceClonePrompt?

    public init(text: String, speaker: String? = nil, instruct: String? = nil, language: String, notes: [String] = [],
                clone: VoiceClonePrompt? = nil) {
        self.text = text
        self.speaker = speaker
        self.instruct = instruct
        self.language = language
        self.notes = notes
        self.clone = clone
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

/// Builds prompts exactly as the reference does for CustomVoice, VoiceDesign and voice clones
/// (Base, x-vector only or in context): the templated
/// strings are tokenized whole and sliced by position (so a leading newline in the text merges
/// with the role's newline, as it does there).
struct PromptBuilder {
    let configuration: Qwen3Configuration
    let tokenizer: BPETokenizer
    let talker: Talker
    let codePredictor: CodePredictor

    /// Texts longer than this are refused rather than run for minutes; callers split long text.
    static let maximumTextTokens = 2000

    func assistantIDs(_ text: String) -> [Int] {
        tokenizer.encode("<|im_start|>assistant\n\(text)<|im_end|>\n<|im_start|>assistant\n")
    }

    /// The reference's words as the reference tokenizes them: templated, then sliced `[3, -2)`.
    func referenceIDs(_ text: String) -> [Int] {
        let ids = tokenizer.encode("<|im_start|>assistant\n\(text)<|im_end|>\n")
        return ids.count > 5 ? Array(ids[3 ..< ids.count - 2]) : []
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
        if let embedding = request.clone?.xVector {
            guard embedding.count == h else {
                throw SottoError("the voice's x-vector has \(embedding.count) values but this model's talker takes \(h)",
                                 hint: "clone the voice again with this model")
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
        if let clone = request.clone, let codes = clone.referenceCodes, let words = clone.referenceText {
            var prompt = try inContext(textIDs: textIDs, referenceText: words, referenceCodes: codes, eos: eos, pad: pad,
                                       workspace: workspace)
            prompt.prefill = rows + prompt.prefill
            prompt.prefillCount = prompt.prefill.count / h
            return prompt
        }
        let projected = try talker.projectText(textIDs, workspace: workspace)
        if request.clone != nil {
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

    /// The in-context tail of a voice clone's prompt, after the codec prefix: the text track is
    /// the reference's words, the text and the end-of-text row; the codec track is codec BOS and
    /// then each reference frame (its 16 codes' embeddings summed). The two tracks are added
    /// row by row; text beyond the codec track is fed one row per generated frame, and a
    /// shorter text is padded with the pad row.
    private func inContext(textIDs: [Int], referenceText: String, referenceCodes: [[Int]], eos: [Float], pad: [Float],
                           workspace: Workspace) throws -> TalkerPrompt {
        let h = talker.hiddenSize
        let referenceIDs = referenceIDs(referenceText)
        guard !referenceIDs.isEmpty else {
            throw SottoError("the reference text is empty", hint: "give the words spoken in the reference")
        }
        guard !referenceCodes.isEmpty else {
            throw SottoError("the voice has no reference codes", hint: "clone the voice again from its recording")
        }
        let projected = try talker.projectText(referenceIDs + textIDs, workspace: workspace)
        var text = (0 ..< referenceIDs.count + textIDs.count).map { Array(projected[$0 * h ..< ($0 + 1) * h]) } + [eos]
        let codec = try [codecRow(configuration.talker.codecBOS)] + referenceCodes.map(referenceFrameRow)
        var trailing = [pad]
        if text.count > codec.count {
            trailing = Array(text[codec.count...])
            text.removeLast(text.count - codec.count)
        } else {
            text += Array(repeating: pad, count: codec.count - text.count)
        }
        var rows: [Float] = []
        rows.reserveCapacity(codec.count * h)
        for (t, c) in zip(text, codec) { rows += zip(t, c).map(+) }
        return TalkerPrompt(prefill: rows, prefillCount: codec.count, trailing: trailing, padRow: pad,
                            textTokenCount: referenceIDs.count + textIDs.count)
    }

    /// One reference frame in the codec track: the talker's embedding of its first code plus
    /// the code predictor's embeddings of the others, as a generated frame is fed back.
    private func referenceFrameRow(_ frame: [Int]) throws -> [Float] {
        let groups = configuration.talker.codeGroups
        guard frame.count == groups else {
            throw SottoError("a reference frame has \(frame.count) codes but this model uses \(groups)",
                             hint: "clone the voice again with this model")
        }
        let tables = codePredictor.codecEmbeddings
        guard frame.indices.allSatisfy({ frame[$0] >= 0 && frame[$0] < ($0 == 0 ? configuration.talker.dimensions.vocabularySize - 1024 : tables[$0 - 1].rows) }) else {
            throw SottoError("the reference codes are out of this model's codebook range", hint: "clone the voice again with this model")
        }
        var row = codecRow(frame[0])
        var scratch = [Float](repeating: 0, count: talker.hiddenSize)
        for group in 1 ..< groups {
            scratch.withUnsafeMutableBufferPointer { tables[group - 1].gather(frame[group], into: $0.baseAddress!) }
            for i in row.indices { row[i] += scratch[i] }
        }
        return row
    }

    private func codecRow(_ id: Int) -> [Float] {
        var row = [Float](repeating: 0, count: talker.hiddenSize)
        row.withUnsafeMutableBufferPointer { talker.codecEmbedding.gather(id, into: $0.baseAddress!) }
        return row
    }
}
