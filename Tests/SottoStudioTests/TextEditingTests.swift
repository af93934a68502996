import SottoStudio
import Testing

@Suite struct DisplayWidthTests {
    init() { _ = utf8Locale }

    @Test func measuresLatinCJKAndCombiningMarks() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("Ünïcødé") == 7)
        #expect(DisplayWidth.of("한국어") == 6)
    }

    @Test func clipsPadsAndTruncatesByColumn() {
        #expect(DisplayWidth.clip("日本語", to: 5) == "日本")
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.pad("日本語", to: 5) == "日本 ")
        #expect(DisplayWidth.truncate("abcdefgh", to: 5) == "abcd…")
        #expect(DisplayWidth.truncate("abc", to: 5) == "abc")
        #expect(DisplayWidth.padLeft("7", to: 3) == "  7")
    }
}

@Suite struct TextBufferTests {
    init() { _ = utf8Locale }

    @Test func typesAcrossLinesAndDeletesBackOverLineBreaks() {
        var buffer = TextBuffer()
        buffer.type("Hello")
        buffer.insertNewline()
        buffer.type("world")
        #expect(buffer.text == "Hello\nworld")
        #expect(buffer.cursor == TextPosition(line: 1, column: 5))
        buffer.moveToLineStart()
        buffer.deleteBackward()
        #expect(buffer.text == "Helloworld")
        #expect(buffer.cursor == TextPosition(line: 0, column: 5))
        buffer.deleteForward()
        #expect(buffer.text == "Helloorld")
    }

    @Test func cursorStepsOverWholeCharacters() {
        var buffer = TextBuffer("日本e\u{301}x")
        buffer.moveLeft()
        buffer.moveLeft()
        buffer.deleteBackward()
        #expect(buffer.text == "日e\u{301}x")
        buffer.moveRight()
        buffer.deleteBackward()
        #expect(buffer.text == "日x")
    }

    @Test func undoWalksBackWordByWordAndRedoReturns() {
        var buffer = TextBuffer()
        buffer.type("one")
        buffer.type(" ")
        buffer.type("two")
        buffer.type(" ")
        buffer.type("three")
        buffer.undo()
        #expect(buffer.text == "one two ")
        buffer.undo()
        #expect(buffer.text == "one ")
        buffer.redo()
        #expect(buffer.text == "one two ")
        buffer.type("X")
        #expect(!buffer.canRedo)
    }

    @Test func pasteIsOneUndoStepAndKeepsItsLineBreaks() {
        var buffer = TextBuffer("start ")
        buffer.paste("line one\r\nline two\tend")
        #expect(buffer.text == "start line one\nline two end")
        #expect(buffer.cursor == TextPosition(line: 1, column: 12))
        buffer.undo()
        #expect(buffer.text == "start ")
    }

    @Test func controlCharactersNeverEnterTheText() {
        var buffer = TextBuffer()
        buffer.type("a\u{1B}[31mb\u{7}c")
        #expect(buffer.text == "a[31mbc")
    }

    @Test func singleLineBuffersTurnBreaksIntoSpaces() {
        var buffer = TextBuffer(singleLine: true)
        buffer.paste("a\nb")
        buffer.insertNewline()
        #expect(buffer.text == "a b ")
        #expect(buffer.lines.count == 1)
    }

    @Test func wordDeletionAndLineKills() {
        var buffer = TextBuffer("alpha beta gamma")
        buffer.deleteWordBackward()
        #expect(buffer.text == "alpha beta ")
        buffer.moveToLineStart()
        buffer.moveWordRight()
        buffer.deleteToLineEnd()
        #expect(buffer.text == "alpha")
        buffer.deleteToLineStart()
        #expect(buffer.isEmpty)
        buffer.undo()
        #expect(buffer.text == "alpha")
    }

    @Test func verticalMovesFollowWrappedRowsAndKeepTheColumn() {
        // "aaaa bbbb cccc" wrapped at 5 columns: "aaaa ", "bbbb ", "cccc".
        var buffer = TextBuffer("aaaa bbbb cccc\nxy")
        buffer.setCursor(TextPosition(line: 0, column: 2))
        buffer.moveVertically(rows: 1, wrapWidth: 5)
        #expect(buffer.cursor == TextPosition(line: 0, column: 7))
        buffer.moveVertically(rows: 2, wrapWidth: 5)
        #expect(buffer.cursor == TextPosition(line: 1, column: 2))
        buffer.moveVertically(rows: -1, wrapWidth: 5)
        #expect(buffer.cursor == TextPosition(line: 0, column: 12))
    }

    @Test func verticalMovesMeasureWideCharactersByColumn() {
        var buffer = TextBuffer("日本語です\nabcdefgh")
        buffer.setCursor(TextPosition(line: 1, column: 4))
        buffer.moveVertically(rows: -1, wrapWidth: 20)
        // Column 4 lies after two wide characters.
        #expect(buffer.cursor == TextPosition(line: 0, column: 2))
    }
}

@Suite struct AsciiFallbackTests {
    @Test func punctuationAndAccentsKeepTheirLookAndEveryColumn() {
        let shown = AsciiFallback.text("take #2 · ×0.85 “café” naïve… 日本")
        #expect(shown == "take #2 - x0.85 \"cafe\" naive~ ??")
        #expect(shown.count == "take #2 · ×0.85 “café” naïve… 日本".count)
    }
}

@Suite struct SoftWrapTests {
    init() { _ = utf8Locale }

    @Test func wrapsAtSpacesAndHardBreaksLongWords() {
        let wrap = SoftWrap(lines: [Array("the quick brown fox"), Array("abcdefghij")], width: 6)
        #expect(wrap.rows.map { wrap.text(of: $0) } == ["the ", "quick ", "brown ", "fox", "abcdef", "ghij"])
    }

    @Test func wideCharactersNeverStraddleTheEdge() {
        let wrap = SoftWrap(lines: [Array("日本語のテキスト")], width: 5)
        #expect(wrap.rows.map { wrap.text(of: $0) } == ["日本", "語の", "テキ", "スト"])
        for row in wrap.rows { #expect(DisplayWidth.of(wrap.text(of: row)) <= 5) }
    }

    @Test func cursorAtAWrapPointShowsOnTheNextRow() {
        let wrap = SoftWrap(lines: [Array("abcdefgh")], width: 4)
        #expect(wrap.visualPosition(of: TextPosition(line: 0, column: 4)) == .init(row: 1, column: 0))
        #expect(wrap.visualPosition(of: TextPosition(line: 0, column: 8)) == .init(row: 1, column: 4))
    }

    @Test func emptyLinesAreRowsToo() {
        let wrap = SoftWrap(lines: [[], Array("a"), []], width: 10)
        #expect(wrap.rows.count == 3)
    }

    @Test func messagesWrapIntoRowsThatFitWithoutTrailingSpaces() {
        #expect(SoftWrap.rows(of: "no audio device: cannot open", width: 10) == ["no audio", "device:", "cannot", "open"])
        #expect(SoftWrap.rows(of: "a\nb c", width: 10) == ["a", "b c"])
        let wide = SoftWrap.rows(of: "日本語のテキスト ok", width: 5)
        #expect(wide.joined() == "日本語のテキストok")
        for row in wide { #expect(DisplayWidth.of(row) <= 5) }
    }
}
