import Kokoro
import SottoCore
import SottoEngines
import Testing

@Suite struct KokoroMappingTests {
    @Test func misakiFoldsDiphthongsAffricatesAndLengthMarks() {
        let m = KokoroPhonemeMapping.misaki
        #expect(m.apply("həlˈoʊ wˈɜːld.") == "həlˈO wˈɜɹld.")
        #expect(m.apply("ðə kwˈɪk bɹˈaʊn fˈɑːks dʒˈʌmps ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ, tˈuː.")
                == "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɑɡ, tˈu.")
        #expect(m.apply("tʃˈɔɪs") == "ʧˈYs")
        #expect(m.apply("ˈaɪ") == "ˈI")
        // Flaps and glottal stops as misaki writes them for v1.0; syllabic n as ᵊn.
        #expect(m.apply("bˈʌɾɚ") == "bˈʌTəɹ")
        #expect(m.apply("bˈʌʔn\u{329}") == "bˈʌtn")
        #expect(m.apply("lˈɪsn\u{329}") == "lˈɪsᵊn")
    }

    @Test func britishKeepsLengthMarks() {
        #expect(KokoroPhonemeMapping.misaki.apply("kˈɑːt", british: true) == "kˈɑːt")
        #expect(KokoroPhonemeMapping.misaki.apply("kˈɑːt", british: false) == "kˈɑt")
    }

    @Test func espeakMappingLeavesPhonemesAlone() {
        #expect(KokoroPhonemeMapping.espeak.apply("həlˈoʊ wˈɜːld.") == "həlˈoʊ wˈɜːld.")
    }

    @Test func vocabularyEncodesWithPadsAndReportsUnknownSymbols() {
        let (ids, dropped) = KokoroVocabulary.v1.encode("həlˈO!")
        #expect(ids == [0, 50, 83, 54, 156, 31, 5, 0])
        #expect(dropped.isEmpty)
        let (_, unknown) = KokoroVocabulary.v1.encode("a\u{329}b")
        #expect(unknown == ["\u{329}"])
        #expect(KokoroVocabulary.v1.ids.count == 114)
    }

    @Test func voiceBlendParsing() throws {
        let mix = try VoiceMix(parsing: "jf_alpha:0.7,jm_kumo:0.3")
        #expect(mix.parts.map(\.name) == ["jf_alpha", "jm_kumo"])
        #expect(mix.parts.map(\.weight) == [0.7, 0.3])
        #expect(try VoiceMix(parsing: "jf_alpha").parts.map(\.weight) == [1])
        #expect(throws: SottoError.self) { try VoiceMix(parsing: "jf_alpha:x") }
        #expect(throws: SottoError.self) { try VoiceMix(parsing: "a:0,b:0") }
        #expect(throws: SottoError.self) { try VoiceMix(parsing: ",") }
        #expect(throws: SottoError.self) { try VoiceMix(parsing: "a:-1") }
    }

    @Test func styleRowAndBlend() throws {
        let width = KokoroModel.styleWidth
        // Row r of voice a holds r, of voice b holds 100 + r.
        let a = (0..<510).flatMap { r in [Float](repeating: Float(r), count: width) }
        let b = (0..<510).flatMap { r in [Float](repeating: 100 + Float(r), count: width) }
        let pack = VoicePack(voices: ["a": a, "b": b])
        #expect(try pack.style(VoiceMix("a"), phonemes: 14).allSatisfy { $0 == 13 })
        #expect(try pack.style(VoiceMix("a"), phonemes: 900).allSatisfy { $0 == 509 })
        let blend = try pack.style(VoiceMix(parsing: "a:3,b:1"), phonemes: 1)
        #expect(blend.allSatisfy { abs($0 - 25) < 1e-4 })
        #expect(throws: SottoError.self) { try pack.style(VoiceMix("c"), phonemes: 5) }
    }
}
