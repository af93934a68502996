import Foundation
import Piper
import SottoCore
import SottoEngines
import SottoPhonemes
import Testing

/// Sotto's Piper front end against piper-tts 1.8 itself (its espeak-ng fork and
/// `phonemes_to_ids`, recorded by Scripts/fixtures/make_piper_fixtures.py).
@Suite struct PiperFrontEndTests {
    /// Texts where Debian's libespeak-ng 1.51 and piper's espeak-ng fork phonemize a word
    /// differently; the ids are compared through piper's phonemes instead.
    static let espeakVersionDifferences: [String: String] = [
        "Text to speech engines turn written words into natural sounding audio. This paragraph is a little longer, so that we can measure how the latency grows with the number of phonemes the model has to read out loud.":
            "piper's fork writes 'audio' as ˈɔːdɪʲˌoʊ, 1.51 as ˈɔːdɪˌoʊ",
        "It costs 42 dollars, doesn't it?": "piper's fork reads 'forty' as fˈɔːɹɾi, 1.51 as fˈoːɹɾi",
    ]

    static var texts: [String] { PiperFixtures.frontEnd?.texts.map(\.text) ?? [] }

    @Test func fixtureIsPresent() {
        #expect(Self.texts.count >= 9)
    }

    /// The phoneme → id step alone is exact for every sentence piper made.
    @Test(arguments: texts)
    func idsFromPipersPhonemes(_ text: String) throws {
        let engine = try PiperFixtures.joe.get()
        let fixture = try #require(PiperFixtures.frontEnd?.texts.first { $0.text == text })
        for sentence in fixture.sentences {
            let (ids, missing) = engine.frontEnd.idMap.ids(for: sentence.phonemes)
            #expect(ids == sentence.ids)
            #expect(missing.isEmpty)
        }
    }

    /// Text → sentences → ids end to end, as piper makes them.
    @Test(arguments: texts)
    func sentencesAndIdsLikePiper(_ text: String) throws {
        let engine = try PiperFixtures.joe.get()
        let fixture = try #require(PiperFixtures.frontEnd?.texts.first { $0.text == text })
        let sentences = try engine.frontEnd.sentences(text).filter(\.isSpeakable)
        #expect(sentences.count == fixture.sentences.count)
        if let reason = Self.espeakVersionDifferences[text] {
            let differing = zip(sentences, fixture.sentences).filter { $0.phonemes != $1.phonemes }
            #expect(differing.count == 1, "expected exactly the known difference: \(reason)")
            return
        }
        for (ours, theirs) in zip(sentences, fixture.sentences) {
            #expect(ours.phonemes == theirs.phonemes)
            #expect(ours.ids == theirs.ids)
        }
        let tokens = try engine.tokenize(SynthesisRequest(text: text))
        #expect(tokens.map(\.ids) == fixture.sentences.map(\.ids))
    }

    @Test func decompositionSplitsAccents() throws {
        let ids = try PiperFixtures.joe.get().frontEnd.idMap
        // ç is in joe's map as one symbol, but piper decomposes it first: c + U+0327 (id 140).
        #expect(ids.phonemes("ç") == ["c", "\u{327}"])
        #expect(ids.ids(for: "ç").ids == [1, 0, 16, 0, 140, 0, 2])
        // The syllabic mark stays its own phoneme.
        #expect(ids.ids(for: "n̩").ids == [1, 0, 26, 0, 144, 0, 2])
    }

    @Test func unknownPhonemesAreLeftOutAndReported() throws {
        let ids = try PiperFixtures.joe.get().frontEnd.idMap
        let (values, missing) = ids.ids(for: "a☃bЖ")
        #expect(values == [1, 0, 14, 0, 15, 0, 2])
        #expect(missing == ["☃", "Ж"])
    }

    @Test func vowelClustersMerge() throws {
        var config = try PiperConfig(contentsOf: PiperFixtures.url("tiny-odd.onnx.json"))
        config.phonemeIdMap["aɪ"] = [161]
        config.vowelClusters = [["a", "ɪ"]]
        let ids = PiperPhonemeIDs(config: config)
        #expect(ids.phonemes("haɪa") == ["h", "aɪ", "a"])
        #expect(ids.ids(for: "haɪ").ids == [1, 0, 20, 0, 161, 0, 2])
    }

    /// Piper's espeak bridge reports no terminator for an ellipsis (and then joins the clauses)
    /// and `;` for a dash.
    @Test func terminatorsAsPiperReportsThem() {
        #expect(PiperFrontEnd.terminatorMark(.ellipsis) == "")
        #expect(PiperFrontEnd.terminatorMark(.dash) == ";")
        #expect(PiperFrontEnd.terminatorMark(.question) == "?")
        #expect(PiperFrontEnd.terminatorMark(.none) == "")
    }
}
