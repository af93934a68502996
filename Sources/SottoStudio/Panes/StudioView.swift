import SottoAudio
import SottoCore

/// Draws the whole studio onto a canvas. Keeps the waveform of the take on show between frames,
/// recomputing it only when the take, its length or the strip's width changes, and the
/// spectra of the last few takes shown, each extended only by the audio added since.
public final class StudioView {
    public var glyphs: Glyphs
    private var waveKey: (takeID: Int, frames: Int, columns: Int)?
    private var waveLevels: [Double] = []
    private var spectrograms: [(takeID: Int, spectrogram: Spectrogram)] = []
    private static let keptSpectrograms = 6
    /// About 11 s of 24 kHz audio, some 20 ms of work: a long take's spectrum fills in over a
    /// few refreshes instead of holding up the keys.
    private static let spectrogramFramesPerDraw = 1024
    private var wordKey: (takeID: Int, words: Int, text: String)?
    private var wordPositions: [[TextPosition]?] = []

    public init(glyphs: Glyphs) {
        self.glyphs = glyphs
    }

    public func draw(_ studio: StudioModel, on canvas: Canvas) {
        canvas.hideCursor()
        let layout = StudioLayout(width: canvas.width, height: canvas.height, focus: studio.focus, strip: studio.stripView)
        let full = Region(canvas: canvas, rect: Rect(row: 0, column: 0, width: canvas.width, height: canvas.height))
        full.clear()
        let context = DrawContext(model: studio, glyphs: glyphs, now: studio.now, playback: studio.playbackSnapshot, layout: layout)
        studio.drawn.layout = layout
        if layout.mode == .tooSmall {
            drawTooSmall(canvas: canvas, context: context)
            return
        }
        Bars.drawTitle(context, region: Region(canvas: canvas, rect: layout.titleBar))
        if let tabs = layout.tabs { Bars.drawTabs(context, region: Region(canvas: canvas, rect: tabs)) }
        for (pane, rect) in layout.panes {
            let region = Region(canvas: canvas, rect: rect)
            switch pane {
            case .models: ModelsPane.draw(context, region: region)
            case .voices: VoicesPane.draw(context, region: region)
            case .text: TextPane.draw(context, region: region, spoken: spokenWord(studio, context: context))
            case .controls: ControlsPane.draw(context, region: region)
            case .takes: TakesPane.draw(context, region: region)
            case .metrics: MetricsPane.draw(context, region: region)
            }
        }
        let stripRegion = Region(canvas: canvas, rect: layout.playback)
        let columns = layout.mode == .single ? max(1, layout.playback.width / 2) : max(1, layout.playback.width - 2)
        let source = waveSource(studio, context: context, columns: columns)
        (studio.drawn.stripTakeID, studio.drawn.stripSeconds) = (source?.takeID, source?.seconds ?? 0)
        PlaybackStrip.draw(context, region: stripRegion, source: source)
        Bars.drawStatus(context, region: Region(canvas: canvas, rect: layout.statusBar))
        if let overlay = studio.overlay {
            Overlays.draw(overlay, context: context, canvas: canvas)
        }
    }

