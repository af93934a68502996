import Foundation
import SottoCore
import SottoStudio
import Testing

@Suite struct KeyValueFileTests {
    @Test func readsValuesCommentsAndQuotes() throws {
        let file = try KeyValueFile(parsing: """
            # a comment
            name = ink
            text = #ffaf00 on default   # colour, then a comment
            quoted = "  keeps # and \\"quotes\\"\\n"
            Empty =
            """)
        #expect(file["name"] == "ink")
        #expect(file["text"] == "#ffaf00 on default")
        #expect(file["quoted"] == "  keeps # and \"quotes\"\n")
        #expect(file["empty"] == "")
    }

    @Test func laterLinesWin() throws {
        let file = try KeyValueFile(parsing: "a = 1\na = 2\n")
        #expect(file["a"] == "2")
    }

    @Test func reportsTheLineOfAMistake() {
        #expect(throws: KeyValueFile.ParseError(line: 2, message: "expected key = value, found \"oops\"")) {
            try KeyValueFile(parsing: "a = 1\noops\n")
        }
        #expect(throws: KeyValueFile.ParseError.self) { try KeyValueFile(parsing: "a = \"open\n") }
    }

    @Test func serializedTextReadsBackTheSame() throws {
        var file = KeyValueFile(entries: [])
        file.set("plain", "value")
        file.set("spaced", "  lead")
        file.set("hash", "a # b")
        file.set("multi", "one\ntwo")
        let reread = try KeyValueFile(parsing: file.serialized(header: ["header"]))
        for key in ["plain", "spaced", "hash", "multi"] { #expect(reread[key] == file[key]) }
    }
}

@Suite struct ThemeTests {
    @Test func stylesParseColoursAndAttributes() throws {
        let style = try Style(parsing: "252 on #005f87 bold, underline")
        #expect(style.foreground == .indexed(252))
        #expect(style.background == .rgb(0, 0x5F, 0x87))
        #expect(style.attributes == [.bold, .underline])
        #expect(try Style(parsing: "bright_red").foreground == .indexed(9))
        #expect(try Style(parsing: "on blue reverse").background == .indexed(4))
        #expect(throws: StyleParseError.self) { try Style(parsing: "purple-ish") }
    }

    @Test func unsetRolesInheritFromTheirParents() throws {
        let theme = try Theme(name: "t", file: KeyValueFile(parsing: "text = 250\naccent = 75 bold\nborder = 240"))
        #expect(theme.style(.selection) == theme.style(.accent))
        #expect(theme.style(.borderFocus).foreground == .indexed(240))
        #expect(theme.style(.dim) == theme.style(.text))
    }

    @Test func unknownRolesAreErrorsWithTheirLine() {
        #expect(throws: ThemeError.self) { try Theme(name: "t", file: KeyValueFile(parsing: "text = 1\nbackdrop = 2")) }
    }

    @Test func everyShippedThemeLoadsAndOneSuitsMonochromeTerminals() throws {
        let library = ThemeLibrary(directories: [repositoryRoot.appendingPathComponent("Themes")])
        let names = library.names()
        #expect(names.count >= 3)
        for name in names { _ = try library.load(name) }
        let mono = try library.load("mono")
        #expect(mono.minimumColors <= 16)
        // Everything the mono theme colours is a basic colour, so 8-colour consoles show it as meant.
        for role in StyleRole.allCases {
            for color in [mono.style(role).foreground, mono.style(role).background] {
                if case .indexed(let index) = color { #expect(index < 8) }
                if case .rgb = color { Issue.record("mono uses a 24-bit colour for \(role)") }
            }
        }
    }

    @Test func userThemesOverrideShippedOnesOfTheSameName() throws {
        let folder = ScratchFolder("themes")
        try folder.write("name = ink\ndescription = mine\ntext = 1\n", to: "user/ink.theme")
        let library = ThemeLibrary(directories: [folder.path("user"), repositoryRoot.appendingPathComponent("Themes")])
        #expect(try library.load("ink").summary == "mine")
        #expect(try library.load("INK").name == "ink")
        #expect(throws: SottoError.self) { try library.load("nonexistent") }
    }

    @Test func coloursDegradeToWhatTheTerminalHas() {
        #expect(ColorPalette.number(for: .indexed(75), available: 256) == 75)
        #expect(ColorPalette.number(for: .terminalDefault, available: 8) == -1)
        // 75 is a light blue, 203 a salmon red, 244 a mid grey, 16 black.
        #expect([4, 12].contains(ColorPalette.number(for: .indexed(75), available: 16)))
        #expect([1, 9].contains(ColorPalette.number(for: .indexed(203), available: 16)))
        #expect(ColorPalette.number(for: .indexed(244), available: 16) == 8)
        #expect(ColorPalette.number(for: .indexed(16), available: 8) == 0)
        #expect(ColorPalette.number(for: .rgb(255, 175, 0), available: 256) == 214)
        #expect(ColorPalette.number(for: .indexed(203), available: 8) == 1)
    }
}

@Suite struct PresetTests {
    @Test func presetsReadEverySetting() throws {
        let preset = try Preset(name: "p", file: KeyValueFile(parsing: """
            model = qwen3
            variant = CustomVoice
            speaker = ryan
            instruct = whispering
            speed = 1.1
            language = english
            seed = 42
            """), source: .shipped)
        #expect(preset.voice == "ryan")
        #expect(preset.variant == "CustomVoice")
        #expect(preset.instruct == "whispering")
        #expect(preset.speed == 1.1)
        #expect(preset.seed == 42)
    }

