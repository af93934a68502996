import SottoPhonemes
import Testing

@Suite struct PhonemizerInputTests {
    let phonemizer: Phonemizer

    init() throws {
        phonemizer = try Phonemizer(voice: "en-us")
    }

    @Test(arguments: ["", " ", "   \n\t  \n\n ", "?!...", "...", "\"()\"", "\u{0}\u{1}\u{7F}"])
    func textWithNothingToSayGivesNoClauses(_ text: String) throws {
        #expect(try phonemizer.clauses(text).isEmpty)
        #expect(try phonemizer.phonemize(text) == "")
        #expect(try phonemizer.sentences(text).isEmpty)
    }

    /// Marks standing alone are read by name ("colon exclamation"), as the command line does.
    @Test func isolatedMarksAreReadAsTheCommandLineReadsThem() throws {
        let text = "... , ; : !"
        let clauses = try phonemizer.clauses(text)
        #expect(clauses.map(\.phonemes).joined(separator: " ") == (try EspeakCommand.ipa(text)))
        #expect(!clauses.isEmpty)
    }

    /// espeak-ng names emoji; the result must match the command line and not crash.
    @Test func emojiAreReadByName() throws {
        let clauses = try phonemizer.clauses("😀")
        #expect(clauses.count == 1)
        #expect(clauses.first?.phonemes == (try EspeakCommand.ipa("😀")))
        #expect(clauses.first?.phonemes.isEmpty == false)
        #expect(try phonemizer.clauses("👩‍👩‍👧 🇺🇸 1️⃣").isEmpty == false)
    }

    /// A NUL would end the C string early; control characters must not cut or change the text.
    @Test func controlCharactersActAsSpaces() throws {
        let withControls = try phonemizer.clauses("Hello\u{0}world,\u{1}\u{7F} how\u{85}are you?")
        let plain = try phonemizer.clauses("Hello world, how are you?")
        #expect(withControls.map(\.phonemes) == plain.map(\.phonemes))
        #expect(withControls.map(\.terminator) == plain.map(\.terminator))
        #expect(withControls.last?.text == "how\u{85}are you?")
    }

    /// espeak-ng reads a combining mark with no letter before it by name ("acute"), as the
    /// command line does; a clause boundary must never split a letter from its mark.
    @Test func loneCombiningMarksDoNotBreakAnything() throws {
        let text = "\u{301}Hello \u{301}\u{308} cafe\u{301}\u{301}, world."
        let clauses = try phonemizer.clauses(text)
        #expect(clauses.map(\.phonemes).joined(separator: " ") == (try EspeakCommand.ipa(text)))
        for clause in clauses {
            #expect(String(text[clause.range]) == clause.text)
        }
    }

    @Test func nonASCIILettersArePronounced() throws {
        let clauses = try phonemizer.clauses("naïve café, Zürich, señor, Straße")
        #expect(clauses.map(\.text) == ["naïve café,", "Zürich,", "señor,", "Straße"])
        #expect(clauses.allSatisfy { !$0.phonemes.isEmpty })
    }

    /// Chinese with the cmn voice: espeak-ng marks its switches to English with "(en)" and
    /// back with "(cmn)"; those marks are no phonemes and must not appear.
    @Test func languageSwitchMarksAreRemoved() throws {
        let text = "你好，世界！我很好。"
        let mandarin = try Phonemizer(voice: "cmn")
        let raw = try EspeakCommand.ipa(text, voice: "cmn")
        #expect(raw.contains("(en)"), "the command line shows the marks this test is about")
        let clauses = try mandarin.clauses(text)
        #expect(clauses.map(\.text) == ["你好，", "世界！", "我很好。"])
        #expect(clauses.map(\.terminator.kind) == [.comma, .exclamation, .period])
        for clause in clauses {
            #expect(!clause.phonemes.isEmpty)
            #expect(!clause.phonemes.contains("("))
            #expect(!clause.phonemes.contains(")"))
        }
    }

    @Test func rangesPointAtTheClausesInTheOriginalText() throws {
        let text = "  Dr. Smith said \"Stop!\" and left (quickly).\n\nThen, quiet…  "
        let clauses = try phonemizer.clauses(text)
        #expect(clauses.map(\.text) == ["Dr.", "Smith said \"Stop!\"", "and left (quickly).", "Then,", "quiet…"])
        #expect(clauses.map(\.endsSentence) == [false, false, true, false, true])
        #expect(clauses.map(\.endsParagraph) == [false, false, true, false, true])
        var previousEnd = text.startIndex
        for clause in clauses {
            #expect(String(text[clause.range]) == clause.text)
            #expect(clause.range.lowerBound >= previousEnd)
            previousEnd = clause.range.upperBound
        }
    }

    /// 20,000 characters of repeated paragraphs: every repetition must give the same clauses,
    /// so offsets stay right all the way through a long text.
    @Test func longTextKeepsClausesAndRangesAligned() throws {
        let paragraph = "Dr. Jones measured 3.14 metres, then sighed… \"Why?\" she asked. Nobody knew; it was 2024!\n\n"
        let repetitions = 20_000 / paragraph.count + 1
        let text = String(repeating: paragraph, count: repetitions)
        #expect(text.count >= 20_000)

        let single = try phonemizer.clauses(paragraph)
        let clauses = try phonemizer.clauses(text)
        #expect(clauses.count == single.count * repetitions)
        for (position, clause) in clauses.enumerated() {
            let model = single[position % single.count]
            #expect(clause.phonemes == model.phonemes)
            #expect(clause.text == model.text)
            #expect(clause.terminator == model.terminator)
            #expect(String(text[clause.range]) == clause.text)
        }
    }

    /// A 20,000-letter "word" with no spaces or punctuation: espeak-ng cuts it into pieces of
    /// its own choosing; every letter must still belong to exactly one clause.
    @Test func longTextWithoutBreaksIsCoveredWithoutGaps() throws {
        let text = String(repeating: "abc", count: 7_000)
        let clauses = try phonemizer.clauses(text)
        #expect(clauses.count > 1)
        #expect(clauses.map(\.text).joined() == text)
    }
}
