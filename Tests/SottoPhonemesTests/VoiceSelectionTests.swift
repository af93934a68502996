import SottoPhonemes
import Testing

@Suite struct VoiceSelectionTests {
    @Test func americanAndBritishEnglishDiffer() throws {
        let text = "tomato water"
        let american = try Phonemizer(voice: "en-us").phonemize(text)
        let british = try Phonemizer(voice: "en-gb").phonemize(text)
        #expect(american != british)
        #expect(american == (try EspeakCommand.ipa(text, voice: "en-us")))
        #expect(british == (try EspeakCommand.ipa(text, voice: "en-gb")))
    }

    /// `espeak_SetVoiceByName` alone rejects "en-gb" (no voice file has that name), and
    /// phonemizing after a rejected first voice crashes libespeak-ng; the name must resolve.
    @Test(arguments: ["en-gb", "en-GB", "EN_gb", "gmw/en", "English (Great Britain)"])
    func britishEnglishResolvesFromAnySpelling(_ name: String) throws {
        let phonemizer = try Phonemizer(voice: name)
        #expect(phonemizer.voice == name)
        #expect(try phonemizer.phonemize("water") == (try EspeakCommand.ipa("water", voice: "en-gb")))
    }

    @Test func unknownVoiceThrowsAClearError() throws {
        // espeak-ng does ship Klingon ("piqd"), so the unknown name must be truly unknown.
        #expect(throws: PhonemeError.unknownVoice("elvish-sindarin")) {
            try Phonemizer(voice: "elvish-sindarin")
        }
        #expect(throws: PhonemeError.unknownVoice("")) {
            try Phonemizer(voice: "")
        }
        let message = PhonemeError.unknownVoice("elvish-sindarin").description
        #expect(message.contains("'elvish-sindarin'"))
        #expect(message.contains("espeak-ng --voices"))
        #expect(!message.contains("\n"))
    }

    @Test func aFailedVoiceLeavesOtherVoicesWorking() throws {
        let american = try Phonemizer(voice: "en-us")
        let before = try american.phonemize("Hello there, friend.")
        #expect(throws: PhonemeError.self) { try Phonemizer(voice: "xx-nonexistent") }
        #expect(try american.phonemize("Hello there, friend.") == before)
    }

    @Test func variantsAreAcceptedAndDoNotChangePhonemes() throws {
        let plain = try Phonemizer(voice: "en-us").phonemize("Good morning.")
        #expect(try Phonemizer(voice: "en-us+f3").phonemize("Good morning.") == plain)
    }

    @Test func installedVoicesAreListed() throws {
        let voices = try Phonemizer.availableVoices()
        let american = voices.first { $0.identifier == "gmw/en-US" }
        #expect(american?.languages.first?.code == "en-us")
        #expect(voices.contains { voice in voice.languages.contains { $0.code == "ja" } })
        #expect(voices.contains { voice in voice.languages.contains { $0.code == "de" } })
    }

    @Test func errorsReadAsOneLine() {
        let errors: [PhonemeError] = [
            .espeakUnavailable(code: -1), .unknownVoice("zz"), .voiceLoadFailed("zz", code: 2),
            .espeakStalled(atByte: 10),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains("\n"))
        }
    }
}