    @Test func badPresetsSayWhatIsWrong() {
        #expect(throws: SottoError.self) { try Preset(name: "p", file: KeyValueFile(parsing: "voice = x"), source: .user) }
        #expect(throws: SottoError.self) { try Preset(name: "p", file: KeyValueFile(parsing: "model = a\nspeed = fast"), source: .user) }
        #expect(throws: SottoError.self) { try Preset(name: "p", file: KeyValueFile(parsing: "model = a\ncolour = red"), source: .user) }
    }

    @Test func savedPresetsLoadBackAndOverrideShippedOnes() throws {
        let folder = ScratchFolder("presets")
        try folder.write("model = piper\nabout = shipped\n", to: "shipped/joe.voice")
        try folder.write("this is not a preset", to: "shipped/broken.voice")
        let library = PresetLibrary(userDirectory: folder.path("user"), shippedDirectory: folder.path("shipped"))
        let saved = Preset(name: "joe", model: "en_US-joe-medium", voice: "v", instruct: "calm # slow", speed: 0.9,
                           language: nil, seed: 3, source: .user)
        try library.save(saved)
        let (presets, problems) = library.load()
        #expect(presets.count == 1)
        #expect(presets[0] == saved)
        #expect(problems.count == 1)
        #expect(throws: SottoError.self) { try library.save(Preset(name: "../escape", model: "piper")) }
    }

    @Test func everyShippedPresetLoads() {
        let library = PresetLibrary(userDirectory: URL(fileURLWithPath: "/nonexistent"),
                                    shippedDirectory: repositoryRoot.appendingPathComponent("Voices"))
        let (presets, problems) = library.load()
        #expect(problems.isEmpty, "\(problems)")
        #expect(presets.contains { $0.model == "kokoro" })
        #expect(presets.contains { $0.model == "en_US-joe-medium" })
        #expect(presets.contains { $0.variant == "CustomVoice" && $0.instruct != nil && $0.voice != nil })
        #expect(presets.contains { $0.variant == "VoiceDesign" && $0.voiceDescription != nil })
    }
}

@Suite struct StudioConfigTests {
    @Test func updatingAKeyKeepsTheRestOfTheFile() throws {
        let folder = ScratchFolder("config")
        let url = folder.path("studio.conf")
        try folder.write("# mine\ntheme = ink\ndevice = hw:1\n", to: "studio.conf")
        try StudioConfig.update("theme", to: "mono", in: url)
        try StudioConfig.update("autoplay", to: "off", in: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "# mine\ntheme = mono\ndevice = hw:1\nautoplay = off\n")
        let config = try StudioConfig.load(from: url)
        #expect(config == StudioConfig(theme: "mono", device: "hw:1", autoplay: false))
    }

    @Test func aBadValueIsAnError() throws {
        let folder = ScratchFolder("config")
        try folder.write("autoplay = sometimes\n", to: "studio.conf")
        #expect(throws: SottoError.self) { try StudioConfig.load(from: folder.path("studio.conf")) }
        #expect(try StudioConfig.load(from: folder.path("missing.conf")) == StudioConfig())
    }
}
