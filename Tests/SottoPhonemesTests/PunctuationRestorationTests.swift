import SottoPhonemes
import Testing

/// Expected strings are the `espeak-ng -q --ipa -v en-us` output for the text with the
/// text's own terminators written back after each clause.
@Suite struct PunctuationRestorationTests {
    let phonemizer: Phonemizer

    init() throws {
        phonemizer = try Phonemizer(voice: "en-us")
    }

    @Test func kokoroStyleKeepsEveryMarkAsWritten() throws {
        #expect(try phonemizer.phonemize("Hello, world! How are you? Fine; thanks.")
                == "həlˈoʊ, wˈɜːld! hˈaʊ ɑːɹ juː? fˈaɪn; θˈæŋks.")
        #expect(try phonemizer.phonemize("Wait... what?! Yes.") == "wˈeɪt... wˌʌt?! jˈɛs.")
        #expect(try phonemizer.phonemize("Note: it costs $3.14.")
                == "nˈoʊt: ɪt kˈɔsts dˈɑːlɚ θɹˈiː pɔɪnt wˈʌn fˈoːɹ.")
        #expect(try phonemizer.phonemize("Prices rose 7% in 2023 — an unusual year.")
                == "pɹˈaɪsᵻz ɹˈoʊz sˈɛvən pɚsˈɛnt ɪn tˈuː θˈaʊzənd twˈɛnti θɹˈiː — ɐn ʌnjˈuːʒuːəl jˈɪɹ.")
    }

    @Test func quotesAndBracketsAreDroppedButTheirPunctuationKept() throws {
        #expect(try phonemizer.phonemize("She said, \"Hello there!\" and left.")
                == "ʃiː sˈɛd, həlˈoʊ ðˈɛɹ! ænd lˈɛft.")
        #expect(try phonemizer.phonemize("It was 12:30 (roughly).")
                == "ɪt wʌz twˈɛlv θˈɜːɾi ɹˈʌfli.")
    }

    /// espeak-ng ends a clause after "Dr." and "e.g."; those periods are not sentence ends,
    /// so no mark is written and no pause would be made there.
    @Test func abbreviationPeriodsAreNotTerminators() throws {
        let clauses = try phonemizer.clauses("Dr. Smith came, e.g. today.")
        #expect(clauses.map(\.phonemes) == ["dˈɑːktɚ", "smˈɪθ kˈeɪm", "fˌɔːɹɛɡzˈæmpəl tədˈeɪ"])
        #expect(clauses.map(\.terminator.kind) == [.none, .comma, .period])
        #expect(clauses.map(\.endsSentence) == [false, false, true])
        #expect(try phonemizer.phonemize("Dr. Smith came, e.g. today.")
                == "dˈɑːktɚ smˈɪθ kˈeɪm, fˌɔːɹɛɡzˈæmpəl tədˈeɪ.")
    }

    @Test func piperStyleGivesOneSentencePerStringAndOneMarkPerClause() throws {
        #expect(try phonemizer.sentences("Hello, world! How are you? Fine; thanks.")
                == ["həlˈoʊ, wˈɜːld!", "hˈaʊ ɑːɹ juː?", "fˈaɪn; θˈæŋks."])
        #expect(try phonemizer.sentences("Wait... what?! Yes.") == ["wˈeɪt; wˌʌt?", "jˈɛs."])
    }

    @Test func clausesCarryTerminatorKindsAndSentenceEnds() throws {
        let clauses = try phonemizer.clauses("Wait... what?! Yes.")
        #expect(clauses.map(\.terminator.text) == ["...", "?!", "."])
        #expect(clauses.map(\.terminator.kind) == [.ellipsis, .question, .period])
        #expect(clauses.map(\.endsSentence) == [false, true, true])
        #expect(clauses.sentences().map { $0.map(\.phonemes) } == [["wˈeɪt", "wˌʌt"], ["jˈɛs"]])
    }

    @Test func cjkMarksBecomeASCIIInKokoroStyle() throws {
        let japanese = try Phonemizer(voice: "ja")
        let text = "こんにちは。げんきですか？はい、げんきです！"
        let clauses = try japanese.clauses(text)
        #expect(clauses.map(\.text) == ["こんにちは。", "げんきですか？", "はい、", "げんきです！"])
        #expect(clauses.map(\.terminator.kind) == [.period, .question, .comma, .exclamation])
        #expect(clauses.map(\.endsSentence) == [true, true, false, true])
        let expected = try EspeakCommand.ipa(text, voice: "ja").split(separator: " ")
        #expect(expected.count == 4)
        #expect(try japanese.phonemize(text)
                == "\(expected[0]). \(expected[1])? \(expected[2]), \(expected[3])!")
    }
}
