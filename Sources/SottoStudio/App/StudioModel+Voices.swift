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
            do {
                settings.voice = try checkedBlend(name)
            } catch {
                self.error(error)
                return
            }
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

    /// A blend such as `jf_alpha:0.7,jm_kumo:0.3`, checked before any take is asked of it: the
    /// model must blend voices, every part must be one of its voices with a weight that is a
    /// number of at least 0, and some weight must be above 0. Returns the blend as written, with
    /// each voice spelled as the model spells it.
    func checkedBlend(_ blend: String) throws -> String {
        let modelName = activeModel?.name ?? "this model"
        if activeModel != nil, !capabilities.contains(.voiceBlend) {
            throw SottoError("\(modelName) does not blend voices: \"\(blend)\" is not one of its voices")
        }
        let voices = activeVoices
        var parts: [String] = []
        var total = 0.0
        for item in blend.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimming(" ") }
            guard (1...2).contains(pieces.count), !pieces[0].isEmpty else {
                throw SottoError("cannot read the blend \"\(blend)\"", hint: "write voice:weight pairs, e.g. jf_alpha:0.7,jm_kumo:0.3")
            }
            var voice = pieces[0]
            if !voices.isEmpty {
                guard let known = voices.first(where: { $0.id == voice }) ?? voices.first(where: { $0.id.lowercased() == voice.lowercased() }) else {
                    throw SottoError("\(modelName) has no voice \"\(voice)\" for the blend (voices: \(voices.map(\.id).joined(separator: ", ")))")
                }
                voice = known.id
            }
            var weight = 1.0
            if pieces.count == 2 {
                guard let value = Double(pieces[1]), value.isFinite, value >= 0 else {
                    throw SottoError("the weight of \(voice) in the blend must be a number of 0 or more, not \"\(pieces[1])\"")
                }
                weight = value
            }
            total += weight
            parts.append(pieces.count == 2 ? "\(voice):\(pieces[1])" : voice)
        }
        guard total > 0 else {
            throw SottoError("every weight in the blend \"\(blend)\" is 0: give at least one voice a weight above 0")
        }
        return parts.joined(separator: ",")
    }

    public func apply(_ preset: Preset) {
        let model: ModelDescriptor
        do {
            model = try self.model(for: preset)
        } catch {
            self.error("preset \(preset.name) needs model \(preset.model): \(SottoError.describe(error))")
            return
        }
        // Set first, so the model loads at the preset's precision.
        if !precisions(of: model).isEmpty { settings.precision = preset.precision }
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

    /// Saves the settings as a preset of the user's. A name already taken (by a preset of the
    /// user's, or a shipped one it would hide) is refused unless `overwrite` says to replace it.
    public func savePreset(named name: String, overwrite: Bool = false) {
        guard let model = activeModel else {
            error("choose a model before saving a preset")
            return
        }
        if !overwrite, let existing = presets.first(where: { $0.name.lowercased() == name.lowercased() }) {
            let what = existing.source == .shipped ? "a shipped preset (yours would hide it)" : "one of your presets"
            error("\(existing.name) is already \(what): :preset save! \(name) replaces it, or choose another name")
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
            seed: seed, precision: precisions(of: model).isEmpty ? nil : settings.precision, source: .user)
        do {
            let url = try presetLibrary.save(preset)
            reloadPresets()
            info("saved preset \(name) to \(url.path)")
        } catch {
            self.error(error)
        }
    }
}