    /// The take the strip shows: the one playing, else the selected one (or its live synthesis).
    func waveSource(_ studio: StudioModel, context: DrawContext, columns: Int) -> PlaybackStrip.Source? {
        let snapshot = context.playback
        let takeID: Int?
        if snapshot.phase != .idle, let playing = snapshot.takeID, snapshot.lastError == nil || snapshot.isActive {
            takeID = playing
        } else {
            takeID = studio.selectedTakeRow?.takeID
        }
        guard let takeID else { return nil }
        let buffer: PlaybackBuffer?
        var label = "take #\(takeID)"
        if let job = studio.jobs.first(where: { $0.takeID == takeID }) {
            buffer = job.buffer
            label += " · \(job.model.name) (synthesizing)"
        } else if let take = studio.take(takeID) {
            buffer = studio.library.cached(takeID)
            if buffer == nil, let file = take.audioFile { studio.library.prefetch(takeID, from: studio.session.audioURL(file)) }
            let mark = takeID == studio.markA ? " A" : takeID == studio.markB ? " B" : ""
            label += mark + " · " + take.speakerLabel
            if buffer == nil {
                let missing = studio.library.failure(takeID)
                return PlaybackStrip.Source(takeID: takeID, label: label + (missing == nil ? " (reading…)" : " (audio missing)"),
                                            levels: [], seconds: take.seconds)
            }
        } else {
            return nil
        }
        guard let buffer else {
            return PlaybackStrip.Source(takeID: takeID, label: label, levels: [], seconds: 0)
        }
        let frames = buffer.frameCount
        if waveKey.map({ $0 != (takeID, frames, columns) }) ?? true {
            waveLevels = Waveform.levels(buffer.samples(), columns: columns, totalFrames: buffer.isFinished ? nil : nil)
            waveKey = (takeID, frames, columns)
        }
        return PlaybackStrip.Source(takeID: takeID, label: label, levels: waveLevels,
                                    seconds: Double(frames) / Double(buffer.sampleRate),
                                    spectrogram: studio.stripView == .spectrogram ? spectrogram(of: takeID, buffer: buffer) : nil)
    }

    /// The take's spectrum, brought up to date with its buffer (a growing take adds only its new
    /// frames); the most recently shown takes' are kept, so switching between A and B is free.
    func spectrogram(of takeID: Int, buffer: PlaybackBuffer) -> Spectrogram {
        let spectrogram: Spectrogram
        if let index = spectrograms.firstIndex(where: { $0.takeID == takeID && $0.spectrogram.sampleRate == buffer.sampleRate }) {
            spectrogram = spectrograms.remove(at: index).spectrogram
        } else {
            spectrogram = Spectrogram(sampleRate: buffer.sampleRate)
            spectrograms.removeAll { $0.takeID == takeID }
        }
        spectrograms.append((takeID, spectrogram))
        if spectrograms.count > Self.keptSpectrograms { spectrograms.removeFirst() }
        if spectrogram.sampleCount != buffer.frameCount || !spectrogram.isComplete {
            spectrogram.update(buffer.samples(), frameBudget: Self.spectrogramFramesPerDraw)
        }
        return spectrogram
    }

    /// The characters of the Text pane that the take playing speaks now: none when that take is
    /// not of this text, has no word timings, or a blind test is on (timings tell takes apart).
    func spokenWord(_ studio: StudioModel, context: DrawContext) -> [TextPosition] {
        let snapshot = context.playback
        guard snapshot.phase == .playing, !context.isBlind, studio.mode != .editingText, let takeID = snapshot.takeID else { return [] }
        let words: [WordTiming], text: String
        if let job = studio.jobs.first(where: { $0.takeID == takeID }) {
            (words, text) = (job.progress.words, job.text)
        } else if let take = studio.take(takeID), let timed = take.words {
            (words, text) = (timed, take.text)
        } else {
            return []
        }
        guard text == studio.text.text, let index = WordHighlight.wordIndex(at: snapshot.playheadSeconds, in: words) else { return [] }
        if wordKey.map({ $0 != (takeID, words.count, text) }) ?? true {
            wordPositions = WordHighlight.positions(of: words, in: studio.text.lines)
            wordKey = (takeID, words.count, text)
        }
        return wordPositions.indices.contains(index) ? (wordPositions[index] ?? []) : []
    }

    func drawTooSmall(canvas: Canvas, context: DrawContext) {
        let lines = ["Sotto needs", "\(StudioLayout.minimumWidth)×\(StudioLayout.minimumHeight) or more", "(now \(canvas.width)×\(canvas.height))", "q quits"]
        for (index, line) in lines.enumerated() where index < canvas.height {
            let clipped = DisplayWidth.clip(line, to: canvas.width)
            canvas.put(clipped, row: index, column: max(0, (canvas.width - DisplayWidth.of(clipped)) / 2), style: .text)
        }
    }
}
