import SottoCore

extension StudioModel {
    /// Reacts to one key (or pasted block).
    public func handle(_ key: Key) {
        if key == .resize { return }
        if case .mouse(let event) = key { return handleMouse(event) }
        if let overlay {
            handleOverlay(key, overlay)
            return
        }
        switch mode {
        case .normal: handleNormal(key)
        case .editingText: handleEditing(key)
        case .commandLine: handleCommandLine(key)
        case .filter(let pane): handleFilter(key, pane: pane)
        case .field(let field): handleField(key, field: field)
        }
    }

    // MARK: Normal mode

    func handleNormal(_ key: Key) {
        if case .paste(let pasted) = key {
            focus = .text
            mode = .editingText
            text.paste(pasted)
            textChanged()
            return
        }
        guard let action = KeyMap.normalAction(for: key, pane: focus) else { return }
        perform(action)
    }

    // MARK: Text editing

    func handleEditing(_ key: Key) {
        if let action = KeyMap.editingAction(for: key) {
            perform(action)
            return
        }
        let before = text
        switch key {
        case .character(let character): text.type(String(character))
        case .paste(let pasted): text.paste(pasted)
        case .enter: text.insertNewline()
        case .tab: text.type(" ")
        case .backspace: text.deleteBackward()
        case .delete: text.deleteForward()
        case .left: text.moveLeft()
        case .right: text.moveRight()
        case .wordLeft: text.moveWordLeft()
        case .wordRight: text.moveWordRight()
        case .up: text.moveVertically(rows: -1, wrapWidth: textViewport.width)
        case .down: text.moveVertically(rows: 1, wrapWidth: textViewport.width)
        case .pageUp: text.moveVertically(rows: -max(1, textViewport.height - 1), wrapWidth: textViewport.width)
        case .pageDown: text.moveVertically(rows: max(1, textViewport.height - 1), wrapWidth: textViewport.width)
        case .home: text.moveToLineStart()
        case .end: text.moveToLineEnd()
        default: return
        }
        if text.lines != before.lines { textChanged() }
    }

    func textChanged() {
        textDirtySince = now
    }

    // MARK: Command line

    func handleCommandLine(_ key: Key) {
        switch key {
        case .escape:
            mode = .normal
            completionState = nil
        case .enter:
            let line = commandLine.text
            mode = .normal
            completionState = nil
            historyIndex = nil
            guard !line.trimming(" ").isEmpty else { return }
            if commandHistory.last != line { commandHistory.append(line) }
            if commandHistory.count > 100 { commandHistory.removeFirst() }
            runCommandLine(line)
        case .tab:
            completeCommandLine()
        case .up, .down:
            guard !commandHistory.isEmpty else { return }
            let last = commandHistory.count - 1
            var index = historyIndex ?? (key == .up ? last + 1 : last)
            index += key == .up ? -1 : 1
            if index > last {
                historyIndex = nil
                commandLine = TextBuffer("", singleLine: true)
            } else {
                historyIndex = max(0, index)
                commandLine = TextBuffer(commandHistory[historyIndex!], singleLine: true)
            }
        default:
            if editLine(&commandLine, key) { completionState = nil }
        }
    }

    /// Opens the command line, optionally with text already typed.
    public func openCommandLine(_ prefill: String = "") {
        commandLine = TextBuffer(prefill, singleLine: true)
        historyIndex = nil
        completionState = nil
        mode = .commandLine
    }

    func completeCommandLine() {
        let current = commandLine.text
        if let state = completionState, state.options.contains(current) || current == state.prefix {
            let next = (state.index + 1) % max(1, state.options.count)
            completionState = (state.prefix, state.options, next)
            commandLine = TextBuffer(state.options[next], singleLine: true)
            return
        }
        let options = CommandParser.complete(current) { [self] kind in completionCandidates(kind) }
        guard !options.isEmpty else { return }
        let common = Self.commonPrefix(options)
        if options.count == 1 || common.count > current.count {
            commandLine = TextBuffer(options.count == 1 ? options[0] : common, singleLine: true)
            completionState = options.count == 1 ? nil : (common, options, -1)
            if options.count > 1 { info(options.map { $0.split(separator: " ").last.map(String.init) ?? $0 }.joined(separator: "  ")) }
        } else {
            completionState = (current, options, 0)
            commandLine = TextBuffer(options[0], singleLine: true)
        }
    }

