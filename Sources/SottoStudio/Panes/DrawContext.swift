/// What every pane needs to draw one frame.
struct DrawContext {
    let model: StudioModel
    let glyphs: Glyphs
    let now: Double
    let playback: PlaybackSnapshot
    let layout: StudioLayout

    var isBlind: Bool { model.isListeningBlind }

    func isFocused(_ pane: Pane) -> Bool {
        model.focus == pane && model.overlay == nil
    }

    /// The pane's inside: framed when there is room for borders, bare in single-pane mode.
    func frame(_ region: Region, pane: Pane, title: String, detail: String = "") -> Region {
        if layout.mode == .single { return region }
        return PaneFrame.draw(region, title: title, detail: detail, focused: isFocused(pane), glyphs: glyphs)
    }

    /// The filter being typed for `pane` (shown on the pane's last row), if any.
    func filterLine(for pane: Pane) -> String? {
        if case .filter(let filtered) = model.mode, filtered == pane { return model.commandLine.text }
        return nil
    }
}
