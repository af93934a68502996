import SottoPhonemes
import Testing

@Suite struct TextSplitterTests {
    let splitter = TextSplitter()

    func clauseTexts(_ text: String) -> [String] {
        splitter.clauses(in: text).map(\.text)
    }

    func sentenceTexts(_ text: String) -> [String] {
        splitter.sentences(in: text).map(\.text)
    }

    @Test func clausesEndAtPunctuation() {
        let clauses = splitter.clauses(in: "Hello, world! How are you? Fine; thanks: bye.")
        #expect(clauses.map(\.text) == ["Hello,", "world!", "How are you?", "Fine;", "thanks:", "bye."])
        #expect(clauses.map(\.terminator.kind) == [.comma, .exclamation, .question, .semicolon, .colon, .period])
        #expect(clauses.map(\.endsSentence) == [false, true, true, false, false, true])
    }

    @Test func abbreviationsDoNotEndSentences() {
        #expect(sentenceTexts("Mr. and Mrs. Smith met Dr. Jones. They talked.")
                == ["Mr. and Mrs. Smith met Dr. Jones.", "They talked."])
        #expect(sentenceTexts("Bring fruit, e.g. apples, i.e. red ones. Thanks.")
                == ["Bring fruit, e.g. apples, i.e. red ones.", "Thanks."])
        #expect(sentenceTexts("We sell pens, paper, etc. and more. We also sell ink, etc. Come by.")
                == ["We sell pens, paper, etc. and more.", "We also sell ink, etc.", "Come by."])
        #expect(sentenceTexts("He moved to the U.S. last year. It was 10 a.m. sharp.")
                == ["He moved to the U.S. last year.", "It was 10 a.m. sharp."])
        #expect(sentenceTexts("J. K. Rowling wrote it. No. 5 won on Jan. 3rd. I said no. Then left.")
                == ["J. K. Rowling wrote it.", "No. 5 won on Jan. 3rd.", "I said no.", "Then left."])
    }

    @Test func decimalsTimesAndInnerDotsStayWhole() {
        #expect(clauseTexts("Pi is 3.14 and e is 2.718. See example.com at 10:30.")
                == ["Pi is 3.14 and e is 2.718.", "See example.com at 10:30."])
        #expect(clauseTexts("It cost $1,234.56 today.") == ["It cost $1,234.56 today."])
    }

    @Test func ellipsesEndSentencesOnlyBeforeACapital() {
        let clauses = splitter.clauses(in: "Wait... what? Well… maybe so... Maybe.")
        #expect(clauses.map(\.text) == ["Wait...", "what?", "Well…", "maybe so...", "Maybe."])
        #expect(clauses.map(\.terminator.kind) == [.ellipsis, .question, .ellipsis, .ellipsis, .period])
        #expect(clauses.map(\.endsSentence) == [false, true, false, true, true])
    }

    @Test func quotesAndBracketsAfterATerminatorStayWithTheClause() {
        let clauses = splitter.clauses(in: "\"Stop!\" he said. (It was late.) She left?! 'Yes.'")
        #expect(clauses.map(\.text) == ["\"Stop!\"", "he said.", "(It was late.)", "She left?!", "'Yes.'"])
        #expect(clauses.map(\.terminator.text) == ["!", ".", ".", "?!", "."])
        #expect(clauses.map(\.endsSentence) == [false, true, true, true, true])
        #expect(sentenceTexts("\"Stop!\" he said. Then he left.") == ["\"Stop!\" he said.", "Then he left."])
    }

    @Test func dashesEndClausesOnlyWhenSpaced() {
        #expect(clauseTexts("It was 1990–2000 — a long decade – or so.")
                == ["It was 1990–2000 —", "a long decade –", "or so."])
        #expect(clauseTexts("A well-known self—made man.") == ["A well-known self—made man."])
    }

    @Test func cjkTerminatorsNeedNoSpace() {
        let clauses = splitter.clauses(in: "今日は晴れです。明日は？雨、たぶん！")
        #expect(clauses.map(\.text) == ["今日は晴れです。", "明日は？", "雨、", "たぶん！"])
        #expect(clauses.map(\.endsSentence) == [true, true, false, true])
        #expect(sentenceTexts("你好，世界！我很好。") == ["你好，世界！", "我很好。"])
    }

    @Test func blankLinesArePargraphBreaks() {
        let text = "Title without a stop\n\nFirst line\nsame sentence. Next one\n   \n\nLast"
        let clauses = splitter.clauses(in: text)
        #expect(clauses.map(\.text) == ["Title without a stop", "First line\nsame sentence.", "Next one", "Last"])
        #expect(clauses.map(\.endsParagraph) == [true, false, true, true])
        #expect(clauses.map(\.endsSentence) == [true, true, true, true])
        #expect(clauses.map(\.terminator.kind) == [.none, .period, .none, .none])
    }

    @Test func rangesAreTrimmedAndPointIntoTheText() {
        let text = "  Hello,   world!  \n\n  Again?  "
        let clauses = splitter.clauses(in: text)
        #expect(clauses.map(\.text) == ["Hello,", "world!", "Again?"])
        for clause in clauses {
            #expect(String(text[clause.range]) == clause.text)
        }
        let sentences = splitter.sentences(in: text)
        #expect(sentences.map { String(text[$0.range]) } == ["Hello,   world!", "Again?"])
        #expect(sentences.map(\.endsParagraph) == [true, true])
    }

    @Test(arguments: ["", "   ", "\n\n\n", "?!...", "... --- !!!", "\"\" ()"])
    func textWithNothingToSayHasNoSegments(_ text: String) {
        #expect(splitter.clauses(in: text).isEmpty)
        #expect(splitter.sentences(in: text).isEmpty)
    }

    @Test func strayPunctuationJoinsTheClauseBefore() {
        let clauses = splitter.clauses(in: "Really ?! Yes")
        #expect(clauses.map(\.text) == ["Really ?!", "Yes"])
        #expect(clauses.first?.terminator.kind == .question)
        #expect(clauses.first?.endsSentence == true)
    }

    @Test func customAbbreviationsAreHonoured() {
        var custom = TextSplitter()
        #expect(custom.sentences(in: "See Abb. Three.").count == 2)
        custom.titles.insert("abb")
        #expect(custom.sentences(in: "See Abb. Three.").count == 1)
    }

    @Test func emojiAndSymbolsCountAsSpeech() {
        #expect(clauseTexts("😀! $5, 100%.") == ["😀!", "$5,", "100%."])
    }

    @Test func longTextSplitsConsistently() {
        let sentence = "Mr. Brown paid $3.14, e.g. twice; really? Yes! "
        let count = 20_000 / sentence.count + 1
        let text = String(repeating: sentence, count: count)
        let clauses = splitter.clauses(in: text)
        #expect(clauses.count == 4 * count)
        // "really?" ends a sentence because "Yes" is capitalised.
        #expect(splitter.sentences(in: text).count == 2 * count)
        #expect(clauses.map(\.text).joined(separator: " ") + " " == text)
    }
}
