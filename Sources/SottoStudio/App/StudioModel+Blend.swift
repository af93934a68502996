import Foundation
import SottoCore

/// The blend slider: a blend of two voices (Kokoro) moved a tenth at a time.
extension StudioModel {
    /// The voice setting as a slider, when it blends two voices.
    public var blendSlider: BlendSlider? { BlendSlider(settings.voice) }

    /// `>` (positive) gives the first voice a tenth more, `<` the second.
    func moveBlend(by steps: Int) {
        guard let slider = blendSlider else {
            error("< and > move a blend of two voices: press * on a voice to blend it with the one in use, or :voice jf_alpha:0.5,jm_kumo:0.5")
            return
        }
        let moved = slider.moved(by: steps)
        settings.voice = moved.voiceSetting
        info("blend " + moved.label)
        saveSoon()
    }

    /// `*` in the Voices pane: the voice in use and the highlighted one, half each.
    func blendWithHighlightedVoice() {
        let rows = voiceRows
        guard rows.indices.contains(voiceCursor.index), case .voice(let highlighted) = rows[voiceCursor.index].kind else {
            error("highlight a voice to blend with the one in use")
            return
        }
        guard let current = blendSlider?.first ?? settings.voice ?? defaultVoice, !current.contains(":"), !current.contains(",") else {
            error("choose one voice first (Enter), then press * on another to blend them")
            return
        }
        guard current != highlighted else {
            error("\(highlighted) is the voice in use: highlight another voice to blend with it")
            return
        }
        do {
            settings.voice = try checkedBlend(BlendSlider(first: current, second: highlighted, share: 0.5).voiceSetting)
        } catch {
            self.error(error)
            return
        }
        info("blend " + (blendSlider?.label ?? settings.voice ?? "") + " (< and > move it)")
        saveSoon()
    }
}
