import Foundation
import SottoCore

extension StudioModel {
    public func perform(_ action: StudioAction) {
        switch action {
        case .help: openOverlay(.help)
        case .messages: openOverlay(.messages)
        case .commandLine: openCommandLine()
        case .filter: openFilter()
        case .focusNext: cycleFocus(by: 1)
        case .focusPrevious: cycleFocus(by: -1)
        case .focus(let pane): focus = pane
        case .moveUp: moveSelection(by: -1)
        case .moveDown: moveSelection(by: 1)
        case .pageUp: moveSelection(by: -10)
        case .pageDown: moveSelection(by: 10)
        case .top: moveSelection(by: -100_000)
        case .bottom: moveSelection(by: 100_000)
        case .activate: activate()
        case .adjustLeft: adjustControl(by: -1)
        case .adjustRight: adjustControl(by: 1)
        case .synthesize: synthesize()
        case .playStop: playOrStopSelected()
        case .stopAll: escapeOrStop()
        case .seekBack: seek(by: -2)
        case .seekForward: seek(by: 2)
        case .nextTake: stepTake(by: 1)
        case .previousTake: stepTake(by: -1)
        case .markA: mark(.a, takeID: selectedTake?.id)
        case .markB: mark(.b, takeID: selectedTake?.id)
        case .toggleAB: toggleAB()
        case .blind: startBlindTest()
        case .abx: startABX()
        case .togglePick: togglePick()
        case .clearPicks: setPicks([])
        case .diff: showDiff([])
        case .recallTake: recallSelectedTake()
        case .export: promptExport()
        case .copyCommand: copyCommand(takeReference: nil)
        case .editText:
            focus = .text
            mode = .editingText
        case .loadModel: loadHighlightedModel()
        case .unloadModel: unloadHighlightedModel()
        case .speedUp: setSpeed(settings.speed(adjustedBy: 1))
        case .speedDown: setSpeed(settings.speed(adjustedBy: -1))
        case .newSeed: setSeed(.fixed(UInt64(random.next() % (UInt64(UInt32.max) + 1))))
        case .savePreset: openCommandLine("preset save ")
        case .nextTheme: cycleTheme()
        case .quit: requestQuit()
        case .leaveEditing:
            mode = .normal
            saveSoon()
        case .undo:
            text.undo()
            textChanged()
        case .redo:
            text.redo()
            textChanged()
        case .deleteWord:
            text.deleteWordBackward()
            textChanged()
        case .deleteToLineEnd:
            text.deleteToLineEnd()
            textChanged()
        case .deleteToLineStart:
            text.deleteToLineStart()
            textChanged()
        case .lineStart: text.moveToLineStart()
        case .lineEnd: text.moveToLineEnd()
        case .blindSample1, .blindSample2, .blindSwitch, .blindPick, .blindNoPreference, .blindNextRound,
             .abxListen, .abxSwitch, .abxAnswer, .abxAgain, .leaveTest,
             .rankListen, .rankSelect, .rankReorder, .rankSubmit, .rankAgain:
            break
        case .sweepGrid: openSweepGrid()
        case .toggleStripView: showInStrip(stripView.toggled)
        case .blendLeft: moveBlend(by: -1)
        case .blendRight: moveBlend(by: 1)
        case .blendWithVoice: blendWithHighlightedVoice()
        }
    }

    /// Esc in normal mode: clear an error first, then stop what is playing or synthesizing.
    func escapeOrStop() {
        if playbackSnapshot.isActive || !jobs.isEmpty {
            stopEverything()
        } else {
            log.dismiss()
        }
    }

    public func stopEverything() {
        let cancelling = !jobs.isEmpty
        lane.cancelAll()
        playback.stop()
        if cancelling { info("synthesis cancelled") }
    }

    func cycleFocus(by step: Int) {
        let panes = Pane.allCases
        let index = panes.firstIndex(of: focus) ?? 0
        focus = panes[(index + step + panes.count) % panes.count]
    }

    func moveSelection(by delta: Int) {
        switch focus {
        case .models:
            modelCursor.move(by: delta, count: visibleModels.count)
        case .voices:
            let rows = voiceRows
            voiceCursor.move(by: delta, count: rows.count) { rows[$0].isSelectable }
        case .takes:
            takeCursor.move(by: delta, count: takeRows.count)
            prefetchSelectedTake()
        case .controls:
            let count = controlFields.count
            guard count > 0 else { return }
            controlIndex = min(max(controlIndex + delta, 0), count - 1)
        case .text:
            if delta < -1 || delta > 1 {
                text.moveVertically(rows: delta < 0 ? -textViewport.height : textViewport.height, wrapWidth: textViewport.width)
            } else {
                text.moveVertically(rows: delta, wrapWidth: textViewport.width)
            }
        case .metrics:
            break
        }
    }

    func activate() {
        switch focus {
        case .models: useHighlightedModel()
        case .voices: chooseHighlightedVoice()
        case .text: mode = .editingText
        case .controls: editControlField()
        case .takes: playSelected(from: .start)
        case .metrics: break
        }
    }
}
