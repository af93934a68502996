import Foundation
import SottoCore

extension StudioModel {
    func chooseHighlightedVoice() {
        let rows = voiceRows
        guard rows.indices.contains(voiceCursor.index) else { return }
        switch rows[voiceCursor.index].kind {
        case .heading: break
        case .voice(let id):
            settings.voice = id
            info("voice \(id)")
            saveSoon()
        case .language(let language):
            settings.language = language
            info("language \(language ?? "auto")")
            saveSoon()
        case .preset(let name):
            if let preset = presets.first(where: { $0.name == name }) { apply(preset) }
        }
    }

    public func chooseVoice(_ name: String) {
        let voices = activeVoices
        if name.contains(":") || name.contains(",") {
            // A blend: let the engine check the parts.
            settings.voice = name
        } else if let voice = voices.first(where: { $0.id == name }) ?? voices.first(where: { $0.id.lowercased() == name.lowercased() }) {
            settings.voice = voice.id
        } else if voices.isEmpty {
            settings.voice = name
        } else {
            let matches = voices.filter { $0.id.lowercased().hasPrefix(name.lowercased()) }
            guard matches.count == 1 else {
                error(matches.isEmpty ? "\(activeModel?.name ?? "this model") has no voice \"\(name)\" (voices: \(voices.map(\.id).joined(separator: ", ")))"
                      : "\"\(name)\" matches \(matches.map(\.id).joined(separator: ", "))")
                return
            }
            settings.voice = matches[0].id
        }
        info("voice \(settings.voice ?? "default")")
        saveSoon()
    }

    public func apply(_ preset: Preset) {
        let model: ModelDescriptor
        do {
            model = try self.model(for: preset)
        } catch {
            self.error("preset \(preset.name) needs model \(preset.model): \(SottoError.describe(error))")
            return
        }
        useModel(model)
        settings.voice = preset.voice
        settings.instruct = preset.instruct ?? ""
        settings.voiceDescription = preset.voiceDescription ?? ""
        settings.speed = preset.speed ?? 1
        settings.language = preset.language
        if let seed = preset.seed { settings.seed = .fixed(seed) }
        info("preset \(preset.name): \(model.name)\(preset.summary.isEmpty ? "" : " · " + preset.summary)")
        saveSoon()
    }

    public func savePreset(named name: String) {
        guard let model = activeModel else {
            error("choose a model before saving a preset")
            return
        }
        let caps = capabilities
        var seed: UInt64?
        if case .fixed(let value) = settings.seed, caps.contains(.seed) { seed = value }
        let preset = Preset(
            name: name, model: model.name,
            voice: caps.contains(.voices) || caps.contains(.speakers) ? (settings.voice ?? defaultVoice) : nil,
            instruct: caps.contains(.instruct) && !settings.instruct.isEmpty ? settings.instruct : nil,
            voiceDescription: caps.contains(.voiceDesign) && !settings.voiceDescription.isEmpty ? settings.voiceDescription : nil,
            speed: caps.contains(.speed) ? settings.speed : nil,
            language: caps.contains(.languages) ? settings.language : nil,
            seed: seed, source: .user)
        do {
            let url = try presetLibrary.save(preset)
            reloadPresets()
            info("saved preset \(name) to \(url.path)")
        } catch {
            self.error(error)
        }
    }
}
