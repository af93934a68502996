import Foundation
import SottoCore

extension StudioModel {
    func setSpeed(_ speed: Double) {
        settings.speed = speed
        if !capabilities.contains(.speed), activeModel != nil {
            info(String(format: "speed %.2f (\(activeModel!.name) ignores speed)", speed))
        } else {
            info(String(format: "speed %.2f", speed))
        }
        saveSoon()
    }

    func setSeed(_ seed: SeedChoice) {
        settings.seed = seed
        switch seed {
        case .random: info("seed: a new random seed for every take")
        case .fixed(let value): info("seed fixed at \(value)\(capabilities.contains(.seed) ? "" : " (this model does not sample)")")
        }
        saveSoon()
    }

    /// `:precision X` or the Controls field: the weight precision the model is loaded at; a
    /// change reloads it (the other precision's copy is unloaded first).
    public func setPrecision(_ precision: WeightPrecision?) {
        let offered = precisions(of: activeModel)
        guard let model = activeModel, !offered.isEmpty else {
            error("\(activeModel?.name ?? "this model") has one precision only; :precision is for models that offer several (Qwen3-TTS)")
            return
        }
        settings.precision = precision
        let now = self.precision(for: model) ?? Self.defaultPrecision
        saveSoon()
        guard environment.families.supports(model.kind), model.isComplete else {
            info("precision \(now.rawValue)")
            return
        }
        if isLoadedForNextTake(model) {
            info("precision \(now.rawValue) (\(model.name) is already loaded at it)")
        } else {
            // A load at the other precision may be under way: this one goes after it.
            requestedLoads.remove(model.id)
            requestLoad(model)
            if loadFailures[model.id] == nil { info("precision \(now.rawValue): loading \(model.name) at it…") }
        }
    }

    public var selectedControl: ControlField? {
        let fields = controlFields
        return fields.indices.contains(controlIndex) ? fields[controlIndex] : nil
    }

    func adjustControl(by step: Int) {
        guard let field = selectedControl else { return }
        switch field {
        case .speed:
            setSpeed(settings.speed(adjustedBy: step))
        case .voice:
            let voices = activeVoices.map(\.id)
            guard !voices.isEmpty else { return }
            let current = voices.firstIndex(of: settings.voice ?? defaultVoice ?? "") ?? 0
            settings.voice = voices[(current + step + voices.count) % voices.count]
            saveSoon()
        case .language:
            let options: [String?] = [nil] + activeLanguages.map { Optional($0) }
            let current = options.firstIndex(of: settings.language) ?? 0
            settings.language = options[(current + step + options.count) % options.count]
            saveSoon()
        case .seed:
            switch settings.seed {
            case .random: perform(.newSeed)
            case .fixed(let value):
                let next = step > 0 ? value &+ 1 : (value == 0 ? 0 : value - 1)
                settings.seed = .fixed(next)
                saveSoon()
            }
        case .instruct, .description:
            editControlField()
        case .precision:
            let options = precisions(of: activeModel)
            guard !options.isEmpty else { return }
            let current = options.firstIndex(of: precision(for: activeModel) ?? Self.defaultPrecision) ?? 0
            setPrecision(options[(current + step + options.count) % options.count])
        }
    }

    func editControlField() {
        guard let field = selectedControl else { return }
        let value: String
        switch field {
        case .speed: value = String(format: "%.2f", settings.speed)
        case .voice: value = settings.voice ?? ""
        case .instruct: value = settings.instruct
        case .description: value = settings.voiceDescription
        case .language: value = settings.language ?? "auto"
        case .seed: value = settings.seed.description
        case .precision: value = (precision(for: activeModel) ?? Self.defaultPrecision).rawValue
        }
        fieldEditor = TextBuffer(value, singleLine: true)
        fieldIsUntouched = true
        mode = .field(field)
    }

    func commitField(_ field: ControlField, value raw: String) {
        let value = raw.trimming(" ")
        switch field {
        case .speed:
            guard let speed = Double(value), VoiceSettings.speedRange.contains(speed) else {
                error("speed must be a number from 0.25 to 4, not \"\(value)\"")
                return
            }
            setSpeed(speed)
        case .voice:
            if value.isEmpty { settings.voice = nil; saveSoon() } else { chooseVoice(value) }
        case .instruct:
            settings.instruct = value
            saveSoon()
        case .description:
            settings.voiceDescription = value
            saveSoon()
        case .language:
            settings.language = value.isEmpty || value.lowercased() == "auto" ? nil : value
            saveSoon()
        case .seed:
            if value.isEmpty || value.lowercased() == "random" {
                setSeed(.random)
            } else if let seed = UInt64(value) {
                setSeed(.fixed(seed))
            } else {
                error("seed must be a whole number or random, not \"\(value)\"")
            }
        case .precision:
            do {
                setPrecision(try CommandParser.precision(value))
            } catch {
                self.error(error)
            }
        }
    }
}
