/// The panes of the studio.
public enum Pane: Int, CaseIterable, Sendable, CustomStringConvertible {
    case models
    case voices
    case text
    case controls
    case takes
    case metrics

    public var description: String {
        switch self {
        case .models: return "Models"
        case .voices: return "Voices"
        case .text: return "Text"
        case .controls: return "Controls"
        case .takes: return "Takes"
        case .metrics: return "Metrics"
        }
    }

    /// The number key that jumps to the pane.
    public var number: Int { rawValue + 1 }
}

/// Where everything goes for a terminal size.
///
/// - 90 columns and 24 rows or more: three columns (models and voices; text and controls;
///   takes and metrics) over a full-width playback strip.
/// - 60 columns and 18 rows or more: two columns.
/// - Smaller: one pane at a time behind a tab row, with a one-row playback strip.
/// - Under 24×6: a note asking for a larger window (keys still work).
///
/// A spectrogram needs rows where a waveform reads in one, so while the strip shows one it
/// takes a third of the height (a quarter in two columns; a status row over it in single-pane
/// mode), leaving the Takes list at least three rows.
public struct StudioLayout: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case threeColumns
        case twoColumns
        case single
        case tooSmall
    }

    public var width: Int
    public var height: Int
    public var mode: Mode
    public var titleBar: Rect
    public var statusBar: Rect
    public var playback: Rect
    /// Tab row in single-pane mode.
    public var tabs: Rect?
    public var panes: [Pane: Rect]

    public static let minimumWidth = 24
    public static let minimumHeight = 6

    public init(width: Int, height: Int, focus: Pane, strip: StripView = .waveform) {
        self.width = width
        self.height = height
        panes = [:]
        tabs = nil
        titleBar = Rect(row: 0, column: 0, width: width, height: 1)
        statusBar = Rect(row: height - 1, column: 0, width: width, height: 1)
        playback = .zero
        if width < Self.minimumWidth || height < Self.minimumHeight {
            mode = .tooSmall
            return
        }
        if width >= 90 && height >= 24 {
            mode = .threeColumns
        } else if width >= 60 && height >= 18 {
            mode = .twoColumns
        } else {
            mode = .single
        }
        switch mode {
        case .threeColumns: layOutThreeColumns(tallStrip: strip == .spectrogram)
        case .twoColumns: layOutTwoColumns(tallStrip: strip == .spectrogram)
        default: layOutSingle(focus: focus, tallStrip: strip == .spectrogram)
        }
    }

    /// Rows of waveform inside the playback strip.
    public var waveformRows: Int {
        mode == .single ? 1 : max(1, playback.height - 3)
    }

    private mutating func layOutThreeColumns(tallStrip: Bool) {
        let waveHeight = height >= 44 ? 7 : height >= 34 ? 5 : 4
        let playbackHeight = tallStrip ? max(waveHeight, height / 3) : waveHeight
        playback = Rect(row: height - 1 - playbackHeight, column: 0, width: width, height: playbackHeight)
        let top = 1
        let mainHeight = playback.row - top
        let left = max(26, width * 28 / 100)
        let right = max(30, width * 34 / 100)
        let center = width - left - right

        let modelsHeight = min(max(5, mainHeight / 3), 10)
        panes[.models] = Rect(row: top, column: 0, width: left, height: modelsHeight)
        panes[.voices] = Rect(row: top + modelsHeight, column: 0, width: left, height: mainHeight - modelsHeight)

        let controlsHeight = min(9, mainHeight / 2)
        panes[.text] = Rect(row: top, column: left, width: center, height: mainHeight - controlsHeight)
        panes[.controls] = Rect(row: top + mainHeight - controlsHeight, column: left, width: center, height: controlsHeight)

        let metricsHeight = min(max(8, mainHeight / 2), 14)
        panes[.takes] = Rect(row: top, column: left + center, width: right, height: mainHeight - metricsHeight)
        panes[.metrics] = Rect(row: top + mainHeight - metricsHeight, column: left + center, width: right, height: metricsHeight)
    }

    private mutating func layOutTwoColumns(tallStrip: Bool) {
        // A quarter, not a third: the Takes list shares its column with two other panes here.
        let playbackHeight = tallStrip ? max(5, height / 4) : 4
        playback = Rect(row: height - 1 - playbackHeight, column: 0, width: width, height: playbackHeight)
        let top = 1
        let mainHeight = playback.row - top
        let left = width * 42 / 100
        let right = width - left

        let modelsHeight = max(4, mainHeight * 25 / 100)
        let controlsHeight = max(4, min(8, mainHeight * 35 / 100))
        panes[.models] = Rect(row: top, column: 0, width: left, height: modelsHeight)
        panes[.voices] = Rect(row: top + modelsHeight, column: 0, width: left, height: mainHeight - modelsHeight - controlsHeight)
        panes[.controls] = Rect(row: top + mainHeight - controlsHeight, column: 0, width: left, height: controlsHeight)

        var textHeight = max(4, mainHeight * 36 / 100)
        var metricsHeight = max(6, min(9, mainHeight * 32 / 100))
        // The Takes list keeps three rows: Metrics gives up rows first (down to one), then Text.
        let shortfall = 5 - (mainHeight - textHeight - metricsHeight)
        if shortfall > 0 {
            let fromMetrics = min(shortfall, metricsHeight - 3)
            metricsHeight -= fromMetrics
            textHeight -= min(shortfall - fromMetrics, textHeight - 3)
        }
        panes[.text] = Rect(row: top, column: left, width: right, height: textHeight)
        panes[.takes] = Rect(row: top + textHeight, column: left, width: right, height: mainHeight - textHeight - metricsHeight)
        panes[.metrics] = Rect(row: top + mainHeight - metricsHeight, column: left, width: right, height: metricsHeight)
    }

    private mutating func layOutSingle(focus: Pane, tallStrip: Bool) {
        tabs = Rect(row: 0, column: 0, width: width, height: 1)
        titleBar = .zero
        // The pane keeps at least two rows.
        let stripHeight = tallStrip ? 1 + min(max(2, (height - 3) / 3), max(0, height - 6)) : 1
        playback = Rect(row: height - 1 - stripHeight, column: 0, width: width, height: stripHeight)
        panes[focus] = Rect(row: 1, column: 0, width: width, height: height - 2 - stripHeight)
    }
}
