import SottoAudio
import Testing

/// Each sample with the 16-bit value the documented rule gives it.
let knownConversions: [(sample: Float, value: Int16)] = [
    (0, 0),
    (1, 32767),
    (-1, -32767),
    (1.5, 32767),
    (-7, -32767),
    (.infinity, 32767),
    (-.infinity, -32767),
    (.nan, 0),
    (1.6 / 32767, 2),
    (1.4 / 32767, 1),
    (-1.6 / 32767, -2),
    // 0.5 and -0.5 are the only floats in range whose product with 32767 is an exact half.
    (0.5, 16384),
    (-0.5, -16384),
    (Float(0.5).nextDown, 16383),
    (-0.25, -8192),  // -8191.75
]

@Suite("Float to 16-bit conversion")
struct SampleConversionTests {
    @Test(arguments: knownConversions)
    func knownValues(sample: Float, expected: Int16) {
        #expect(SampleConversion.int16(sample) == expected)
    }

    @Test func everyIntegerSurvivesARoundTrip() {
        let changed = (Int16(-32767)...Int16.max).filter {
            SampleConversion.int16(SampleConversion.float($0)) != $0
        }
        #expect(changed.isEmpty)
    }
}
