/// How Sotto turns float samples into 16-bit integers, for the sound card and for 16-bit files.
///
/// The exact rule, which tests compare byte for byte:
///
///     int16 = clamp(round(x × 32767), −32767, 32767)
///
/// The product is formed in double precision (exact for every Float), `round` takes halves away
/// from zero, and NaN becomes 0. The scale is symmetric, so 1.0 → 32767 and −1.0 → −32767; the
/// value −32768 is never produced. Reading 16-bit files divides by 32767, the exact inverse.
public enum SampleConversion {
    public static func int16(_ sample: Float) -> Int16 {
        let scaled = Double(sample) * 32767
        if scaled >= 32767 { return 32767 }
        if scaled <= -32767 { return -32767 }
        if scaled.isNaN { return 0 }
        return Int16(scaled.rounded(.toNearestOrAwayFromZero))
    }

    public static func int16<Samples: Collection<Float>>(_ samples: Samples) -> [Int16] {
        samples.map(int16)
    }

    /// The float a 16-bit sample stands for, the inverse of `int16(_:)` on its range.
    public static func float(_ sample: Int16) -> Float {
        Float(sample) / 32767
    }
}