    func completionCandidates(_ kind: CommandSpec.Completion) -> [String] {
        switch kind {
        case .nothing, .fixed: return []
        case .models: return models.map(\.name)
        case .voices: return activeVoices.map(\.id)
        case .presets: return ["save"] + presets.map(\.name)
        case .themes: return themes.names()
        case .languages: return ["auto"] + activeLanguages
        case .takes: return ["A", "B"] + manifest.takes.map { String($0.id) }
        case .sessions: return Array(SessionStore(root: environment.sessionsDirectory).listIDs().reversed())
        }
    }

    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first else { return "" }
        for string in strings.dropFirst() {
            while !string.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Line-editing keys shared by the command line, filters and fields. Returns whether the
    /// key was an edit.
    @discardableResult
    func editLine(_ buffer: inout TextBuffer, _ key: Key) -> Bool {
        switch key {
        case .character(let character): buffer.type(String(character))
        case .paste(let pasted): buffer.paste(pasted)
        case .backspace: buffer.deleteBackward()
        case .delete: buffer.deleteForward()
        case .left: buffer.moveLeft()
        case .right: buffer.moveRight()
        case .wordLeft: buffer.moveWordLeft()
        case .wordRight: buffer.moveWordRight()
        case .home, .control("a"): buffer.moveToLineStart()
        case .end, .control("e"): buffer.moveToLineEnd()
        case .control("w"): buffer.deleteWordBackward()
        case .control("u"): buffer.deleteToLineStart()
        case .control("k"): buffer.deleteToLineEnd()
        case .control("z"): buffer.undo()
        case .control("y"): buffer.redo()
        default: return false
        }
        return true
    }

    // MARK: Filters

    public func openFilter() {
        let pane: Pane = [.models, .voices, .takes].contains(focus) ? focus : .voices
        focus = pane
        let current: String
        switch pane {
        case .models: current = modelFilter.text
        case .takes: current = takeFilter.text
        default: current = voiceFilter.text
        }
        commandLine = TextBuffer(current, singleLine: true)
        mode = .filter(pane)
    }

    func handleFilter(_ key: Key, pane: Pane) {
        switch key {
        case .escape:
            setFilter("", pane: pane)
            mode = .normal
        case .enter:
            mode = .normal
        case .up: moveSelection(by: -1)
        case .down: moveSelection(by: 1)
        case .pageUp: moveSelection(by: -10)
        case .pageDown: moveSelection(by: 10)
        default:
            if editLine(&commandLine, key) { setFilter(commandLine.text, pane: pane) }
        }
    }

    func setFilter(_ text: String, pane: Pane) {
        switch pane {
        case .models:
            modelFilter = FilterQuery(text)
            modelCursor.set(0, count: visibleModels.count)
        case .takes:
            takeFilter = FilterQuery(text)
            takeCursor.set(max(0, takeRows.count - 1), count: takeRows.count)
        default:
            voiceFilter = FilterQuery(text)
            let rows = voiceRows
            voiceCursor.set(0, count: rows.count) { rows[$0].isSelectable }
        }
    }

    // MARK: Control fields

    func handleField(_ key: Key, field: ControlField) {
        switch key {
        case .escape:
            mode = .normal
        case .enter:
            mode = .normal
            commitField(field, value: fieldEditor.text)
        default:
            switch key {
            case .character, .paste:
                if fieldIsUntouched { fieldEditor = TextBuffer("", singleLine: true) }
            default: break
            }
            fieldIsUntouched = false
            editLine(&fieldEditor, key)
        }
    }

    // MARK: Overlays

    func handleOverlay(_ key: Key, _ overlay: Overlay) {
        switch overlay {
        case .blind: handleBlind(key); return
        case .abx: handleABX(key); return
        case .rank: handleRanking(key); return
        default: break
        }
        if overlay == .sweep { return handleSweepGrid(key) }
        switch key {
        case .escape, .character("q"), .character("?"), .enter:
            self.overlay = nil
        case .up, .character("k"): scrollOverlay(to: overlayScroll - 1)
        case .down, .character("j"): scrollOverlay(to: overlayScroll + 1)
        case .pageUp: scrollOverlay(to: overlayScroll - overlayViewport.rows)
        case .pageDown, .character(" "): scrollOverlay(to: overlayScroll + overlayViewport.rows)
        case .home, .character("g"): overlayScroll = 0
        case .end, .character("G"): overlayScroll = overlayViewport.maxScroll
        case .control("c"): stopEverything()
        default: break
        }
    }

    /// Scrolls an overlay, kept between its top and the last page (as last drawn).
    func scrollOverlay(to row: Int) {
        overlayScroll = max(0, min(row, overlayViewport.maxScroll))
    }

    public func openOverlay(_ overlay: Overlay) {
        self.overlay = overlay
        overlayScroll = 0
        overlayViewport = (rows: 10, maxScroll: Int.max)
    }
}
